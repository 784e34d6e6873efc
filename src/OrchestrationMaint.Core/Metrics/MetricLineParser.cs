using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace OrchestrationMaint.Core.Metrics;

/// <summary>The outcome of reading one line: a record, a blank line, or a malformed line with its reason.</summary>
public readonly record struct MetricParseResult(MetricRecord? Record, string? Error)
{
    public static MetricParseResult Blank => default;

    public bool IsBlank => Record is null && Error is null;
}

/// <summary>
/// Applies the record rules of shared/target-system.md ("logs/metrics.jsonl") to one line. Pure
/// and allocation-light enough to run over millions of lines; never throws for bad input.
/// </summary>
public static class MetricLineParser
{
    private const int MaxDepth = 64;

    /// <param name="line">One line without its line end; a trailing '\r' (CRLF files) is ignored.</param>
    public static MetricParseResult Parse(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (line.Length >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF)
        {
            line = line[3..];
        }

        if (line.Trim(" \t"u8).IsEmpty)
        {
            return MetricParseResult.Blank;
        }

        if (!Utf8.IsValid(line))
        {
            return Malformed("not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = MaxDepth });
            document = JsonDocument.ParseValue(ref reader);
            if (reader.BytesConsumed != line.Length && !line[(int)reader.BytesConsumed..].Trim(" \t"u8).IsEmpty)
            {
                document.Dispose();
                return Malformed("text follows the JSON object");
            }
        }
        catch (JsonException ex)
        {
            return Malformed($"not valid JSON (byte {ex.BytePositionInLine ?? 0})");
        }

        using (document)
        {
            try
            {
                return FromElement(document.RootElement);
            }
            catch (InvalidOperationException)
            {
                // A string escape that is not valid text, such as a lone "\uD800".
                return Malformed("a string holds an invalid escape");
            }
        }
    }

    private static MetricParseResult FromElement(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Malformed($"a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object");
        }

        DateTimeOffset? timestamp = null;
        string? operation = null, status = null, timestampError = null, durationError = null;
        double? duration = null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "timestamp":
                    timestamp = ReadTimestamp(property.Value, out timestampError);
                    break;
                case "operation":
                    operation = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    break;
                case "status":
                    status = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    break;
                case "duration_seconds":
                    duration = ReadDuration(property.Value, out durationError);
                    break;
                default:
                    fields[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                    break;
            }
        }

        if (timestamp is null)
        {
            return Malformed(timestampError ?? "missing \"timestamp\"");
        }

        if (string.IsNullOrEmpty(operation))
        {
            return Malformed("\"operation\" is missing or not a non-empty string");
        }

        if (status is null)
        {
            return Malformed("\"status\" is missing or not a string");
        }

        if (duration is null)
        {
            return Malformed(durationError ?? "missing \"duration_seconds\"");
        }

        var kind = status.Equals("success", StringComparison.OrdinalIgnoreCase) ? MetricStatus.Success
            : status.Equals("failure", StringComparison.OrdinalIgnoreCase) ? MetricStatus.Failure
            : MetricStatus.Other;
        return new(new MetricRecord(timestamp.Value, operation, kind, status, duration.Value, fields), null);
    }

    private static DateTimeOffset? ReadTimestamp(JsonElement value, out string? error)
    {
        error = "\"timestamp\" is not an ISO 8601 date and time";
        if (value.ValueKind != JsonValueKind.String || !value.TryGetDateTime(out var dateTime))
        {
            return null;
        }

        error = null;
        // System.Text.Json reads a time without an offset as Unspecified; the contract says that is UTC.
        return dateTime.Kind switch
        {
            DateTimeKind.Unspecified => new DateTimeOffset(dateTime, TimeSpan.Zero),
            _ => value.GetDateTimeOffset().ToUniversalTime(),
        };
    }

    private static double? ReadDuration(JsonElement value, out string? error)
    {
        error = null;
        double duration;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetDouble(out duration):
                break;
            case JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out duration):
                break;
            default:
                error = "\"duration_seconds\" is not a number";
                return null;
        }

        if (!double.IsFinite(duration) || duration < 0)
        {
            error = "\"duration_seconds\" is negative or not finite";
            return null;
        }

        return duration;
    }

    private static MetricParseResult Malformed(string reason) => new(null, reason);
}
