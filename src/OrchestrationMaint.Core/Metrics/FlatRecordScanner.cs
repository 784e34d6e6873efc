using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace OrchestrationMaint.Core.Metrics;

/// <summary>
/// The fast path of <see cref="MetricLineParser.Scan"/> for what scripts write nearly always: one flat
/// object of unescaped strings, numbers and literals, with the four required fields well formed. It
/// validates as strictly as JSON does; anything else (escapes, nesting, a missing or odd field,
/// invalid JSON) returns false, and the general <see cref="System.Text.Json.Utf8JsonReader"/> path
/// decides, with its exact message. So a line is read the same way whichever path takes it.
/// </summary>
internal static class FlatRecordScanner
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryScan(ReadOnlySpan<byte> line, ref MetricScan scan)
    {
        var i = SkipSpace(line, 0);
        if (i >= line.Length || line[i] != '{')
        {
            return false;
        }

        bool hasTimestamp = false, hasOperation = false, hasStatus = false, hasDuration = false;
        i = SkipSpace(line, i + 1);
        if (i < line.Length && line[i] == '}')
        {
            return false;
        }

        while (true)
        {
            if (!TryString(line, ref i, out var key))
            {
                return false;
            }

            i = SkipSpace(line, i);
            if (i >= line.Length || line[i] != ':')
            {
                return false;
            }

            i = SkipSpace(line, i + 1);
            if (i >= line.Length)
            {
                return false;
            }

            var isString = line[i] == '"';
            ReadOnlySpan<byte> value;
            if (isString)
            {
                if (!TryString(line, ref i, out value))
                {
                    return false;
                }
            }
            else if (!TryNumberOrLiteral(line, ref i, out value))
            {
                return false;
            }

            if (key.SequenceEqual("timestamp"u8))
            {
                if (!isString || !MetricLineParser.TryUtcSeconds(value, out var timestamp))
                {
                    return false;
                }

                scan.Timestamp = timestamp;
                hasTimestamp = true;
            }
            else if (key.SequenceEqual("operation"u8))
            {
                if (!isString || value.IsEmpty)
                {
                    return false;
                }

                scan.Operation = value;
                hasOperation = true;
            }
            else if (key.SequenceEqual("status"u8))
            {
                if (!isString)
                {
                    return false;
                }

                scan.StatusText = value;
                scan.Status = Ascii.EqualsIgnoreCase(value, "success"u8) ? MetricStatus.Success
                    : Ascii.EqualsIgnoreCase(value, "failure"u8) ? MetricStatus.Failure
                    : MetricStatus.Other;
                hasStatus = true;
            }
            else if (key.SequenceEqual("duration_seconds"u8))
            {
                if (isString || value[0] is (byte)'t' or (byte)'f' or (byte)'n' or (byte)'-'
                    || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var duration) || !double.IsFinite(duration))
                {
                    return false;
                }

                scan.DurationSeconds = duration;
                hasDuration = true;
            }

            i = SkipSpace(line, i);
            if (i >= line.Length)
            {
                return false;
            }

            if (line[i] == ',')
            {
                i = SkipSpace(line, i + 1);
                continue;
            }

            if (line[i] != '}')
            {
                return false;
            }

            return SkipSpace(line, i + 1) == line.Length && hasTimestamp && hasOperation && hasStatus && hasDuration;
        }
    }

    // Each helper on the per-line path is optimised from its first call too: tiered compilation would
    // run it as unoptimised code for the first few hundred milliseconds, most of a cold ingestion.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int SkipSpace(ReadOnlySpan<byte> line, int i)
    {
        while (i < line.Length && line[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }

    /// <summary>A string without escapes or control characters (the input is already valid UTF-8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryString(ReadOnlySpan<byte> line, scoped ref int i, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (i >= line.Length || line[i] != '"')
        {
            return false;
        }

        // Field names and values are short: a plain loop beats vectorised searches started per string.
        var j = i + 1;
        while (j < line.Length)
        {
            var b = line[j];
            if (b == '"')
            {
                value = line[(i + 1)..j];
                i = j + 1;
                return true;
            }

            if (b == '\\' || b < 0x20)
            {
                return false;
            }

            j++;
        }

        return false;
    }

    /// <summary>A JSON number (strict grammar) or true, false, null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryNumberOrLiteral(ReadOnlySpan<byte> line, scoped ref int i, out ReadOnlySpan<byte> value)
    {
        var start = i;
        value = default;
        var rest = line[i..];
        var literal = rest.StartsWith("true"u8) || rest.StartsWith("null"u8) ? 4 : rest.StartsWith("false"u8) ? 5 : 0;
        if (literal > 0)
        {
            i += literal;
            value = line[start..i];
            return true;
        }

        if (line[i] == '-')
        {
            i++;
        }

        if (i >= line.Length || !char.IsAsciiDigit((char)line[i]))
        {
            return false;
        }

        if (line[i] == '0')
        {
            i++;
        }
        else
        {
            while (i < line.Length && char.IsAsciiDigit((char)line[i]))
            {
                i++;
            }
        }

        if (i < line.Length && line[i] == '.')
        {
            var digits = ++i;
            while (i < line.Length && char.IsAsciiDigit((char)line[i]))
            {
                i++;
            }

            if (i == digits)
            {
                return false;
            }
        }

        if (i < line.Length && line[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (i < line.Length && line[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            var digits = i;
            while (i < line.Length && char.IsAsciiDigit((char)line[i]))
            {
                i++;
            }

            if (i == digits)
            {
                return false;
            }
        }

        value = line[start..i];
        return true;
    }
}
