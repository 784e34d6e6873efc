using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.IO.Hashing;

namespace OrchestrationMaint.Core.Backups;

/// <summary>
/// The decompressed content of a file that must be exactly one gzip member and nothing else.
/// GZipStream checks neither the CRC-32 nor the length in the trailer, and reads on into concatenated
/// members, so the header and trailer are handled here and only the raw deflate data goes through
/// <see cref="DeflateStream"/>. Every failure is an <see cref="UnsafeArchiveException"/> saying what is wrong.
/// </summary>
internal sealed class GzipMemberStream : Stream
{
    /// <summary>Below this much output the ratio is not judged: a small archive's headers and padding compress far better than its files.</summary>
    private const long RatioFloor = 1L << 20;

    private readonly DeflateSource _source;
    private readonly DeflateStream _inflater;
    private readonly Crc32 _crc = new();
    private readonly double _maxRatio;
    private long _decompressed;
    private bool _ended;

    public GzipMemberStream(Stream file, double maxRatio)
    {
        var length = file.Length;
        if (length == 0)
        {
            throw new UnsafeArchiveException("the archive is an empty file");
        }

        ReadHeader(file);
        _source = new DeflateSource(file, length);
        _inflater = new DeflateStream(_source, CompressionMode.Decompress, leaveOpen: true);
        _maxRatio = maxRatio;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _decompressed; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_ended || buffer.IsEmpty)
        {
            return 0;
        }

        int read;
        try
        {
            read = _inflater.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw new UnsafeArchiveException(string.Create(CultureInfo.InvariantCulture,
                $"the archive is corrupt: its compressed data cannot be decoded near byte {_source.Position:N0} ({e.Message.TrimEnd('.')})"), e);
        }

        if (read == 0)
        {
            _ended = true;
            CheckTrailer();
            return 0;
        }

        _crc.Append(buffer[..read]);
        _decompressed += read;
        // Judged against what the inflater has been handed (at most one 8 KiB buffer ahead of what it
        // used), as the data streams: a bomb stops here, long before its end, in constant memory.
        if (_decompressed > RatioFloor && _decompressed > _maxRatio * _source.Position)
        {
            throw new UnsafeArchiveException(string.Create(CultureInfo.InvariantCulture,
                $"the archive expands more than {_maxRatio:0.#} times ({_decompressed:N0} bytes from the first {_source.Position:N0} compressed bytes), the mark of a decompression bomb"));
        }

        return read;
    }

    /// <summary>Reads what follows the tar end-of-archive marker: zero padding only, and not much of it.</summary>
    public void ReadPaddingToEnd(long maxPadding)
    {
        var buffer = new byte[16384];
        long padding = 0;
        int read;
        while ((read = Read(buffer)) > 0)
        {
            padding += read;
            if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                throw new UnsafeArchiveException("the archive holds data after its tar end-of-archive marker");
            }

            if (padding > maxPadding)
            {
                throw new UnsafeArchiveException(string.Create(CultureInfo.InvariantCulture, $"the archive has more than {maxPadding:N0} bytes of padding after its tar end-of-archive marker"));
            }
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inflater.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>RFC 1952 header: magic, deflate, no reserved flags; optional extra, name, comment and header CRC skipped (the CRC checked).</summary>
    private static void ReadHeader(Stream file)
    {
        var crc = new Crc32();
        Span<byte> fixedPart = stackalloc byte[10];
        var got = file.ReadAtLeast(fixedPart, fixedPart.Length, throwOnEndOfStream: false);
        if (got < 2 || fixedPart[0] != 0x1f || fixedPart[1] != 0x8b)
        {
            throw new UnsafeArchiveException(string.Create(CultureInfo.InvariantCulture,
                $"the archive is not a gzip file (it starts with {Convert.ToHexString(fixedPart[..Math.Min(got, 4)])} instead of 1F8B)"));
        }

        if (got < fixedPart.Length)
        {
            throw new UnsafeArchiveException("the archive is truncated inside its gzip header");
        }

        if (fixedPart[2] != 8)
        {
            throw new UnsafeArchiveException($"the archive uses gzip compression method {fixedPart[2]}, not deflate (8)");
        }

        var flags = fixedPart[3];
        if ((flags & 0xE0) != 0)
        {
            throw new UnsafeArchiveException($"the archive's gzip header sets reserved flag bits (0x{flags:X2})");
        }

        crc.Append(fixedPart);
        if ((flags & 0x04) != 0)
        {
            Span<byte> extraLength = stackalloc byte[2];
            ReadHeaderBytes(file, extraLength, crc);
            var extra = new byte[BinaryPrimitives.ReadUInt16LittleEndian(extraLength)];
            ReadHeaderBytes(file, extra, crc);
        }

        // File name, then comment: each a zero-terminated string.
        Span<byte> one = stackalloc byte[1];
        foreach (var flag in new byte[] { 0x08, 0x10 })
        {
            if ((flags & flag) == 0)
            {
                continue;
            }

            do
            {
                ReadHeaderBytes(file, one, crc);
            }
            while (one[0] != 0);
        }

        if ((flags & 0x02) != 0)
        {
            Span<byte> headerCrc = stackalloc byte[2];
            var expected = (ushort)crc.GetCurrentHashAsUInt32();
            ReadHeaderBytes(file, headerCrc, crc);
            if (BinaryPrimitives.ReadUInt16LittleEndian(headerCrc) != expected)
            {
                throw new UnsafeArchiveException("the archive's gzip header is corrupt (its header CRC does not match)");
            }
        }
    }

    private static void ReadHeaderBytes(Stream file, Span<byte> into, Crc32 crc)
    {
        if (file.ReadAtLeast(into, into.Length, throwOnEndOfStream: false) < into.Length)
        {
            throw new UnsafeArchiveException("the archive is truncated inside its gzip header");
        }

        crc.Append(into);
    }

    /// <summary>
    /// Called once the deflate data has ended. The end position is exact (see <see cref="DeflateSource"/>),
    /// so the trailer must be the next 8 bytes and must be the last 8 bytes of the file.
    /// </summary>
    private void CheckTrailer()
    {
        if (_source.RanOut)
        {
            throw new UnsafeArchiveException(string.Create(CultureInfo.InvariantCulture,
                $"the archive is truncated: its compressed data stops abruptly at byte {_source.Position:N0}, before the end of the gzip stream"));
        }

        var after = _source.Length - _source.Position;
        if (after >= DeflateSource.ExactTail)
        {
            throw new UnsafeArchiveException(string.Create(CultureInfo.InvariantCulture,
                $"the archive has more than {after - 8:N0} bytes of trailing data after its gzip member (garbage or a second gzip member)"));
        }

        if (after < 8)
        {
            throw new UnsafeArchiveException(after == 0
                ? "the archive's gzip trailer (CRC-32 and length) is missing"
                : $"the archive is truncated inside its gzip trailer ({after} of 8 bytes present)");
        }

        Span<byte> trailer = stackalloc byte[10];
        var read = _source.ReadRemaining(trailer);
        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        var storedLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        var actualCrc = _crc.GetCurrentHashAsUInt32();
        if (storedCrc != actualCrc)
        {
            throw new UnsafeArchiveException($"the archive is corrupt: the CRC-32 of its content is {actualCrc:x8} but its gzip trailer says {storedCrc:x8}");
        }

        // ISIZE is the length modulo 2^32.
        if (storedLength != unchecked((uint)_decompressed))
        {
            throw new UnsafeArchiveException(string.Create(CultureInfo.InvariantCulture,
                $"the archive is corrupt: it decompresses to {_decompressed:N0} bytes but its gzip trailer says {storedLength:N0} (mod 2^32)"));
        }

        if (after > 8)
        {
            throw new UnsafeArchiveException(read == 10 && trailer[8] == 0x1f && trailer[9] == 0x8b
                ? $"the archive holds a second gzip member after the first ({after - 8} more bytes); only single-member archives are accepted"
                : $"the archive has {after - 8} bytes of trailing garbage after its gzip member");
        }
    }

    /// <summary>
    /// Feeds the file to the inflater so that the end of the deflate data can be located exactly.
    /// DeflateStream keeps unused input in a private buffer (.NET 10 has no way to ask how much), so
    /// over the last <see cref="ExactTail"/> bytes of the file, where a valid member's deflate data ends,
    /// it is handed one byte per read: each is wholly consumed before the next is asked for, and the count
    /// handed when it reports the end is the end. Deflate data ending earlier means that much trailing data.
    /// </summary>
    private sealed class DeflateSource(Stream file, long length) : Stream
    {
        public const long ExactTail = 4096;

        public override long Length => length;

        public override long Position { get => file.Position; set => throw new NotSupportedException(); }

        /// <summary>The inflater asked for more after the file's last byte: the deflate data is incomplete.</summary>
        public bool RanOut { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var remaining = length - file.Position;
            var allowed = remaining > ExactTail ? remaining - ExactTail : Math.Min(remaining, 1);
            var read = allowed == 0 ? 0 : file.Read(buffer[..(int)Math.Min(buffer.Length, allowed)]);
            RanOut |= read == 0 && !buffer.IsEmpty;
            return read;
        }

        /// <summary>After the deflate data: the bytes that follow it, read directly.</summary>
        public int ReadRemaining(Span<byte> into) => file.ReadAtLeast(into, into.Length, throwOnEndOfStream: false);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
