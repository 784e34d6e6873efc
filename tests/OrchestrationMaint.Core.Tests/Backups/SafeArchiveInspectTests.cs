using System.Formats.Tar;
using System.IO.Compression;
using OrchestrationMaint.Core.Backups;
using OrchestrationMaint.Tests;
using static OrchestrationMaint.Core.Tests.Backups.TestArchives;

namespace OrchestrationMaint.Core.Tests.Backups;

public sealed class SafeArchiveInspectTests
{
    private static readonly ArchiveLimits Limits = new();

    private static readonly string LongDirectory = new('d', 120);

    /// <summary>Each hostile archive, and a fragment its refusal must name.</summary>
    private static readonly Dictionary<string, (Func<byte[]> Build, string Says)> Hostile = new()
    {
        ["dot-dot traversal"] = (() => TarGz(File("scripts/ok.sh", "ok"), File("scripts/../../evil.sh", "x")), "'..' segment"),
        ["absolute path"] = (() => TarGz(File("/etc/cron.d/evil", "x")), "absolute path"),
        ["PAX long name with .."] = (() => TarGz(new PaxTarEntry(TarEntryType.RegularFile, $"{LongDirectory}/../../../evil.sh") { DataStream = new MemoryStream([1]) }), "PAX header"),
        ["GNU long name with .."] = (() => TarGz(new GnuTarEntry(TarEntryType.RegularFile, $"{LongDirectory}/../../../evil.sh") { DataStream = new MemoryStream([1]) }), "GNU long name"),
        ["symlink to /etc"] = (() => TarGz(Link(TarEntryType.SymbolicLink, "config/etc", "/etc")), "absolute path '/etc'"),
        ["relative symlink climbing out"] = (() => TarGz(Link(TarEntryType.SymbolicLink, "config/passwd", "../../etc/passwd")), "outside the archived tree"),
        ["hard link outside"] = (() => TarGz(Link(TarEntryType.HardLink, "config/passwd", "../../etc/passwd")), "hard link"),
        ["symlink chain a -> b/.., b -> ../.."] = (() => TarGz(Link(TarEntryType.SymbolicLink, "a", "b/.."), Link(TarEntryType.SymbolicLink, "b", "../..")), "outside the archived tree"),
        // Each link alone stays inside when read lexically; only following d/up makes d/esc climb out.
        ["symlink chain that looks harmless lexically"] = (() => TarGz(Link(TarEntryType.SymbolicLink, "d/e/up", ".."), Link(TarEntryType.SymbolicLink, "d/esc", "e/up/../..")), "symlink 'd/esc' points outside"),
        ["entry below a symlink"] = (() => TarGz(Link(TarEntryType.SymbolicLink, "s", "d"), File("s/x", "x")), "lies below 's'"),
        ["character device"] = (() => TarGz(new UstarTarEntry(TarEntryType.CharacterDevice, "dev/null") { DeviceMajor = 1, DeviceMinor = 3 }), "device node"),
        ["FIFO"] = (() => TarGz(new UstarTarEntry(TarEntryType.Fifo, "scripts/pipe")), "FIFO"),
        ["duplicate entries"] = (() => TarGz(File("config/a.json", "{}"), File("./config//a.json", "{\"evil\":1}")), "appears twice"),
        ["20,000 entries"] = (() => TarGz([.. Enumerable.Range(0, 20_000).Select(i => new UstarTarEntry(TarEntryType.RegularFile, $"f/{i}"))]), "more than 10,000 entries"),
        ["20 GiB declared in an 80-byte archive"] = (() => Gzip(Header("big.bin", '0', 20L << 30)), "declares 21,474,836,480 bytes"),
        ["data shorter than declared"] = (() => Gzip(Concat(Header("short.bin", '0', 5000), new byte[1024])), "holds only 1,024"),
        ["flipped byte in the middle"] = (() => Flip(TarGz(File("logs/a.log", System.Text.Encoding.ASCII.GetString(TextLike(400_000, 1))))), "corrupt"),
        ["truncated gzip"] = (() => Valid()[..(Valid().Length / 2)], "truncated"),
        ["gzip without its trailer"] = (() => Valid()[..^8], "trailer (CRC-32 and length) is missing"),
        ["trailing garbage"] = (() => Concat(Valid(), "garbage!"u8.ToArray()), "trailing garbage"),
        ["second gzip member"] = (() => Concat(Valid(), TarGz(File("extra.sh", "sneaked in"))), "second gzip member"),
        ["corrupted tar header checksum"] = (() => Gzip(CorruptFirstHeader(Tar(File("scripts/a.sh", "echo")))), "bad tar header at the start"),
        ["empty file"] = (() => [], "empty file"),
        // ExtractTo writes as it validates: these fail after good entries were written, or where a write itself fails first.
        ["traversal after 2 MB of good files"] = (() => TarGz(File("scripts/a.log", Text(1_000_000, 2)), File("scripts/b.log", Text(1_000_000, 3)), File("../evil.sh", "x")), "'..' segment"),
        ["file named like a directory already written"] = (() => TarGz(File("a/x", "x"), File("a", "y")), "entry 'a/x' lies below 'a'"),
        ["trailing garbage after good files"] = (() => Concat(TarGz(File("scripts/a.log", Text(1_000_000, 4)), File("config/default.json", "{}")), "garbage!"u8.ToArray()), "trailing garbage"),
        ["not gzip"] = (() => "#!/bin/bash\necho not an archive\n"u8.ToArray(), "not a gzip file"),
    };

    public static TheoryData<string> HostileCases => [.. Hostile.Keys];

    [Theory]
    [MemberData(nameof(HostileCases))]
    public void ExtractTo_HostileArchive_RefusedWithItsProblemNamedAndNoStagingLeft(string name)
    {
        using var temp = new TempDirectory();
        var (build, says) = Hostile[name];
        var archive = temp.Combine("backup.tar.gz");
        System.IO.File.WriteAllBytes(archive, build());
        var staging = temp.Combine("staging");

        var inspected = Assert.Throws<UnsafeArchiveException>(() => SafeArchive.Inspect(archive, Limits, null, TestContext.Current.CancellationToken));
        var extracted = Assert.Throws<UnsafeArchiveException>(() => SafeArchive.ExtractTo(archive, staging, Limits, null, TestContext.Current.CancellationToken));

        Assert.Contains(says, inspected.Message, StringComparison.Ordinal);
        Assert.EndsWith("; nothing was written.", inspected.Message, StringComparison.Ordinal);
        Assert.Equal(inspected.Message, extracted.Message);
        Assert.False(Path.Exists(staging));
        Assert.Equal([archive], Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Inspect_DecompressionBomb_StopsEarlyInBoundedMemory()
    {
        using var temp = new TempDirectory();
        var archive = temp.Combine("bomb.tar.gz");
        // 1 GiB of zeros in one entry that the size limits allow: only the ratio can stop it.
        using (var file = System.IO.File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
        {
            gzip.Write(Header("zeros.bin", '0', 1L << 30));
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 1024; i++)
            {
                gzip.Write(zeros);
            }
        }

        using var counting = new CountingStream(System.IO.File.OpenRead(archive));
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var refused = Assert.Throws<UnsafeArchiveException>(() => SafeArchive.Inspect(counting, Limits with { MaxEntryBytes = 2L << 30 }, null, TestContext.Current.CancellationToken));

        Assert.Contains("decompression bomb", refused.Message, StringComparison.Ordinal);
        Assert.True(counting.BytesRead < counting.Length / 2, $"read {counting.BytesRead:N0} of {counting.Length:N0} compressed bytes");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < 16 << 20, "allocated more than 16 MiB");
    }

    [Fact]
    public void Inspect_HugePaxHeader_RefusedWithoutAllocatingIt()
    {
        using var temp = new TempDirectory();
        var archive = temp.Combine("pax.tar.gz");
        System.IO.File.WriteAllBytes(archive, Gzip(Concat(Header("PaxHeaders/x", 'x', 1L << 30), new byte[4096])));
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var refused = Assert.Throws<UnsafeArchiveException>(() => SafeArchive.Inspect(archive, Limits, null, TestContext.Current.CancellationToken));

        Assert.Contains("bad tar header", refused.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < 16 << 20, "allocated more than 16 MiB");
    }

    [Fact]
    public void Inspect_ExpectedManifest_MismatchMissingAndExtraAreRefused()
    {
        using var temp = new TempDirectory();
        var archive = temp.Combine("backup.tar.gz");
        System.IO.File.WriteAllBytes(archive, TarGz(File("config/a.json", "{}"), File("config/b.json", "[]")));
        var entries = SafeArchive.Inspect(archive, Limits, null, TestContext.Current.CancellationToken);
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(entries, SafeArchive.Inspect(archive, Limits, entries, ct));
        var changed = Assert.Throws<UnsafeArchiveException>(() => SafeArchive.Inspect(archive, Limits, [entries[0] with { Sha256 = new string('0', 64) }, entries[1]], ct));
        var extra = Assert.Throws<UnsafeArchiveException>(() => SafeArchive.Inspect(archive, Limits, [entries[0]], ct));
        var missing = Assert.Throws<UnsafeArchiveException>(() => SafeArchive.Inspect(archive, Limits, [.. entries, entries[0] with { Path = "config/c.json" }], ct));

        Assert.Contains("entry 'config/a.json' differs from the expected manifest", changed.Message, StringComparison.Ordinal);
        Assert.Contains("entry 'config/b.json' is not in the expected manifest", extra.Message, StringComparison.Ordinal);
        Assert.Contains("entry 'config/c.json' of the expected manifest is missing", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_GnuTarBackupOfTheSeed_IsAcceptedWithItsHashes()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("scripts"));
        Directory.CreateDirectory(temp.Combine("config"));
        System.IO.File.WriteAllText(temp.Combine("scripts", "distribute-orchestration-files.sh"), "#!/bin/bash\necho hi\n");
        System.IO.File.WriteAllText(temp.Combine("config", "default.json"), "{}");
        var archive = temp.Combine("backup_20261128.tar.gz");
        // The seed's own command line.
        using (var tar = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("tar", ["-czf", archive, "scripts/", "config/"]) { WorkingDirectory = temp.Path })!)
        {
            tar.WaitForExit();
            Assert.Equal(0, tar.ExitCode);
        }

        var entries = SafeArchive.Inspect(archive, Limits, null, TestContext.Current.CancellationToken);

        Assert.Equal(["config", "config/default.json", "scripts", "scripts/distribute-orchestration-files.sh"], entries.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Equal("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", entries.Single(e => e.Path == "config/default.json").Sha256);
    }

    private static string Text(int length, int seed) => System.Text.Encoding.ASCII.GetString(TextLike(length, seed));

    private static byte[] Valid() => TarGz(File("scripts/a.sh", "echo a\n"), File("config/default.json", "{}"));

    private static byte[] Flip(byte[] archive)
    {
        archive[archive.Length / 2] ^= 0x55;
        return archive;
    }

    private static byte[] CorruptFirstHeader(byte[] tar)
    {
        tar[10] ^= 0x01;
        return tar;
    }
}
