using System.Text;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Target.Demo;

namespace OrchestrationMaint.Core.Tests.Metrics;

/// <summary>The fast path must read every line it accepts exactly as the general JSON path does.</summary>
public sealed class FlatRecordScannerTests
{
    public static TheoryData<string> Lines() =>
    [
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"distribute\", \"status\": \"success\", \"duration_seconds\": 3.214, \"files\": 28, \"target\": \"node-14\"}",
        "{\"status\":\"FAILURE\",\"duration_seconds\":1e1,\"operation\":\"x\",\"timestamp\":\"2026-11-28T09:00:03Z\",\"ok\":true,\"n\":null,\"f\":false,\"neg\":-0.5}",
        "  {\"timestamp\" : \"2026-11-28T09:00:03Z\" , \"operation\" : \"x\" , \"status\" : \"skipped\" , \"duration_seconds\" : 0 }  ",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 01}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1.}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": -1}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": \"2.5\"}",
        "{\"timestamp\": \"2026-02-30T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1}",
        "{\"timestamp\": \"2026-11-28T24:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1}",
        "{\"timestamp\": \"2026-11-28T09:00:03\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"a\\\"b\", \"status\": \"success\", \"duration_seconds\": 1}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1, \"nested\": {\"a\": [1, 2]}}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1,}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1} {}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1, \"d\": 1, \"d\": tru}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"operation\": \"y\", \"status\": \"success\", \"duration_seconds\": 1}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"\u00e9t\u00e9\", \"status\": \"success\", \"duration_seconds\": 2e400}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\"}",
        "{}",
        "[1]",
        "{\"timestamp\":\t\"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\ty\", \"status\": \"success\", \"duration_seconds\": 1}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1, \"note\": \"a\\\\b\"}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 0.1234567890123456}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 12345678901234567890}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 0.000}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1.5e-3}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1.2.3}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1, \"x\": \"unterminated}",
        "{\"timestamp\": \"2024-02-29T23:59:59Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"success\", \"duration_seconds\": 1, \"\": \"\"}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"SUCCESS\", \"duration_seconds\": 1}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"FaiLure\", \"duration_seconds\": 1}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"successful\", \"duration_seconds\": 1}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"sUccesS\", \"duration_seconds\": 1}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\", \"status\": \"succ\u00e9s\", \"duration_seconds\": 1}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"x\u007f\", \"status\": \"failure\", \"duration_seconds\": 1}",
        "{\"timestamp\": \"2026-11-28T09:00:03Z\", \"operation\": \"\u65e5\u672c\", \"status\": \"failure\", \"duration_seconds\": 1}",
    ];

    [Theory]
    [MemberData(nameof(Lines))]
    public void Scan_TrickyLine_AgreesWithTheGeneralPath(string line) => AssertSameReading(Encoding.UTF8.GetBytes(line));

    [Fact]
    public void Scan_EveryDemoLine_AgreesWithTheGeneralPath()
    {
        using var stream = new MemoryStream();
        DemoTargetGenerator.WriteHistory(stream, null, DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow, 20_000, new Random(7));
        foreach (var line in Encoding.UTF8.GetString(stream.ToArray()).Split('\n'))
        {
            AssertSameReading(Encoding.UTF8.GetBytes(line));
        }
    }

    private static void AssertSameReading(byte[] line)
    {
        var fast = MetricLineParser.Scan(line, out var scan, out var error);
        var general = default(MetricScan);
        var generalOutcome = MetricLineParser.Scan(line, out _, out _) == ScanOutcome.Blank
            ? ScanOutcome.Blank
            : MetricLineParser.ScanGeneral(line, ref general, out var generalError);
        Assert.Equal(generalOutcome, fast);
        if (fast == ScanOutcome.Record)
        {
            Assert.Equal(general.Timestamp, scan.Timestamp);
            Assert.Equal(Encoding.UTF8.GetString(general.Operation), Encoding.UTF8.GetString(scan.Operation));
            Assert.Equal(general.Status, scan.Status);
            Assert.Equal(Encoding.UTF8.GetString(general.StatusText), Encoding.UTF8.GetString(scan.StatusText));
            Assert.Equal(general.DurationSeconds, scan.DurationSeconds);
        }
        else if (fast == ScanOutcome.Malformed)
        {
            Assert.NotNull(error);
        }
    }
}
