using System.Diagnostics;
using System.IO.Compression;
using OrchestrationMaint.Core.Backups;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Backups;

public sealed class SafeArchiveCreateTests
{
    private static readonly ArchiveLimits Limits = new();

    private static readonly string[] Directories = ["scripts", "modules", "config"];

    [Fact]
    public void Create_ThenInspectAndExtract_GivesIdenticalBytesAndSafeModes()
    {
        using var temp = new TempDirectory();
        var root = Tree(temp);
        var ct = TestContext.Current.CancellationToken;
        System.IO.File.SetUnixFileMode(Path.Combine(root, "scripts", "main.sh"), (UnixFileMode)Convert.ToInt32("4755", 8));
        System.IO.File.SetUnixFileMode(Path.Combine(root, "config", "default.json"), (UnixFileMode)Convert.ToInt32("666", 8));
        System.IO.File.SetUnixFileMode(Path.Combine(root, "modules", "readonly.sh"), (UnixFileMode)Convert.ToInt32("444", 8));

        var created = SafeArchive.Create(root, Directories, temp.Combine("backups", "backup_20261128_090000.tar.gz"), Limits, ct);
        var inspected = SafeArchive.Inspect(created.Path, Limits, created.Entries, ct);
        SafeArchive.ExtractTo(created.Path, temp.Combine("staging"), Limits, created.Entries, ct);

        Assert.Equal(created.Entries, inspected);
        Assert.Empty(created.MissingDirectories);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.IO.File.ReadAllBytes(created.Path))), created.Sha256);
        foreach (var entry in created.Entries.Where(e => e.Kind == ArchiveEntryKind.File))
        {
            var source = Path.Combine(root, entry.Path);
            var restored = temp.Combine("staging", entry.Path);
            Assert.Equal(System.IO.File.ReadAllBytes(source), System.IO.File.ReadAllBytes(restored));
            var notRestored = UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
            Assert.Equal(System.IO.File.GetUnixFileMode(source) & ~notRestored, System.IO.File.GetUnixFileMode(restored));
            Assert.Equal(System.IO.File.GetLastWriteTimeUtc(source).Ticks / TimeSpan.TicksPerSecond, System.IO.File.GetLastWriteTimeUtc(restored).Ticks / TimeSpan.TicksPerSecond);
        }

        Assert.Equal("main.sh", new FileInfo(temp.Combine("staging", "scripts", "run")).LinkTarget);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            System.IO.File.GetUnixFileMode(temp.Combine("staging", "scripts")));
        Assert.Equal((UnixFileMode)Convert.ToInt32("755", 8), created.Entries.Single(e => e.Path == "scripts/main.sh").Mode);
    }

    [Fact]
    public void Create_Archive_IsReadByGnuTar()
    {
        using var temp = new TempDirectory();
        var root = Tree(temp);
        var created = SafeArchive.Create(root, Directories, temp.Combine("backup.tar.gz"), Limits, TestContext.Current.CancellationToken);
        Directory.CreateDirectory(temp.Combine("gnu"));

        using var tar = Process.Start(new ProcessStartInfo("tar", ["-xzf", created.Path, "-C", temp.Combine("gnu")]))!;
        tar.WaitForExit();

        Assert.Equal(0, tar.ExitCode);
        Assert.Equal(System.IO.File.ReadAllBytes(Path.Combine(root, "modules", "big.sh")), System.IO.File.ReadAllBytes(temp.Combine("gnu", "modules", "big.sh")));
    }

    [Fact]
    public void Create_MissingDirectory_IsSkippedAndReported()
    {
        using var temp = new TempDirectory();
        var root = Tree(temp);
        Directory.Delete(Path.Combine(root, "modules"), recursive: true);

        var created = SafeArchive.Create(root, Directories, temp.Combine("backup.tar.gz"), Limits, TestContext.Current.CancellationToken);

        Assert.Equal(["modules"], created.MissingDirectories);
        Assert.DoesNotContain(created.Entries, e => e.Path.StartsWith("modules", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_FifoInSource_IsRefusedAndNothingIsWritten()
    {
        using var temp = new TempDirectory();
        var root = Tree(temp);
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(root, "scripts", "pipe")))
        {
            mkfifo.WaitForExit();
        }

        var refused = Assert.Throws<UnsafeArchiveException>(() => SafeArchive.Create(root, Directories, temp.Combine("backups", "b.tar.gz"), Limits, TestContext.Current.CancellationToken));

        Assert.Equal("'scripts/pipe' is a FIFO, and FIFOs, sockets and devices are never archived; nothing was written.", refused.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Combine("backups")));
    }

    [Fact]
    public void Create_SymlinkInsideTree_IsStoredAsALink()
    {
        using var temp = new TempDirectory();
        var root = Tree(temp);
        System.IO.File.CreateSymbolicLink(Path.Combine(root, "config", "modules-link"), "../modules");

        var created = SafeArchive.Create(root, Directories, temp.Combine("backup.tar.gz"), Limits, TestContext.Current.CancellationToken);

        Assert.Contains(new ArchiveEntry("config/modules-link", ArchiveEntryKind.Symlink, 0, (UnixFileMode)Convert.ToInt32("777", 8), null, "../modules"), created.Entries);
        Assert.Contains(new ArchiveEntry("scripts/run", ArchiveEntryKind.Symlink, 0, (UnixFileMode)Convert.ToInt32("777", 8), null, "main.sh"), created.Entries);
    }

    [Theory]
    [InlineData("/etc/passwd", "points to the absolute path '/etc/passwd'")]
    [InlineData("../../etc/passwd", "points outside the archived tree")]
    [InlineData("../logs", "points to '../logs', outside the archived directories")]
    public void Create_SymlinkLeavingTree_IsRefused(string target, string says)
    {
        using var temp = new TempDirectory();
        var root = Tree(temp);
        Directory.CreateDirectory(Path.Combine(root, "logs"));
        System.IO.File.CreateSymbolicLink(Path.Combine(root, "config", "escape"), target);

        var refused = Assert.Throws<UnsafeArchiveException>(() => SafeArchive.Create(root, Directories, temp.Combine("backups", "b.tar.gz"), Limits, TestContext.Current.CancellationToken));

        Assert.Contains($"symlink 'config/escape' {says}", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Combine("backups")));
    }

    [Fact]
    public void Create_DiskFullMidway_FailsCleanlyAndRemovesThePartialFile()
    {
        using var temp = new TempDirectory();
        var root = Tree(temp);
        var opened = 0;

        // ENOSPC surfaces as an IOException from a write; the hook throws it where the writer is mid-archive.
        var failed = Assert.Throws<IOException>(() => SafeArchive.Create(root, Directories, temp.Combine("backups", "b.tar.gz"), Limits, CompressionLevel.Fastest,
            _ =>
            {
                if (++opened == 3)
                {
                    throw new IOException("No space left on device");
                }
            },
            TestContext.Current.CancellationToken));

        Assert.Equal("No space left on device", failed.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Combine("backups")));
    }

    [Fact]
    public void CheckFreeSpace_LessFreeThanNeeded_RefusesWithTheFiguresBeforeWriting()
    {
        var refused = Assert.Throws<IOException>(() => SafeArchive.CheckFreeSpace("/data/backups", 300L << 20, 10L << 20, "the backup"));

        Assert.Equal("not enough free space in '/data/backups' for the backup: it may need 300.0 MB and 10.0 MB are free; nothing was written.", refused.Message);
    }

    [Fact]
    public void Create_CancelledMidway_LeavesNeitherTheFinalNorATemporaryFile()
    {
        using var temp = new TempDirectory();
        var root = Tree(temp);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var opened = 0;

        Assert.ThrowsAny<OperationCanceledException>(() => SafeArchive.Create(root, Directories, temp.Combine("backups", "b.tar.gz"), Limits, CompressionLevel.Fastest,
            _ =>
            {
                if (++opened == 3)
                {
                    cancel.Cancel();
                }
            },
            cancel.Token));

        Assert.Equal(3, opened);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Combine("backups")));
    }

    [Fact]
    public void Create_FileChangesOnceWhileRead_RetriesAndStoresTheNewContent()
    {
        using var temp = new TempDirectory();
        var root = Tree(temp);
        var changed = false;

        var created = SafeArchive.Create(root, Directories, temp.Combine("backup.tar.gz"), Limits, CompressionLevel.Fastest,
            path =>
            {
                if (path == "config/default.json" && !changed)
                {
                    changed = true;
                    System.IO.File.AppendAllText(Path.Combine(root, path), "\n");
                }
            },
            TestContext.Current.CancellationToken);

        Assert.True(changed);
        Assert.Equal(System.IO.File.ReadAllBytes(Path.Combine(root, "config", "default.json")).Length, created.Entries.Single(e => e.Path == "config/default.json").Size);
    }

    [Fact]
    public void Create_FileKeepsChanging_FailsLoudlyAfterThreeAttempts()
    {
        using var temp = new TempDirectory();
        var root = Tree(temp);
        var attempts = 0;

        var failed = Assert.Throws<IOException>(() => SafeArchive.Create(root, Directories, temp.Combine("backups", "b.tar.gz"), Limits, CompressionLevel.Fastest,
            path =>
            {
                if (path == "modules/big.sh")
                {
                    attempts++;
                    System.IO.File.AppendAllText(Path.Combine(root, path), "echo more\n");
                }
            },
            TestContext.Current.CancellationToken));

        Assert.Equal(3, attempts);
        Assert.Equal("'modules/big.sh' changed while it was being read, on each of 3 attempts; nothing was written.", failed.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Combine("backups")));
    }

    [Fact]
    public void Create_FinalPathExists_IsNeverOverwritten()
    {
        using var temp = new TempDirectory();
        var root = Tree(temp);
        var final = temp.Combine("backup_20261128.tar.gz");
        System.IO.File.WriteAllText(final, "the operator's only backup");

        var refused = Assert.Throws<IOException>(() => SafeArchive.Create(root, Directories, final, Limits, TestContext.Current.CancellationToken));

        Assert.Contains("already exists and is never overwritten", refused.Message, StringComparison.Ordinal);
        Assert.Equal("the operator's only backup", System.IO.File.ReadAllText(final));
    }

    [Fact]
    public void ExtractTo_StagingDirectoryExists_IsRefusedAndLeftAlone()
    {
        using var temp = new TempDirectory();
        var root = Tree(temp);
        var created = SafeArchive.Create(root, Directories, temp.Combine("backup.tar.gz"), Limits, TestContext.Current.CancellationToken);
        Directory.CreateDirectory(temp.Combine("staging"));
        System.IO.File.WriteAllText(temp.Combine("staging", "keep"), "x");

        Assert.Throws<IOException>(() => SafeArchive.ExtractTo(created.Path, temp.Combine("staging"), Limits, null, TestContext.Current.CancellationToken));

        Assert.Equal(["keep"], Directory.EnumerateFileSystemEntries(temp.Combine("staging")).Select(Path.GetFileName));
    }

    /// <summary>A small target: scripts with a symlink, modules with one larger file, config.</summary>
    private static string Tree(TempDirectory temp)
    {
        var root = temp.Combine("target");
        foreach (var directory in new[] { "scripts", "modules/nested", "config", "backups" })
        {
            Directory.CreateDirectory(Path.Combine(root, directory));
        }

        Directory.CreateDirectory(temp.Combine("backups"));
        System.IO.File.WriteAllText(Path.Combine(root, "scripts", "main.sh"), "#!/bin/bash\necho distribute\n");
        System.IO.File.CreateSymbolicLink(Path.Combine(root, "scripts", "run"), "main.sh");
        System.IO.File.WriteAllBytes(Path.Combine(root, "modules", "big.sh"), TestArchives.TextLike(300_000, 7));
        System.IO.File.WriteAllText(Path.Combine(root, "modules", "readonly.sh"), "echo ro\n");
        System.IO.File.WriteAllText(Path.Combine(root, "modules", "nested", "empty.sh"), "");
        System.IO.File.WriteAllText(Path.Combine(root, "config", "default.json"), "{\"a\": 1}");
        return root;
    }
}
