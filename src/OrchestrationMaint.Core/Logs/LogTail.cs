using System.Text;

namespace OrchestrationMaint.Core.Logs;

/// <summary>
/// Reads the end of a text log and follows what is appended, without ever loading the file: the
/// tail is read backwards in 64 KiB blocks, appends from the last offset, and a file that shrank
/// or was replaced starts over from its new tail. Lines longer than <see cref="MaxLineChars"/> are cut.
/// </summary>
public sealed class LogTail(string path)
{
    public const int MaxLineChars = 4096;
    private const int BlockSize = 64 * 1024;

    /// <summary>The tail is never read further back than this, whatever the lines look like.</summary>
    private const int MaxTailBytes = 4 * 1024 * 1024;

    // A page's timer and its buttons may read at once: one read at a time keeps the offset right.
    private readonly Lock _gate = new();
    private long _offset = -1;
    private long _length;
    private Metrics.FileIdentity _identity;

    public string Path { get; } = path;

    /// <summary>The last <paramref name="maxLines"/> complete lines; also where <see cref="ReadAppended"/> continues.</summary>
    public IReadOnlyList<string> ReadTail(int maxLines)
    {
        lock (_gate)
        {
            return ReadTailCore(maxLines);
        }
    }

    private IReadOnlyList<string> ReadTailCore(int maxLines)
    {
        _identity = Metrics.FileIdentity.Of(Path);
        using var stream = Open();
        if (stream is null)
        {
            _offset = 0;
            return [];
        }

        _length = stream.Length;
        var end = _length;
        var blocks = new List<byte[]>();
        var newlines = 0;
        var position = end;
        // Read backwards until enough newlines are seen (or the start of the file).
        while (position > 0 && newlines <= maxLines && end - position < MaxTailBytes)
        {
            var size = (int)Math.Min(BlockSize, position);
            position -= size;
            var block = new byte[size];
            stream.Seek(position, SeekOrigin.Begin);
            stream.ReadExactly(block);
            newlines += block.Count(b => b == (byte)'\n');
            blocks.Insert(0, block);
        }

        var bytes = blocks.SelectMany(b => b).ToArray();
        // An incomplete last line waits for its newline, as in the metrics file. Offsets come from the
        // raw bytes: decoding a cut UTF-8 sequence and encoding it again would miscount them.
        var lastNewline = Array.LastIndexOf(bytes, (byte)'\n');
        _offset = position + lastNewline + 1;
        var lines = Encoding.UTF8.GetString(bytes, 0, Math.Max(0, lastNewline)).Split('\n');
        if (lastNewline < 0)
        {
            return [];
        }

        if (position > 0)
        {
            lines = lines[1..];
        }

        return [.. lines.TakeLast(maxLines).Select(Clean)];
    }

    /// <summary>Complete lines appended since the last read; after truncation or replacement, the new tail.</summary>
    public IReadOnlyList<string> ReadAppended(int maxLines)
    {
        lock (_gate)
        {
            return ReadAppendedCore(maxLines);
        }
    }

    private IReadOnlyList<string> ReadAppendedCore(int maxLines)
    {
        using var stream = Open();
        if (stream is null)
        {
            return [];
        }

        // Shrunk, or another file under the same name (rotated, replaced): start again from its tail.
        if (_offset < 0 || stream.Length < _offset || stream.Length < _length || !Metrics.FileIdentity.Of(Path).IsSameFileAs(_identity))
        {
            return ReadTailCore(maxLines);
        }

        _length = stream.Length;
        if (stream.Length == _offset)
        {
            return [];
        }

        stream.Seek(_offset, SeekOrigin.Begin);
        var lines = new List<string>();
        // Only the start of a long line is kept; lineBytes counts all of it for the offset.
        var pending = new MemoryStream();
        long lineBytes = 0;
        var buffer = new byte[BlockSize];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                Keep(pending, buffer.AsSpan(start, i - start));
                lineBytes += i - start;
                lines.Add(Clean(Encoding.UTF8.GetString(pending.GetBuffer(), 0, (int)pending.Length)));
                _offset += lineBytes + 1;
                pending.SetLength(0);
                lineBytes = 0;
                start = i + 1;
                if (lines.Count > maxLines)
                {
                    lines.RemoveAt(0);
                }
            }

            Keep(pending, buffer.AsSpan(start, read - start));
            lineBytes += read - start;
        }

        return lines;
    }

    /// <summary>Scans the whole file for <paramref name="text"/> and returns the newest matches (line number, line).</summary>
    public IReadOnlyList<(long LineNumber, string Line)> Search(string text, int maxMatches, CancellationToken cancellationToken)
    {
        var matches = new Queue<(long, string)>();
        using var stream = Open();
        if (stream is null || string.IsNullOrEmpty(text))
        {
            return [];
        }

        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: BlockSize);
        long number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if ((number & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (line.Contains(text, StringComparison.OrdinalIgnoreCase))
            {
                if (matches.Count == maxMatches)
                {
                    matches.Dequeue();
                }

                matches.Enqueue((number, Clean(line)));
            }
        }

        return [.. matches.Reverse()];
    }

    private static void Keep(MemoryStream pending, ReadOnlySpan<byte> part)
    {
        var room = (MaxLineChars * 4) - (int)pending.Length;
        if (room > 0)
        {
            pending.Write(part[..Math.Min(room, part.Length)]);
        }
    }

    private FileStream? Open()
    {
        try
        {
            return File.Exists(Path) ? new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Clean(string line)
    {
        line = line.TrimEnd('\r');
        return line.Length > MaxLineChars ? line[..MaxLineChars] + "…" : line;
    }
}
