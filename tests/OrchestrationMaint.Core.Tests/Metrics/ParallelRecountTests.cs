using System.Globalization;
using System.Text;
using System.Text.Json;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Target.Demo;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Metrics;

/// <summary>A cold file counted in parts on several threads must end exactly as one pass over it.</summary>
public sealed class ParallelRecountTests : IDisposable
{
    // Small bounds, so that the kept records and malformed lines each part keeps overflow them.
    private static readonly MetricsOptions Options = new() { MaxLineBytes = 4096, RecentSlowCapacity = 40, RecentMalformedCapacity = 15 };
    private readonly TempDirectory _temp = new();

    /// <summary>
    /// Demo history with malformed, blank, CRLF and too-long lines every few dozen lines (so on both
    /// sides of any split), more operation names than the aggregate keeps rows for, slow failures, and
    /// an incomplete last line.
    /// </summary>
    private string WriteFile(out List<long> malformedLines)
    {
        var history = new MemoryStream();
        var to = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        DemoTargetGenerator.WriteHistory(history, null, to.AddDays(-10), to, 6_000, new Random(7));
        var lines = Encoding.UTF8.GetString(history.ToArray()).Split('\n')[..^1];
        var output = new StringBuilder();
        malformedLines = [];
        long number = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            output.Append(lines[i]).Append('\n');
            number++;
            if (MetricLineParser.Parse(Encoding.UTF8.GetBytes(lines[i])).Error is not null)
            {
                malformedLines.Add(number);
            }

            var at = to.AddDays(-10).AddMinutes(i * 2.4).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            var extra = (i % 37) switch
            {
                0 => "{\"timestamp\": \"broken",
                5 => "",
                9 => new string('x', Options.MaxLineBytes + 10),
                13 => $"{{\"timestamp\": \"{at}\", \"operation\": \"failing-{i % 301}\", \"status\": \"failure\", \"duration_seconds\": 42.5}}\r",
                21 => $"{{\"timestamp\": \"{at}\", \"operation\": \"skipped-{(i * 7) % 293}\", \"status\": \"skipped\", \"duration_seconds\": {(i % 20).ToString(CultureInfo.InvariantCulture)}}}",
                _ => null,
            };
            if (extra is not null)
            {
                output.Append(extra).Append('\n');
                number++;
                if (extra.Length > Options.MaxLineBytes || MetricLineParser.Parse(Encoding.UTF8.GetBytes(extra.TrimEnd('\r'))).Error is not null)
                {
                    malformedLines.Add(number);
                }
            }
        }

        output.Append("{\"timestamp\": \"2026-11-28T12:00:00Z\", \"operation\": \"incomplete");
        var path = _temp.Combine("metrics.jsonl");
        File.WriteAllText(path, output.ToString());
        return path;
    }

    private static (MetricsAggregate Aggregate, MetricsLineReader Reader) Count(string path, int parts)
    {
        using var file = File.OpenHandle(path);
        return MetricsEngine.Count(file, RandomAccess.GetLength(file), parts, Options, slowThreshold: 10);
    }

    private static byte[] SavedForm(MetricsAggregate aggregate)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            aggregate.Write(writer);
        }

        return buffer.ToArray();
    }

    private static List<string> Kept(IEnumerable<KeptRecord> records) =>
        records.Select(r => $"{r.LineNumber} {r.Timestamp:O} {r.Operation} {r.Status} {r.DurationSeconds} {Encoding.UTF8.GetString(r.Line)}").ToList();

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void Count_InParts_EqualsOnePassExactly(int parts)
    {
        var path = WriteFile(out var malformedLines);
        var now = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

        var (one, oneReader) = Count(path, 1);
        var (split, splitReader) = Count(path, parts);

        Assert.Equal(SavedForm(one), SavedForm(split));
        foreach (var window in Enum.GetValues<MetricsWindow>())
        {
            Assert.Equal(JsonSerializer.Serialize(one.Summarize(window, now)), JsonSerializer.Serialize(split.Summarize(window, now)));
        }

        Assert.Equal(Kept(one.RecentSlow(null, null, int.MaxValue)), Kept(split.RecentSlow(null, null, int.MaxValue)));
        Assert.Equal(Kept(one.RecentFailures(null, null, null, int.MaxValue)), Kept(split.RecentFailures(null, null, null, int.MaxValue)));
        Assert.Equal(one.RecentMalformed(int.MaxValue), split.RecentMalformed(int.MaxValue));
        Assert.Equal(malformedLines.TakeLast(Options.RecentMalformedCapacity).Reverse(), split.RecentMalformed(int.MaxValue).Select(m => m.LineNumber));
        Assert.Contains(split.Summarize(MetricsWindow.All, now).Operations, o => o.Operation == MetricsAggregate.OverflowOperation);
        Assert.Equal((oneReader.Offset, oneReader.LinesRead), (splitReader.Offset, splitReader.LinesRead));
        Assert.Equal(File.ReadAllText(path).LastIndexOf('\n') + 1, splitReader.Offset);
    }

    [Fact]
    public void Count_LinesLongerThanAPart_FewerPartsSameResult()
    {
        // The second part starts with a malformed line: it belongs to the hour of the first part's last record.
        var path = _temp.Combine("long.jsonl");
        var record = "{\"timestamp\": \"2026-11-28T09:00:00Z\", \"operation\": \"a\", \"status\": \"failure\", \"duration_seconds\": 11}\n";
        File.WriteAllText(path, record + new string('y', 3 * Options.MaxLineBytes) + "\n" + new string('w', 3 * Options.MaxLineBytes) + "\n" + record + new string('z', 5 * Options.MaxLineBytes));

        var (one, oneReader) = Count(path, 1);
        var (split, splitReader) = Count(path, 8);

        Assert.Equal(SavedForm(one), SavedForm(split));
        Assert.Equal(2, split.Summarize(MetricsWindow.All, DateTimeOffset.UtcNow).Records);
        Assert.Equal([3L, 2L], split.RecentMalformed(10).Select(m => m.LineNumber));
        Assert.Equal([4L, 1L], split.RecentFailures(null, null, null, 10).Select(f => f.LineNumber));
        Assert.Equal((oneReader.Offset, oneReader.LinesRead), (splitReader.Offset, splitReader.LinesRead));
        Assert.Equal(4, splitReader.LinesRead);
    }

    public void Dispose() => _temp.Dispose();
}
