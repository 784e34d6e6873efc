using System.Formats.Tar;
using OrchestrationMaint.Core.Backups;
using OrchestrationMaint.Tests;
using static OrchestrationMaint.Core.Tests.Backups.TestArchives;

namespace OrchestrationMaint.Core.Tests.Backups;

/// <summary>
/// ExtractTo writes while it validates (one pass): what a failure late in the archive leaves behind,
/// and that no symlink from the archive exists while anything is written.
/// </summary>
public sealed class SafeArchiveExtractTests
{
    private static readonly ArchiveLimits Limits = new();

    [Fact]
    public void ExtractTo_SymlinkOutOfTheTreeFollowedByAnEntryBelowIt_WritesNothingThroughIt()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("outside"));

        // Were the link made when it streams past, "config/out/evil.sh" would land in temp/outside.
        var refused = Refused(temp, null, TarGz(
            File("config/default.json", "{}"),
            Link(TarEntryType.SymbolicLink, "config/out", "../../outside"),
            File("config/out/evil.sh", "echo pwned"),
            File("scripts/a.sh", "echo a")));

        Assert.Contains("entry 'config/out/evil.sh' lies below 'config/out'", refused, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Combine("outside")));
    }

    [Fact]
    public void ExtractTo_ValidSymlinkAndFilesThenAHostileEntry_LeavesNothing()
    {
        using var temp = new TempDirectory();

        var refused = Refused(temp, null, TarGz([.. Written(5), Link(TarEntryType.HardLink, "config/passwd", "../../etc/passwd")]));

        Assert.Contains("entry 'config/passwd' is a hard link", refused, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtractTo_LastFileDiffersFromTheManifest_IsRefusedAfterWritingAndLeavesNothing()
    {
        using var temp = new TempDirectory();
        var archive = TarGz([.. Written(6), File("config/default.json", "{\"tampered\": true}")]);
        System.IO.File.WriteAllBytes(temp.Combine("plain.tar.gz"), archive);
        var manifest = SafeArchive.Inspect(temp.Combine("plain.tar.gz"), Limits, null, TestContext.Current.CancellationToken)
            .Select(e => e.Path == "config/default.json" ? e with { Sha256 = new string('0', 64) } : e).ToList();
        System.IO.File.Delete(temp.Combine("plain.tar.gz"));

        var refused = Refused(temp, manifest, archive);

        Assert.Contains("entry 'config/default.json' differs from the expected manifest", refused, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtractTo_EntryTheManifestDoesNotExpectThenAHostileOne_IsRefusedForTheHostileOne()
    {
        using var temp = new TempDirectory();
        IReadOnlyList<ArchiveEntry> manifest = [new("scripts/a.sh", ArchiveEntryKind.File, 6, (UnixFileMode)Convert.ToInt32("644", 8), null, null)];

        var refused = Refused(temp, manifest, TarGz(File("scripts/a.sh", "echo a"), File("scripts/extra.sh", "echo extra"), File("/etc/cron.d/evil", "x")));

        Assert.Contains("absolute path", refused, StringComparison.Ordinal);
        Assert.False(Path.Exists("/etc/cron.d/evil"));
    }

    [Fact]
    public void ExtractTo_Cancelled_LeavesNoStaging()
    {
        using var temp = new TempDirectory();
        var archive = temp.Combine("backup.tar.gz");
        System.IO.File.WriteAllBytes(archive, TarGz(File("scripts/a.sh", "echo a"), File("config/default.json", "{}")));
        var staging = temp.Combine("staging");

        Assert.ThrowsAny<OperationCanceledException>(() => SafeArchive.ExtractTo(archive, staging, Limits, null, new CancellationToken(canceled: true)));

        Assert.False(Path.Exists(staging));
    }

    /// <summary>Good entries that are written before anything fails: a file, a valid symlink, 2 MB more.</summary>
    private static TarEntry[] Written(int seed) =>
    [
        File("scripts/main.sh", "echo main"),
        Link(TarEntryType.SymbolicLink, "scripts/run", "main.sh"),
        File("modules/big.sh", System.Text.Encoding.ASCII.GetString(TextLike(2_000_000, seed))),
    ];

    /// <summary>
    /// Extracts <paramref name="archiveBytes"/>, which must be refused: with Inspect's message,
    /// leaving no staging directory and nothing else beside the archive (but what was there before).
    /// </summary>
    private static string Refused(TempDirectory temp, IReadOnlyList<ArchiveEntry>? manifest, byte[] archiveBytes)
    {
        var ct = TestContext.Current.CancellationToken;
        var before = Directory.EnumerateFileSystemEntries(temp.Path).ToList();
        var archive = temp.Combine("backup.tar.gz");
        System.IO.File.WriteAllBytes(archive, archiveBytes);
        var staging = temp.Combine("staging");

        var refused = Assert.Throws<UnsafeArchiveException>(() => SafeArchive.ExtractTo(archive, staging, Limits, manifest, ct));

        Assert.Equal(Assert.Throws<UnsafeArchiveException>(() => SafeArchive.Inspect(archive, Limits, manifest, ct)).Message, refused.Message);
        Assert.False(Path.Exists(staging));
        Assert.Equal([.. before.Append(archive).Order(StringComparer.Ordinal)], Directory.EnumerateFileSystemEntries(temp.Path).Order(StringComparer.Ordinal));
        return refused.Message;
    }
}
