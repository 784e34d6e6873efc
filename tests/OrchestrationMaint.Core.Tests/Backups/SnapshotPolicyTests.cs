using OrchestrationMaint.Core.Backups;

namespace OrchestrationMaint.Core.Tests.Backups;

/// <summary>
/// Configuration snapshots follow the system-state archive's policy, on real trees with real symlinks:
/// links that stay inside config/ are kept as links and restored as links; others, FIFOs and devices are
/// refused with a sentence and nothing is written.
/// </summary>
public sealed class SnapshotPolicyTests : IDisposable
{
    private readonly BackupHarness _harness = new();

    private static CancellationToken Token => BackupHarness.Token;

    private string Config => Path.Combine(_harness.Root, "config");

    private string Backups => Path.Combine(_harness.Root, "backups");

    [Fact]
    public async Task Snapshot_LinksInsideConfig_AreKeptAsLinksAndRestoredAsLinks()
    {
        var backups = await _harness.StartAsync();
        Directory.CreateDirectory(Path.Combine(Config, "env"));
        File.CreateSymbolicLink(Path.Combine(Config, "current.json"), "distribution.json");
        File.CreateSymbolicLink(Path.Combine(Config, "env", "base.json"), "../default.json");
        File.CreateSymbolicLink(Path.Combine(Config, "future.json"), "not-written-yet.json");

        var backup = await backups.CreateAsync(BackupKind.ConfigurationSnapshot, "tester", null, false, _ => { }, Token);

        Assert.Equal(BackupStatus.Verified, backup.Status);
        var snapshot = Path.Combine(_harness.Root, backup.RelativePath);
        Assert.Equal("distribution.json", new FileInfo(Path.Combine(snapshot, "current.json")).LinkTarget);
        Assert.Equal("../default.json", new FileInfo(Path.Combine(snapshot, "env", "base.json")).LinkTarget);
        Assert.Equal("not-written-yet.json", new FileInfo(Path.Combine(snapshot, "future.json")).LinkTarget);
        Assert.Contains("\"linkTarget\":\"../default.json\"", backup.Manifest, StringComparison.Ordinal);

        // Live: one link gone, one retargeted, the dangling one now a file.
        File.Delete(Path.Combine(Config, "current.json"));
        File.Delete(Path.Combine(Config, "env", "base.json"));
        File.CreateSymbolicLink(Path.Combine(Config, "env", "base.json"), "../distribution.json");
        File.Delete(Path.Combine(Config, "future.json"));
        File.WriteAllText(Path.Combine(Config, "future.json"), "{}");
        var plan = await backups.PlanRestoreAsync(backup, Token);
        var outcome = await backups.RestoreAsync(backup, backup.Name, plan.Fingerprint, "tester", 4, _harness.ConfigParses, _ => { }, Token);

        Assert.Equal(
            [("config/current.json", ChangeKind.Added), ("config/env/base.json", ChangeKind.Changed), ("config/future.json", ChangeKind.Changed)],
            plan.Changes.Select(c => (c.Path, c.Kind)));
        Assert.True(outcome.Restored, outcome.Summary);
        Assert.Equal("distribution.json", new FileInfo(Path.Combine(Config, "current.json")).LinkTarget);
        Assert.Equal("../default.json", new FileInfo(Path.Combine(Config, "env", "base.json")).LinkTarget);
        Assert.Equal("not-written-yet.json", new FileInfo(Path.Combine(Config, "future.json")).LinkTarget);
        Assert.False(new FileInfo(Path.Combine(Config, "future.json")).ResolveLinkTarget(returnFinalTarget: true)!.Exists);
        Assert.Equal(File.ReadAllText(Path.Combine(Config, "default.json")), File.ReadAllText(Path.Combine(Config, "env", "base.json")));
    }

    [Theory]
    [InlineData("escape.json", "/etc/passwd", "symlink 'config/escape.json' points to the absolute path '/etc/passwd' outside the archived tree")]
    [InlineData("escape.json", "../modules", "symlink 'config/escape.json' points to '../modules', outside the archived directories")]
    [InlineData("gone.json", "../../nowhere.json", "symlink 'config/gone.json' points outside the archived tree (through '../../nowhere.json')")]
    public async Task Snapshot_LinkLeavingConfig_IsRefusedAndNothingIsWritten(string name, string target, string says)
    {
        var backups = await _harness.StartAsync();
        File.CreateSymbolicLink(Path.Combine(Config, name), target);
        var before = Directory.GetFileSystemEntries(Backups);

        var refused = await Assert.ThrowsAsync<UnsafeArchiveException>(() => backups.CreateAsync(BackupKind.ConfigurationSnapshot, "tester", null, false, _ => { }, Token));

        Assert.Equal($"{says}, and only links that stay inside them are stored; nothing was written.", refused.Message);
        Assert.Equal(before, Directory.GetFileSystemEntries(Backups));
    }

    [Fact]
    public async Task Snapshot_ChainOfLinksThatClimbsOut_IsRefused()
    {
        var backups = await _harness.StartAsync();
        Directory.CreateDirectory(Path.Combine(Config, "d"));
        // Each looks harmless alone; followed, esc climbs out of config/ and of the target.
        File.CreateSymbolicLink(Path.Combine(Config, "d", "up"), "..");
        File.CreateSymbolicLink(Path.Combine(Config, "esc"), "d/up/../..");
        var before = Directory.GetFileSystemEntries(Backups);

        var refused = await Assert.ThrowsAsync<UnsafeArchiveException>(() => backups.CreateAsync(BackupKind.ConfigurationSnapshot, "tester", null, false, _ => { }, Token));

        Assert.StartsWith("symlink 'config/esc' points outside the archived tree", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFileSystemEntries(Backups));
    }

    [Fact]
    public async Task Snapshot_FifoInConfig_IsRefusedWithoutBlocking()
    {
        var backups = await _harness.StartAsync();
        await _harness.RunAsync("mkfifo", Path.Combine(Config, "pipe"));
        var before = Directory.GetFileSystemEntries(Backups);

        var refused = await Assert.ThrowsAsync<UnsafeArchiveException>(() => backups.CreateAsync(BackupKind.ConfigurationSnapshot, "tester", null, false, _ => { }, Token));

        Assert.Equal("'config/pipe' is a FIFO, and FIFOs, sockets and devices are never archived; nothing was written.", refused.Message);
        Assert.Equal(before, Directory.GetFileSystemEntries(Backups));
    }

    [Fact]
    public async Task Snapshot_FileNamedLikeTheManifestInConfig_IsRefusedRatherThanShadowed()
    {
        var backups = await _harness.StartAsync();
        File.WriteAllText(Path.Combine(Config, BackupManifest.LegacySnapshotFileName), "[]");

        var refused = await Assert.ThrowsAsync<UnsafeArchiveException>(() => backups.CreateAsync(BackupKind.ConfigurationSnapshot, "tester", null, false, _ => { }, Token));

        Assert.StartsWith("'config/.om-manifest.json' has the name a snapshot's manifest takes at its root; remove or rename it", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_SnapshotWithALinkPlantedOutOfIt_IsCorruptAndCannotBeRestored()
    {
        var backups = await _harness.StartAsync();
        var backup = await backups.CreateAsync(BackupKind.ConfigurationSnapshot, "tester", null, false, _ => { }, Token);
        File.CreateSymbolicLink(Path.Combine(_harness.Root, backup.RelativePath, "hook"), "../../.git/hooks/post-checkout");
        var config = Directory.GetFileSystemEntries(Config).Order().ToList();

        var verified = await backups.VerifyAsync(backup, _ => { }, Token);
        var plan = await Assert.ThrowsAsync<UnsafeArchiveException>(() => backups.PlanRestoreAsync(backup, Token));
        var outcome = await backups.RestoreAsync(backup, backup.Name, null, "tester", 4, _harness.ConfigParses, _ => { }, Token);

        Assert.Equal(BackupStatus.Corrupt, verified.Status);
        Assert.StartsWith($"symlink '{backup.Name}/hook' points outside the archived tree", verified.VerificationMessage, StringComparison.Ordinal);
        Assert.StartsWith($"symlink '{backup.Name}/hook' points outside", plan.Message, StringComparison.Ordinal);
        Assert.False(outcome.Restored);
        Assert.Equal(config, Directory.GetFileSystemEntries(Config).Order().ToList());
    }

    public void Dispose() => _harness.Dispose();
}
