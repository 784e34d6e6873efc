using System.Diagnostics;
using System.IO.Compression;
using OrchestrationMaint.Core.Backups;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Backups;

/// <summary>
/// A disk that really fills up: the backup is written onto a small tmpfs mounted for the test, and the
/// rest of that filesystem is taken (as another process would) while the backup is being written, so the
/// kernel itself answers ENOSPC. Mounting needs root or CAP_SYS_ADMIN (the test VM runs as root); where it
/// is not permitted these tests are reported as skipped, saying why, never passed: the simulated disk-full
/// test in SafeArchiveCreateTests runs everywhere.
/// </summary>
public sealed class DiskFullTests
{
    private static readonly string[] Directories = ["scripts", "modules", "config"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void Create_DiskFillsUpWhileTheArchiveIsWritten_FailsWithASentenceAndLeavesNothing()
    {
        using var temp = new TempDirectory();
        var root = Tree(temp.Combine("target"));
        using var disk = TinyFilesystem.MountOrSkip(temp.Combine("backups"), megabytes: 4);
        var opened = 0;

        var failed = Assert.Throws<IOException>(() => SafeArchive.Create(root, Directories, Path.Combine(disk.Path, "backup_20261128_090000.tar.gz"), new ArchiveLimits(),
            CompressionLevel.Fastest, _ =>
            {
                if (++opened == 2)
                {
                    disk.FillLeaving(16 << 10);
                }
            },
            Token));

        Assert.Equal(28, failed.InnerException?.HResult);
        Assert.StartsWith($"the disk holding '{disk.Path}' filled up while the backup was being written (", failed.Message, StringComparison.Ordinal);
        Assert.EndsWith("); the partial copy was removed and nothing was written.", failed.Message, StringComparison.Ordinal);
        Assert.Equal([TinyFilesystem.FillerName], Directory.EnumerateFileSystemEntries(disk.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void ConfigSnapshot_DiskFillsUpWhileFilesAreCopied_FailsWithASentenceAndLeavesNothing()
    {
        using var temp = new TempDirectory();
        var root = Tree(temp.Combine("target"));
        using var disk = TinyFilesystem.MountOrSkip(Path.Combine(root, "backups"), megabytes: 4);
        var opened = 0;

        var failed = Assert.Throws<IOException>(() => ConfigSnapshot.Create(root, DateTimeOffset.UtcNow, new ArchiveLimits(), _ =>
            {
                if (++opened == 2)
                {
                    disk.FillLeaving(16 << 10);
                }
            },
            Token));

        Assert.Equal(28, failed.InnerException?.HResult);
        Assert.StartsWith($"the disk holding '{disk.Path}' filled up while the configuration snapshot was being written (", failed.Message, StringComparison.Ordinal);
        Assert.Equal([TinyFilesystem.FillerName], Directory.EnumerateFileSystemEntries(disk.Path).Select(Path.GetFileName));
    }

    /// <summary>Through the service, on the demo target whose backups/ is a 2 MiB filesystem: refused before a byte is written.</summary>
    [Fact]
    public async Task CreateAsync_BackupsOnATinyFilesystem_RefusedWithTheFiguresBeforeWriting()
    {
        using var harness = new BackupHarness();
        var backups = await harness.StartAsync();
        using var disk = TinyFilesystem.MountOrSkip(Path.Combine(harness.Root, "backups"), megabytes: 2);
        File.WriteAllBytes(Path.Combine(harness.Root, "modules", "vendor.bin"), RandomBytes(3 << 20));

        var system = await Assert.ThrowsAsync<IOException>(() => backups.CreateAsync(BackupKind.SystemState, "tester", null, false, _ => { }, Token));
        var config = await Assert.ThrowsAsync<IOException>(() => backups.CreateAsync(BackupKind.ConfigurationSnapshot, "tester", null, false, _ => { }, Token));

        Assert.Matches(@"^not enough free space in '.*/backups' for the backup: it may need 3\.\d MB and 2\.0 MB are free; nothing was written\.$", system.Message);
        Assert.StartsWith($"Not enough free space in {disk.Path}: 2 MiB free", config.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(disk.Path));
        Assert.DoesNotContain(await backups.ListAsync(Token), b => b.RelativePath.StartsWith("backups/", StringComparison.Ordinal));
    }

    /// <summary>Three directories; modules/ holds 1.8 MB that gzip cannot shrink, so the archive needs real space.</summary>
    private static string Tree(string root)
    {
        foreach (var directory in Directories)
        {
            Directory.CreateDirectory(Path.Combine(root, directory));
        }

        File.WriteAllText(Path.Combine(root, "scripts", "main.sh"), "#!/bin/bash\necho distribute\n");
        File.WriteAllText(Path.Combine(root, "config", "default.json"), "{\"a\": 1}");
        for (var i = 0; i < 3; i++)
        {
            File.WriteAllBytes(Path.Combine(root, "config", $"blob{i}.bin"), RandomBytes(600_000));
            File.WriteAllBytes(Path.Combine(root, "modules", $"blob{i}.bin"), RandomBytes(600_000));
        }

        return root;
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(count).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A tmpfs of a few MiB mounted on a directory for one test, unmounted when disposed.</summary>
    private sealed class TinyFilesystem : IDisposable
    {
        public const string FillerName = "filler.bin";

        private TinyFilesystem(string path) => Path = path;

        public string Path { get; }

        public static TinyFilesystem MountOrSkip(string directory, int megabytes)
        {
            Directory.CreateDirectory(directory);
            var (mounted, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", directory);
            if (!mounted)
            {
                Assert.Skip($"A real full disk needs a {megabytes} MiB tmpfs, and mounting one was not permitted here ({output.Trim()}). " +
                    "Run the tests as root (or with CAP_SYS_ADMIN) to exercise it; the simulated disk-full test still ran.");
            }

            return new TinyFilesystem(directory);
        }

        /// <summary>Takes the filesystem's free space but <paramref name="leave"/> bytes, as a log growing elsewhere would.</summary>
        public void FillLeaving(long leave)
        {
            var take = new DriveInfo(Path).AvailableFreeSpace - leave;
            using var filler = new FileStream(System.IO.Path.Combine(Path, FillerName), FileMode.CreateNew);
            var block = new byte[64 << 10];
            for (long written = 0; written < take; written += block.Length)
            {
                filler.Write(block, 0, (int)Math.Min(block.Length, take - written));
            }
        }

        public void Dispose()
        {
            // A lazy unmount as a last resort: the test must never leave a mount behind.
            if (!Run("umount", Path).Succeeded)
            {
                Run("umount", "-l", Path);
            }
        }

        private static (bool Succeeded, string Output) Run(string command, params string[] arguments)
        {
            var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            try
            {
                using var process = Process.Start(start)!;
                var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                return (process.ExitCode == 0, output);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return (false, e.Message);
            }
        }
    }
}
