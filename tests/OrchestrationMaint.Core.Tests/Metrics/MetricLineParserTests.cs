using System.Text;
using OrchestrationMaint.Core.Metrics;

namespace OrchestrationMaint.Core.Tests.Metrics;

public sealed class MetricLineParserTests
{
    private static MetricParseResult Parse(string line) => MetricLineParser.Parse(Encoding.UTF8.GetBytes(line));

    [Fact]
    public void Parse_ShellWrittenRecord_ReadsEveryFieldAndKeepsTheRest()
    {
        var result = Parse("{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"distribute\", \"status\": \"success\", \"duration_seconds\": 3.214, \"files\": 28, \"target\": \"node-14\"}");

        var record = Assert.IsType<MetricRecord>(result.Record);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 9, 0, 3, TimeSpan.Zero), record.Timestamp);
        Assert.Equal("distribute", record.Operation);
        Assert.Equal(MetricStatus.Success, record.Status);
        Assert.Equal(3.214, record.DurationSeconds);
        Assert.Equal("28", record.Fields["files"]);
        Assert.Equal("node-14", record.Fields["target"]);
    }

    [Theory]
    [InlineData("{\"status\": \"FAILURE\", \"duration_seconds\": \"12.5\", \"operation\": \"git_push\", \"timestamp\": \"2026-11-28T09:00:07Z\"}", MetricStatus.Failure, 12.5)]
    [InlineData("{\"timestamp\": \"2026-11-28T09:00:07Z\", \"operation\": \"x\", \"status\": \"skipped\", \"duration_seconds\": 0}", MetricStatus.Other, 0)]
    [InlineData("\uFEFF{\"timestamp\": \"2026-11-28T09:00:07Z\", \"operation\": \"x\", \"status\": \"Success\", \"duration_seconds\": 1e1}\r", MetricStatus.Success, 10)]
    public void Parse_ToleratedVariants_AreRecords(string line, MetricStatus status, double duration)
    {
        var record = Assert.IsType<MetricRecord>(Parse(line).Record);

        Assert.Equal(status, record.Status);
        Assert.Equal(duration, record.DurationSeconds);
    }

    [Theory]
    [InlineData("2026-11-28T09:00:07", "2026-11-28T09:00:07Z")]
    [InlineData("2026-11-28T10:00:07+01:00", "2026-11-28T09:00:07Z")]
    public void Parse_Timestamp_WithoutOffsetIsUtc(string written, string expectedUtc)
    {
        var record = Parse($"{{\"timestamp\": \"{written}\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1}}").Record!;

        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), record.Timestamp);
        Assert.Equal(TimeSpan.Zero, record.Timestamp.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \t")]
    [InlineData("\r")]
    public void Parse_BlankLine_IsSkippedSilently(string line)
    {
        Assert.True(Parse(line).IsBlank);
    }

    [Fact]
    public void Parse_InvalidUtf8OrLoneSurrogate_IsMalformedNotAnException()
    {
        var latin1 = Encoding.Latin1.GetBytes("{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"d\u00e9ploy\", \"status\": \"success\", \"duration_seconds\": 1}");
        var surrogate = Encoding.UTF8.GetBytes("{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\\uD800\", \"status\": \"success\", \"duration_seconds\": 1}");

        Assert.Equal("not valid UTF-8", MetricLineParser.Parse(latin1).Error);
        Assert.Equal("a string holds an invalid escape", MetricLineParser.Parse(surrogate).Error);
    }

    [Theory]
    [InlineData("{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"distribute\", \"status\": \"succ", "not valid JSON")]
    [InlineData("bash: line 42: jq: command not found", "not valid JSON")]
    [InlineData("[\"distribute\", \"success\", 3.2]", "a JSON array, not an object")]
    [InlineData("{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\"}", "missing \"duration_seconds\"")]
    [InlineData("{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": \"fast\"}", "\"duration_seconds\" is not a number")]
    [InlineData("{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": -1}", "negative")]
    [InlineData("{\"timestamp\": \"yesterday\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1}", "not an ISO 8601")]
    [InlineData("{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"\", \"status\": \"success\", \"duration_seconds\": 1}", "\"operation\" is missing")]
    [InlineData("{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": 1, \"duration_seconds\": 1}", "\"status\" is missing or not a string")]
    [InlineData("{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1} trailing", "text follows")]
    [InlineData("{\"timestamp\": \"0000-01-01T00:00:00Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1}", "timestamp")]
    [InlineData("{\"timestamp\": \"2026-11-28T09:00:03Z\", \"status\": \"success\", \"duration_seconds\": 1, \"operation\": {\"operation\": \"x\"}}", "\"operation\" is missing")]
    [InlineData("{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"duration_seconds\": 1, \"status\": [\"failure\"]}", "\"status\" is missing")]
    public void Parse_MalformedLine_SaysWhy(string line, string reason)
    {
        var result = Parse(line);

        Assert.Null(result.Record);
        Assert.False(result.IsBlank);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MultiMegabyteLine_IsMalformedNotACrash()
    {
        var huge = "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"" + new string('x', 4 * 1024 * 1024) + "\", \"status\": ";

        var result = Parse(huge);

        Assert.Null(result.Record);
        Assert.NotNull(result.Error);
    }
}
