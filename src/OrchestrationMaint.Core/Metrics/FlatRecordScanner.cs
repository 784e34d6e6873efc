using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace OrchestrationMaint.Core.Metrics;

/// <summary>
/// The fast path of <see cref="MetricLineParser.Scan"/> for what scripts write nearly always: one flat
/// object in printable ASCII of unescaped strings, numbers and literals, with the four required fields well formed. It
/// validates as strictly as JSON does; anything else (escapes, nesting, a missing or odd field,
/// invalid JSON) returns false, and the general <see cref="System.Text.Json.Utf8JsonReader"/> path
/// decides, with its exact message. So a line is read the same way whichever path takes it.
/// </summary>
internal static class FlatRecordScanner
{
    /// <summary>Every power of ten a double holds exactly.</summary>
    private static ReadOnlySpan<double> ExactPowersOf10 =>
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryScan(ReadOnlySpan<byte> line, ref MetricScan scan)
    {
        // One vectorised pass over the whole line instead of a check per byte in every string: with
        // no escape and no control character anywhere, a string ends at its next quote and the only
        // whitespace left is ' '. A tab between tokens is valid JSON, but rare: the general path reads
        // it. An ASCII line is valid UTF-8 too, so the caller validates UTF-8 only for lines declined here.
        if (!IsPlainAscii(line))
        {
            return false;
        }

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

            // The length picks the candidate name, so other fields cost one comparison, not four.
            if (key.Length == 9 && key.SequenceEqual("timestamp"u8))
            {
                if (!isString || !MetricLineParser.TryUtcSeconds(value, out var timestamp))
                {
                    return false;
                }

                scan.Timestamp = timestamp;
                hasTimestamp = true;
            }
            else if (key.Length == 9 && key.SequenceEqual("operation"u8))
            {
                if (!isString || value.IsEmpty)
                {
                    return false;
                }

                scan.Operation = value;
                hasOperation = true;
            }
            else if (key.Length == 6 && key.SequenceEqual("status"u8))
            {
                if (!isString)
                {
                    return false;
                }

                scan.StatusText = value;
                scan.Status = EqualsLettersIgnoreCase(value, "success"u8) ? MetricStatus.Success
                    : EqualsLettersIgnoreCase(value, "failure"u8) ? MetricStatus.Failure
                    : MetricStatus.Other;
                hasStatus = true;
            }
            else if (key.Length == 16 && key.SequenceEqual("duration_seconds"u8))
            {
                if (isString || value[0] is (byte)'t' or (byte)'f' or (byte)'n' or (byte)'-')
                {
                    return false;
                }

                if (!TryShortDecimal(value, out var duration)
                    && (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out duration) || !double.IsFinite(duration)))
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
        // TryScan already declined any line holding '\t', '\r' or '\n'.
        while (i < line.Length && line[i] == ' ')
        {
            i++;
        }

        return i;
    }

    /// <summary>A string; TryScan already declined lines with escapes or control characters, so it ends at the next quote.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryString(ReadOnlySpan<byte> line, scoped ref int i, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (i >= line.Length || line[i] != '"')
        {
            return false;
        }

        var length = IndexOfQuote(line[(i + 1)..]);
        if (length < 0)
        {
            return false;
        }

        value = line.Slice(i + 1, length);
        i += length + 2;
        return true;
    }

    // The two searches below are written out with Vector128 rather than taken from IndexOfAny and
    // SearchValues: those are generic library code that a cold run executes unoptimised (tier 0,
    // then instrumented) for most of its duration, which cost more than the searches themselves.
    // Compiled here, as part of this AggressiveOptimization class, they are fully optimised from the first line.

    /// <summary>Whether every byte is printable ASCII (0x20 to 0x7F) other than a backslash.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsPlainAscii(ReadOnlySpan<byte> line)
    {
        var space = Vector128.Create((byte)' ');
        var delete = Vector128.Create((byte)0x7F);
        var backslash = Vector128.Create((byte)'\\');
        var i = 0;
        for (; i + Vector128<byte>.Count <= line.Length; i += Vector128<byte>.Count)
        {
            var bytes = Vector128.Create(line[i..]);
            if ((Vector128.LessThan(bytes, space) | Vector128.GreaterThan(bytes, delete) | Vector128.Equals(bytes, backslash)) != Vector128<byte>.Zero)
            {
                return false;
            }
        }

        for (; i < line.Length; i++)
        {
            if (line[i] is < (byte)' ' or > 0x7F or (byte)'\\')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Ascii.EqualsIgnoreCase for a lower-case word of letters only, where setting bit 0x20 folds the case; written out for the same reason as the searches.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool EqualsLettersIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerCaseLetters)
    {
        if (text.Length != lowerCaseLetters.Length)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if ((text[i] | 0x20) != lowerCaseLetters[i])
            {
                return false;
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int IndexOfQuote(ReadOnlySpan<byte> text)
    {
        var quote = Vector128.Create((byte)'"');
        var i = 0;
        for (; i + Vector128<byte>.Count <= text.Length; i += Vector128<byte>.Count)
        {
            var matches = Vector128.Equals(Vector128.Create(text[i..]), quote).ExtractMostSignificantBits();
            if (matches != 0)
            {
                return i + BitOperations.TrailingZeroCount(matches);
            }
        }

        for (; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// A number as scripts print durations ("3.214"): at most 15 digits, no exponent; already checked
    /// against the JSON grammar. The digits make an integer a double holds exactly, and one division
    /// by an exact power of ten rounds once, correctly: the same double <see cref="double.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider?, out double)"/>
    /// gives, at a fraction of its cost. Anything else returns false for the general parse.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryShortDecimal(ReadOnlySpan<byte> value, out double result)
    {
        result = 0;
        ulong digits = 0;
        int count = 0, point = -1;
        for (var i = 0; i < value.Length; i++)
        {
            var digit = (uint)(value[i] - '0');
            if (digit <= 9)
            {
                digits = (digits * 10) + digit;
                count++;
            }
            else if (value[i] == '.' && point < 0)
            {
                point = count;
            }
            else
            {
                return false;
            }
        }

        if (count is 0 or > 15)
        {
            return false;
        }

        result = point < 0 ? digits : digits / ExactPowersOf10[count - point];
        return true;
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
