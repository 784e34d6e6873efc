using System.Text;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Metrics;

public sealed class MetricsLineReaderTests
{
    [Fact]
    public void ReadAppended_LongLastLineStillWithoutNewline_IsNotReadAgainFromItsStart()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("metrics.jsonl");
        var first = "{\"a\": 1}\n";
        var partial = "{\"b\": \"" + new string('x', 5 * 1024 * 1024);
        File.WriteAllText(path, first + partial);
        var reader = new MetricsLineReader(16 * 1024 * 1024);
        var lines = new List<string>();
        void Collect(ReadOnlySpan<byte> line, long number, bool oversized) => lines.Add(Encoding.UTF8.GetString(line));

        using (var stream = new CountingStream(File.OpenRead(path)))
        {
            reader.ReadAppended(stream, Collect);
        }

        File.AppendAllText(path, new string('y', 1000));
        long secondRead;
        using (var stream = new CountingStream(File.OpenRead(path)))
        {
            reader.ReadAppended(stream, Collect);
            secondRead = stream.BytesRead;
        }

        File.AppendAllText(path, "\"}\n");
        using (var stream = new CountingStream(File.OpenRead(path)))
        {
            reader.ReadAppended(stream, Collect);
        }

        Assert.Equal(1000, secondRead);
        Assert.Equal(["{\"a\": 1}", partial + new string('y', 1000) + "\"}"], lines);
        Assert.Equal(new FileInfo(path).Length, reader.Offset);
        Assert.Equal(2, reader.LinesRead);
    }
}
