using System.Globalization;
using System.Text;

namespace OrchestrationMaint.Core.Backups;

/// <summary>
/// Sits between the decompressed stream and TarReader and checks each 512-byte header block as it
/// passes, for what .NET 10's TarReader does not do: it never verifies the header checksum, and it
/// allocates a PAX or GNU long-name block of whatever size the header declares (a 1 GiB allocation from
/// a 100-byte archive). So this follows the framing (header, data rounded up to 512, next header,
/// with a PAX "size" record overriding the next entry's size) and throws
/// <see cref="InvalidDataException"/>, reported like TarReader's own errors.
/// </summary>
internal sealed class TarFramingGuard(Stream inner) : Stream
{
    /// <summary>A PAX record set or GNU long name larger than this is not a name: it is an attack.</summary>
    private const long MaxMetadataBytes = 1L << 20;

    private const int Block = 512;

    private readonly byte[] _header = new byte[Block];
    private long _position;
    private long _nextHeader;
    private int _headerServed = Block;
    private MemoryStream? _paxRecords;
    private long _paxEnd;
    private long? _sizeOverride;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_headerServed == Block && _position == _nextHeader)
        {
            var got = inner.ReadAtLeast(_header, Block, throwOnEndOfStream: false);
            if (got < Block)
            {
                // End of data (or a short block, which TarReader reports as truncated): passed on as it is.
                var tail = Math.Min(got, buffer.Length);
                _header.AsSpan(0, tail).CopyTo(buffer);
                _position += tail;
                return tail;
            }

            CheckHeader();
            _headerServed = 0;
        }

        if (_headerServed < Block)
        {
            var served = Math.Min(Block - _headerServed, buffer.Length);
            _header.AsSpan(_headerServed, served).CopyTo(buffer);
            _headerServed += served;
            _position += served;
            return served;
        }

        var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, _nextHeader - _position)]);
        if (_paxRecords is not null)
        {
            _paxRecords.Write(buffer[..(int)Math.Min(read, Math.Max(0, _paxEnd - _position))]);
            if (_position + read >= _paxEnd)
            {
                _sizeOverride = PaxSize(_paxRecords.GetBuffer().AsSpan(0, (int)_paxRecords.Length));
                _paxRecords = null;
            }
        }

        _position += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void CheckHeader()
    {
        var dataStart = _position + Block;
        if (!_header.AsSpan().ContainsAnyExcept((byte)0))
        {
            // An end-of-archive block: TarReader stops here.
            _nextHeader = dataStart;
            return;
        }

        var stored = ParseNumber(_header.AsSpan(148, 8), "checksum");
        long unsigned = 0, signed = 0;
        for (var i = 0; i < Block; i++)
        {
            var value = i is >= 148 and < 156 ? (byte)' ' : _header[i];
            unsigned += value;
            signed += (sbyte)value;
        }

        // Some old tars summed signed chars; both forms are valid.
        if (stored != unsigned && stored != signed)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"header checksum {stored} does not match its content ({unsigned})"));
        }

        var type = (char)_header[156];
        var size = ParseNumber(_header.AsSpan(124, 12), "size");
        if (type is 'x' or 'g' or 'L' or 'K')
        {
            if (size > MaxMetadataBytes)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"a '{type}' metadata block declares {size:N0} bytes, more than {MaxMetadataBytes:N0}"));
            }

            if (type == 'x' && size > 0)
            {
                _paxRecords = new MemoryStream((int)size);
                _paxEnd = dataStart + size;
            }
        }
        else if (_sizeOverride is { } overridden)
        {
            // A PAX "size" record replaces the size field of the entry it precedes.
            size = overridden;
            _sizeOverride = null;
        }

        _nextHeader = dataStart + ((size + Block - 1) / Block * Block);
    }

    /// <summary>Octal, or GNU base-256 when the first byte has its high bit set.</summary>
    private static long ParseNumber(ReadOnlySpan<byte> field, string name)
    {
        if ((field[0] & 0x80) != 0)
        {
            if (field[0] != 0x80 || field[1..^8].ContainsAnyExcept((byte)0))
            {
                throw new InvalidDataException($"the {name} field holds a negative or oversized base-256 number");
            }

            return (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(field[^8..]) is var big and >= 0 ? big
                : throw new InvalidDataException($"the {name} field holds an oversized base-256 number");
        }

        var text = Encoding.ASCII.GetString(field).Trim(' ', '\0');
        var end = text.IndexOfAny([' ', '\0']);
        text = end < 0 ? text : text[..end];
        try
        {
            return text.Length == 0 ? 0 : Convert.ToInt64(text, 8);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"the {name} field '{text}' is not an octal number", e);
        }
    }

    /// <summary>
    /// The "size" record of a PAX extended header, if any. Records are "LEN key=value\n" with LEN the
    /// record's own byte length, and are walked by it: a value may itself hold a newline.
    /// </summary>
    private static long? PaxSize(ReadOnlySpan<byte> records)
    {
        long? size = null;
        while (!records.IsEmpty)
        {
            var space = records.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(records[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length <= space + 2 || length > records.Length)
            {
                throw new InvalidDataException("a PAX extended header holds a malformed record");
            }

            var record = records[(space + 1)..(length - 1)];
            if (record.StartsWith("size="u8))
            {
                size = long.TryParse(record[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                    ? value
                    : throw new InvalidDataException("a PAX size record is not a number");
            }

            records = records[length..];
        }

        return size;
    }
}
