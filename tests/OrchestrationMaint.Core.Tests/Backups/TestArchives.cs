using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace OrchestrationMaint.Core.Tests.Backups;

/// <summary>Archives built in memory, byte by byte where TarWriter would refuse to write something hostile.</summary>
internal static class TestArchives
{
    public static byte[] Gzip(byte[] content, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, level, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    public static byte[] Tar(params TarEntry[] entries)
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    public static byte[] TarGz(params TarEntry[] entries) => Gzip(Tar(entries));

    public static UstarTarEntry File(string name, string content) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };

    public static UstarTarEntry Link(TarEntryType type, string name, string target) => new(type, name) { LinkName = target };

    /// <summary>A ustar header block; a size too large for octal is written in GNU base-256, as GNU tar does.</summary>
    public static byte[] Header(string name, char type, long size)
    {
        var block = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(block, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(block, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(block, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(block, 116);
        if (size < 8L << 30)
        {
            Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(block, 124);
        }
        else
        {
            block[124] = 0x80;
            for (var i = 0; i < 8; i++)
            {
                block[135 - i] = (byte)(size >> (8 * i));
            }
        }

        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(block, 136);
        block[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\u000000").CopyTo(block, 257);
        "        "u8.CopyTo(block.AsSpan(148));
        var sum = block.Sum(b => (int)b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(block, 148);
        return block;
    }

    /// <summary>Text-like content that gives gzip real work (not a run of one byte).</summary>
    public static byte[] TextLike(int length, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(length + 64);
        while (text.Length < length)
        {
            text.Append(CultureInfo.InvariantCulture, $"line {random.Next(100000)}: value={random.NextDouble():0.000000} status={(random.Next(3) == 0 ? "failure" : "success")}\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
