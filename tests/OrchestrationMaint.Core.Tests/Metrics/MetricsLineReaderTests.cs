using System.Text;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Metrics;

public sealed class MetricsLineReaderTests
{
    /// <summary>Counts the bytes a reader pulls from the file.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            inner.Dispose();
            base.Dispose(disposing);
        }
    }

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
