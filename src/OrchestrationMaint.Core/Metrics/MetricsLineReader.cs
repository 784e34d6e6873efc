using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace OrchestrationMaint.Core.Metrics;

/// <summary>
/// Reads complete lines that were appended to a file since the last call, with bounded memory:
/// a 64 KiB read buffer, and a carry-over buffer for a line split across reads that never grows
/// past <see cref="MaxLineBytes"/>. A longer line is skipped to its newline and reported as
/// oversized. A last line without its newline is left for the next call.
/// </summary>
public sealed class MetricsLineReader(int maxLineBytes)
{
    private const int ReadSize = 64 * 1024;

    private byte[] _carry = [];
    private int _carryLength;
    private bool _skippingOversized;

    // Bytes after Offset that the last ReadAppended already took into the carry (or skipped): a long
    // last line still waiting for its newline is not read again from its start on every poll.
    private long _pendingResume;

    public int MaxLineBytes { get; } = maxLineBytes;

    /// <summary>Where the next unread line starts: everything before it has been handed out.</summary>
    public long Offset { get; private set; }

    /// <summary>Lines handed out so far (blank and malformed included): the next line's number minus one.</summary>
    public long LinesRead { get; private set; }

    /// <summary>Continue from a persisted position.</summary>
    public void Reset(long offset, long linesRead)
    {
        Offset = offset;
        LinesRead = linesRead;
        _carryLength = 0;
        _skippingOversized = false;
        _pendingResume = 0;
    }

    /// <summary>Hands out each complete line after <see cref="Offset"/> (without its '\n'; oversized lines as null).</summary>
    /// <returns>The number of lines handed out.</returns>
    public long ReadAppended(Stream file, LineHandler onLine)
    {
        // Resume after the incomplete line's bytes only if they are all still there (a shorter file was rewritten).
        var resume = _pendingResume > 0 && file.Length >= Offset + _pendingResume ? _pendingResume : 0;
        file.Seek(Offset + resume, SeekOrigin.Begin);
        return Read(file.Read, onLine, resume);
    }

    /// <summary>
    /// Like <see cref="ReadAppended"/>, but stops at <paramref name="end"/> (a line start, or
    /// <see cref="long.MaxValue"/> for the end of the file) and reads at explicit positions, so that
    /// several readers can share one open file, each on its own part.
    /// </summary>
    public long ReadRange(SafeFileHandle file, long end, LineHandler onLine)
    {
        var position = Offset;
        return Read(
            buffer =>
            {
                var read = RandomAccess.Read(file, buffer[..(int)Math.Min(buffer.Length, end - position)], position);
                position += read;
                return read;
            },
            onLine,
            resumeFrom: 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long Read(ChunkSource source, LineHandler onLine, long resumeFrom)
    {
        var before = LinesRead;
        // Bytes between Offset and the read position that belong to a line not yet complete.
        var pending = resumeFrom;
        // Cleared until the end: a read that fails half-way starts again from Offset next time.
        _pendingResume = 0;
        if (resumeFrom == 0)
        {
            _carryLength = 0;
            _skippingOversized = false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            int read;
            while ((read = source(buffer.AsSpan(0, ReadSize))) > 0)
            {
                var chunk = buffer.AsSpan(0, read);
                while (!chunk.IsEmpty)
                {
                    var newline = chunk.IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        Hold(chunk);
                        pending += chunk.Length;
                        break;
                    }

                    var tail = chunk[..newline];
                    var lineLength = pending + newline;
                    LinesRead++;
                    if (_skippingOversized || lineLength > MaxLineBytes)
                    {
                        onLine(default, LinesRead, isOversized: true);
                    }
                    else if (_carryLength == 0)
                    {
                        onLine(tail, LinesRead, isOversized: false);
                    }
                    else
                    {
                        Hold(tail);
                        onLine(_carry.AsSpan(0, _carryLength), LinesRead, isOversized: false);
                    }

                    Offset += lineLength + 1;
                    pending = 0;
                    _carryLength = 0;
                    _skippingOversized = false;
                    chunk = chunk[(newline + 1)..];
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _pendingResume = pending;
        return LinesRead - before;
    }

    /// <summary>Fills the start of <paramref name="buffer"/> with the next bytes; 0 at the end.</summary>
    private delegate int ChunkSource(Span<byte> buffer);

    private void Hold(ReadOnlySpan<byte> part)
    {
        if (_skippingOversized)
        {
            return;
        }

        if (_carryLength + part.Length > MaxLineBytes)
        {
            _skippingOversized = true;
            _carryLength = 0;
            return;
        }

        if (_carry.Length < _carryLength + part.Length)
        {
            Array.Resize(ref _carry, Math.Min(MaxLineBytes, Math.Max(_carryLength + part.Length, Math.Max(4096, _carry.Length * 2))));
        }

        part.CopyTo(_carry.AsSpan(_carryLength));
        _carryLength += part.Length;
    }
}

/// <param name="line">The line's bytes, valid only during the call; empty when oversized.</param>
public delegate void LineHandler(ReadOnlySpan<byte> line, long lineNumber, bool isOversized);
