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

    private long _offset = -1;
    private long _length;

    public string Path { get; } = path;

    /// <summary>The last <paramref name="maxLines"/> complete lines; also where <see cref="ReadAppended"/> continues.</summary>
    public IReadOnlyList<string> ReadTail(int maxLines)
    {
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

        var text = Encoding.UTF8.GetString(blocks.SelectMany(b => b).ToArray());
        var lastNewline = text.LastIndexOf('\n');
        // An incomplete last line waits for its newline, as in the metrics file.
        var complete = lastNewline < 0 ? "" : text[..lastNewline];
        _offset = end - Encoding.UTF8.GetByteCount(text[(lastNewline + 1)..]);
        var lines = complete.Split('\n');
        if (position > 0)
        {
            lines = lines[1..];
        }

        return [.. lines.TakeLast(maxLines).Select(Clean)];
    }

    /// <summary>Complete lines appended since the last read; after truncation or replacement, the new tail.</summary>
    public IReadOnlyList<string> ReadAppended(int maxLines)
    {
        using var stream = Open();
        if (stream is null)
        {
            return [];
        }

        if (_offset < 0 || stream.Length < _offset || stream.Length < _length)
        {
            return ReadTail(maxLines);
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
