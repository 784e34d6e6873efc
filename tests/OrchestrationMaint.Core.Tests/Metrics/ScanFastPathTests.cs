using System.Globalization;
using System.Text;
using OrchestrationMaint.Core.Metrics;

namespace OrchestrationMaint.Core.Tests.Metrics;

/// <summary>
/// The hand-written timestamp and duration readers on the hot path must give exactly what the
/// framework's parsers give, and decline (for the general path) whatever they do not handle.
/// </summary>
public sealed class ScanFastPathTests
{
    private const string ScriptFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'";

    [Fact]
    public void TryUtcSeconds_EveryDayOfEveryYear_MatchesTheFrameworkParser()
    {
        // Every date DateTime can hold, each with a different time of day: leap days, century and
        // 400-year rules, month ends and both ends of the range.
        var second = 0;
        for (var day = DateTime.MinValue; day < DateTime.MaxValue.Date; day = day.AddDays(1))
        {
            var expected = new DateTimeOffset(day.AddSeconds(second % 86_400), TimeSpan.Zero);
            second += 7_919;
            var text = Encoding.ASCII.GetBytes(expected.ToString(ScriptFormat, CultureInfo.InvariantCulture));

            Assert.True(MetricLineParser.TryUtcSeconds(text, out var timestamp), Encoding.ASCII.GetString(text));
            Assert.Equal(expected.UtcTicks, timestamp.UtcTicks);
            Assert.Equal(TimeSpan.Zero, timestamp.Offset);
        }
    }

    [Theory]
    [InlineData("2024-02-29T12:00:00Z")]
    [InlineData("2000-02-29T00:00:00Z")]
    [InlineData("1900-02-28T23:59:59Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59Z")]
    [InlineData("2026-02-29T00:00:00Z")]
    [InlineData("1900-02-29T00:00:00Z")]
    [InlineData("2100-02-29T00:00:00Z")]
    [InlineData("2026-04-31T00:00:00Z")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-00-10T00:00:00Z")]
    [InlineData("2026-01-00T00:00:00Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("2026-11-28T24:00:00Z")]
    [InlineData("2026-11-28T23:60:00Z")]
    [InlineData("2026-11-28T23:59:60Z")]
    [InlineData("2026-11-28 09:00:03Z")]
    [InlineData("2026-11-28T09:00:03z")]
    [InlineData("2026-1a-28T09:00:03Z")]
    [InlineData("2026-11-28T09:00:0-Z")]
    [InlineData("+026-11-28T09:00:03Z")]
    public void TryUtcSeconds_AcceptsExactlyTheValidScriptDates(string text)
    {
        var valid = DateTimeOffset.TryParseExact(text, ScriptFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expected);

        Assert.Equal(valid, MetricLineParser.TryUtcSeconds(Encoding.ASCII.GetBytes(text), out var timestamp));
        Assert.Equal(valid ? expected.UtcTicks : 0, timestamp.UtcTicks);
    }

    [Theory]
    [InlineData("2026-11-28T09:00:03", "2026-11-28T09:00:03Z")]
    [InlineData("2026-11-28T10:00:03+01:00", "2026-11-28T09:00:03Z")]
    [InlineData("2026-11-28T04:00:03-05:00", "2026-11-28T09:00:03Z")]
    [InlineData("2026-11-28T09:00:03.5Z", "2026-11-28T09:00:03.5Z")]
    [InlineData("2026-11-28T09:00:03.123456+00:00", "2026-11-28T09:00:03.123456Z")]
    [InlineData("2024-02-29T23:30:00-01:00", "2024-03-01T00:30:00Z")]
    [InlineData("2026-11-28", "2026-11-28T00:00:00Z")]
    public void Scan_OtherIsoForms_LeaveTheFastPathAndReadAsBefore(string written, string expectedUtc)
    {
        var line = Encoding.UTF8.GetBytes($"{{\"timestamp\": \"{written}\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1}}");

        Assert.False(MetricLineParser.TryUtcSeconds(Encoding.UTF8.GetBytes(written), out _));
        Assert.Equal(ScanOutcome.Record, MetricLineParser.Scan(line, out var scan, out _));
        Assert.Equal(DateTimeOffset.Parse(expectedUtc, CultureInfo.InvariantCulture).UtcTicks, scan.Timestamp.UtcTicks);
        Assert.Equal(TimeSpan.Zero, scan.Timestamp.Offset);
    }

    [Theory]
    [InlineData("2026-02-29T09:00:03Z")]
    [InlineData("2026-02-29T09:00:03")]
    [InlineData("2026-02-29T09:00:03+01:00")]
    [InlineData("2026-11-28T25:00:03Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    public void Scan_InvalidDate_IsStillMalformed(string written)
    {
        var line = Encoding.UTF8.GetBytes($"{{\"timestamp\": \"{written}\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1}}");

        Assert.Equal(ScanOutcome.Malformed, MetricLineParser.Scan(line, out _, out var error));
        Assert.Contains("timestamp", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("0.0", true)]
    [InlineData("0.001", true)]
    [InlineData("3.214", true)]
    [InlineData("12.5", true)]
    [InlineData("0.1", true)]
    [InlineData("2.675", true)]
    [InlineData("123456789012345", true)]
    [InlineData("1.23456789012345", true)]
    [InlineData("0.00000000000001", true)]
    [InlineData("1234567890123456", false)]
    [InlineData("9007199254740993", false)]
    [InlineData("0.000000000000001", false)]
    [InlineData("1e1", false)]
    [InlineData("1.5E-3", false)]
    public void TryShortDecimal_GivesTheFrameworkDoubleOrDeclines(string text, bool handled)
    {
        Assert.Equal(handled, FlatRecordScanner.TryShortDecimal(Encoding.ASCII.GetBytes(text), out var value));
        if (handled)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)), BitConverter.DoubleToInt64Bits(value));
        }
    }

    [Fact]
    public void TryShortDecimal_RandomDecimals_MatchTheFrameworkBitForBit()
    {
        var random = new Random(11);
        for (var n = 0; n < 200_000; n++)
        {
            var digits = random.Next(1, 16);
            var text = new StringBuilder(random.Next(1, 10).ToString(CultureInfo.InvariantCulture));
            for (var d = 1; d < digits; d++)
            {
                text.Append((char)('0' + random.Next(10)));
            }

            var point = random.Next(0, digits);
            if (point > 0)
            {
                text.Insert(text.Length - point, '.');
            }

            var written = text.ToString();
            Assert.True(FlatRecordScanner.TryShortDecimal(Encoding.ASCII.GetBytes(written), out var value), written);
            Assert.Equal(BitConverter.DoubleToInt64Bits(double.Parse(written, CultureInfo.InvariantCulture)), BitConverter.DoubleToInt64Bits(value));
        }
    }
}
