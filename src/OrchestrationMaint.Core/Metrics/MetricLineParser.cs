using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace OrchestrationMaint.Core.Metrics;

/// <summary>The outcome of reading one line: a record, a blank line, or a malformed line with its reason.</summary>
public readonly record struct MetricParseResult(MetricRecord? Record, string? Error)
{
    public static MetricParseResult Blank => default;

    public bool IsBlank => Record is null && Error is null;
}

public enum ScanOutcome
{
    Record,
    Blank,
    Malformed,
}

/// <summary>The required fields of a record, as views into the line: nothing allocated.</summary>
public ref struct MetricScan
{
    public DateTimeOffset Timestamp { get; set; }

    public ReadOnlySpan<byte> Operation { get; set; }

    public MetricStatus Status { get; set; }

    public ReadOnlySpan<byte> StatusText { get; set; }

    public double DurationSeconds { get; set; }
}

/// <summary>
/// Applies the record rules of the metrics contract (README, "The metrics file") to one line.
/// <see cref="Scan"/> is the hot path: one pass of a <see cref="Utf8JsonReader"/>, no allocation
/// for a plain record. <see cref="Parse"/> adds every other field, for the records kept in full.
/// Never throws for bad input.
/// </summary>
public static class MetricLineParser
{
    private const int MaxDepth = 64;

    public static MetricParseResult Parse(ReadOnlySpan<byte> line)
    {
        switch (Scan(line, out var scan, out var error))
        {
            case ScanOutcome.Blank:
                return MetricParseResult.Blank;
            case ScanOutcome.Malformed:
                return new(null, error);
            default:
                return new(new MetricRecord(scan.Timestamp, Encoding.UTF8.GetString(scan.Operation), scan.Status,
                    Encoding.UTF8.GetString(scan.StatusText), scan.DurationSeconds, ReadFields(line)), null);
        }
    }

    /// <param name="line">One line without its '\n'; a trailing '\r' and a leading BOM are ignored.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ScanOutcome Scan(ReadOnlySpan<byte> line, out MetricScan scan, out string? error)
    {
        scan = default;
        error = null;
        line = Trim(line);
        if (IsBlank(line))
        {
            return ScanOutcome.Blank;
        }

        // The fast path takes printable ASCII lines only, which are valid UTF-8: the (costlier) UTF-8
        // check is left for the lines it declines.
        if (FlatRecordScanner.TryScan(line, ref scan))
        {
            return ScanOutcome.Record;
        }

        if (!Utf8.IsValid(line))
        {
            scan = default;
            error = "not valid UTF-8";
            return ScanOutcome.Malformed;
        }

        scan = default;
        return ScanGeneral(line, ref scan, out error);
    }

    /// <summary>The general path, for every line the flat fast path declines (and, in tests, for comparison with it).</summary>
    internal static ScanOutcome ScanGeneral(ReadOnlySpan<byte> line, ref MetricScan scan, out string? error)
    {
        error = null;
        try
        {
            error = ScanObject(line, ref scan);
        }
        catch (JsonException ex)
        {
            error = ex.Message.Contains("after a single JSON value", StringComparison.Ordinal)
                ? "text follows the JSON object"
                : $"not valid JSON (byte {ex.BytePositionInLine ?? 0})";
        }
        catch (InvalidOperationException)
        {
            // A string escape that is not valid text, such as a lone "\uD800".
            error = "a string holds an invalid escape";
        }
        catch (ArgumentException ex)
        {
            // A value out of range for .NET (a date before year 1 after its offset is applied): bad data, not a crash.
            error = $"a value is out of range ({ex.GetType().Name})";
        }

        return error is null ? ScanOutcome.Record : ScanOutcome.Malformed;
    }

    private static string? ScanObject(ReadOnlySpan<byte> line, ref MetricScan scan)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = MaxDepth });
        if (!reader.Read())
        {
            return "not valid JSON (byte 0)";
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            while (reader.Read())
            {
            }

            return $"a JSON {Kind(reader.TokenType)}, not an object";
        }

        bool hasTimestamp = false, hasOperation = false, hasStatus = false, hasDuration = false;
        string? timestampError = null, durationError = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("timestamp"u8))
            {
                reader.Read();
                hasTimestamp = TryTimestamp(ref reader, out var timestamp);
                scan.Timestamp = timestamp;
                timestampError = hasTimestamp ? null : "\"timestamp\" is not an ISO 8601 date and time";
            }
            else if (reader.ValueTextEquals("operation"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    scan.Operation = Text(ref reader);
                    hasOperation = scan.Operation.Length > 0;
                }
                else
                {
                    hasOperation = false;
                }
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                reader.Read();
                hasStatus = reader.TokenType == JsonTokenType.String;
                if (hasStatus)
                {
                    scan.StatusText = Text(ref reader);
                    scan.Status = Ascii.EqualsIgnoreCase(scan.StatusText, "success"u8) ? MetricStatus.Success
                        : Ascii.EqualsIgnoreCase(scan.StatusText, "failure"u8) ? MetricStatus.Failure
                        : MetricStatus.Other;
                }
            }
            else if (reader.ValueTextEquals("duration_seconds"u8))
            {
                reader.Read();
                hasDuration = TryDuration(ref reader, out var duration, out durationError);
                scan.DurationSeconds = duration;
            }
            else
            {
                reader.Read();
            }

            // A container where a scalar belongs (or any other field's value) is stepped over whole,
            // so that its inner keys are never mistaken for the record's own.
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        // Anything but whitespace after the object makes the reader throw "after a single JSON value".
        while (reader.Read())
        {
        }

        return !hasTimestamp ? timestampError ?? "missing \"timestamp\""
            : !hasOperation ? "\"operation\" is missing or not a non-empty string"
            : !hasStatus ? "\"status\" is missing or not a string"
            : !hasDuration ? durationError ?? "missing \"duration_seconds\""
            : null;
    }

    private static ReadOnlySpan<byte> Text(scoped ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;

    private static bool TryTimestamp(ref Utf8JsonReader reader, out DateTimeOffset timestamp)
    {
        timestamp = default;
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && TryUtcSeconds(reader.ValueSpan, out timestamp))
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTime(out var dateTime))
        {
            return false;
        }

        // System.Text.Json reads a time without an offset as Unspecified; the contract says that is UTC.
        timestamp = dateTime.Kind switch
        {
            DateTimeKind.Utc or DateTimeKind.Unspecified => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
            _ => reader.GetDateTimeOffset().ToUniversalTime(),
        };
        return true;
    }

    /// <summary>Days before each month in a common year, and the year's length last.</summary>
    private static ReadOnlySpan<int> DaysBeforeMonth => [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

    /// <summary>
    /// The shape shell scripts write ("2026-11-28T09:00:03Z", from date -u), read without the general
    /// parser. The ticks are computed here, as DateTime computes them, after checking every field:
    /// the DateTime and DateTimeOffset constructors would check them all again on every line.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryUtcSeconds(ReadOnlySpan<byte> text, out DateTimeOffset timestamp)
    {
        timestamp = default;
        if (text.Length != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z'
            || !TwoDigits(text, 0, out var century) || !TwoDigits(text, 2, out var yy) || !TwoDigits(text, 5, out var month) || !TwoDigits(text, 8, out var day)
            || !TwoDigits(text, 11, out var hour) || !TwoDigits(text, 14, out var minute) || !TwoDigits(text, 17, out var second)
            || hour > 23 || minute > 59 || second > 59 || month is < 1 or > 12 || day < 1)
        {
            return false;
        }

        var year = (century * 100) + yy;
        var leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        var monthLength = DaysBeforeMonth[month] - DaysBeforeMonth[month - 1] + (leap && month == 2 ? 1 : 0);
        if (year < 1 || day > monthLength)
        {
            return false;
        }

        var before = year - 1;
        long days = (before * 365) + (before / 4) - (before / 100) + (before / 400) + DaysBeforeMonth[month - 1] + (leap && month > 2 ? 1 : 0) + day - 1;
        timestamp = new DateTimeOffset((days * TimeSpan.TicksPerDay) + ((((hour * 60L) + minute) * 60) + second) * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TwoDigits(ReadOnlySpan<byte> text, int at, out int value)
    {
        var tens = text[at] - '0';
        var ones = text[at + 1] - '0';
        value = (tens * 10) + ones;
        return (uint)tens <= 9 && (uint)ones <= 9;
    }

    private static bool TryDuration(ref Utf8JsonReader reader, out double duration, out string? error)
    {
        error = null;
        duration = 0;
        var parsed = reader.TokenType switch
        {
            JsonTokenType.Number => reader.TryGetDouble(out duration),
            JsonTokenType.String => double.TryParse(Text(ref reader), NumberStyles.Float, CultureInfo.InvariantCulture, out duration),
            _ => false,
        };
        if (!parsed)
        {
            error = "\"duration_seconds\" is not a number";
            return false;
        }

        if (!double.IsFinite(duration) || duration < 0)
        {
            error = "\"duration_seconds\" is negative or not finite";
            return false;
        }

        return true;
    }

    /// <summary>Every field but the four required ones, as text (strings unquoted), for display.</summary>
    public static IReadOnlyDictionary<string, string> ReadFields(ReadOnlySpan<byte> line)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(Trim(line), new JsonReaderOptions { MaxDepth = MaxDepth });
        using var document = JsonDocument.ParseValue(ref reader);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            try
            {
                if (property.Name is not ("timestamp" or "operation" or "status" or "duration_seconds"))
                {
                    fields[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }
            catch (InvalidOperationException)
            {
                // A lone surrogate escape: show the field as written rather than fail the page.
                fields[$"field {fields.Count + 1}"] = property.Value.GetRawText();
            }
        }

        return fields;
    }

    // Trim and IsBlank test bytes directly: the library's generic Trim and StartsWith ran unoptimised
    // code on every line for most of a cold ingestion.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        // The UTF-8 byte order mark, EF BB BF.
        return line.Length >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF ? line[3..] : line;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b is not ((byte)' ' or (byte)'\t'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray or JsonTokenType.EndArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        _ => "null",
    };
}
