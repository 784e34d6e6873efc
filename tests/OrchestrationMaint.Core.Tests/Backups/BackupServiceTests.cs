using OrchestrationMaint.Core.Backups;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Backups;

/// <summary>Backups and restores on a real demo target, real archives and a real SQLite file.</summary>
public sealed class BackupServiceTests : IDisposable
{
    private readonly BackupHarness _harness = new();

    private static CancellationToken Token => BackupHarness.Token;

    private TempDirectory Temp => _harness.Temp;

    private string Root => _harness.Root;

    private string ConfigFile => _harness.ConfigFile;

    private Task<BackupService> StartAsync() => _harness.StartAsync();

    private Task<IReadOnlyList<(string Key, bool Passed, string Message)>> ConfigParses(CancellationToken ct) => _harness.ConfigParses(ct);

    [Fact]
    public async Task Create_SystemState_IsVerifiedAgainstItsManifestUnderANewName()
    {
        var backups = await StartAsync();

        var first = await backups.CreateAsync(BackupKind.SystemState, "tester", null, false, _ => { }, Token);
        var second = await backups.CreateAsync(BackupKind.SystemState, "tester", null, false, _ => { }, Token);

        Assert.Equal(BackupStatus.Verified, first.Status);
        Assert.Matches(@"^backup_\d{8}_\d{6}\.tar\.gz$", first.Name);
        Assert.NotEqual(first.Name, second.Name);
        Assert.True(File.Exists(Path.Combine(Root, "backups", first.Name)));
        Assert.Contains("distribution.json", first.Manifest, StringComparison.Ordinal);
        Assert.True(first.FileCount > 5);
    }

    [Fact]
    public async Task Create_WhileThePageKeepsSyncing_RegistersTheNewBackupOnceAsOurs()
    {
        var backups = await StartAsync();
        using var stop = new CancellationTokenSource();
        var syncing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await backups.SyncAsync(Token);
            }
        }, Token);

        var created = new List<BackupRecord>();
        for (var i = 0; i < 3; i++)
        {
            created.Add(await backups.CreateAsync(i % 2 == 0 ? BackupKind.SystemState : BackupKind.ConfigurationSnapshot, "tester", null, false, _ => { }, Token));
        }

        await stop.CancelAsync();
        await syncing;
        var all = await backups.ListAsync(Token);

        Assert.All(created, c => Assert.Equal(BackupStatus.Verified, c.Status));
        Assert.All(created, c => Assert.Equal("tester", Assert.Single(all, b => b.Name == c.Name).CreatedBy));
    }

    [Fact]
    public async Task Restore_SystemStateAfterAConfigChange_BringsItBackAndKeepsASafetyBackup()
    {
        var backups = await StartAsync();
        var original = File.ReadAllText(ConfigFile);
        var backup = await backups.CreateAsync(BackupKind.SystemState, "tester", null, false, _ => { }, Token);
        File.WriteAllText(ConfigFile, "{\"changed\": true}\n");
        File.WriteAllText(Path.Combine(Root, "config", "extra.json"), "{}");

        var plan = await backups.PlanRestoreAsync(backup, Token);
        var outcome = await backups.RestoreAsync(backup, backup.Name, null, "tester", 7, ConfigParses, _ => { }, Token);

        Assert.Contains(plan.Changes, c => c.Path == "config/distribution.json" && c.Kind == ChangeKind.Changed && c.Diff!.Contains("- {\"changed\": true}"));
        Assert.Contains(plan.Changes, c => c.Path == "config/extra.json" && c.Kind == ChangeKind.Removed);
        Assert.True(outcome.Restored, outcome.Summary);
        Assert.Equal(original, File.ReadAllText(ConfigFile));
        Assert.False(File.Exists(Path.Combine(Root, "config", "extra.json")));
        Assert.Equal(BackupStatus.Verified, outcome.SafetyBackup!.Status);
        Assert.True(outcome.SafetyBackup.IsSafetyBackup);
        Assert.Empty(Directory.GetDirectories(Root, RestoreSwap.Prefix + "*"));
    }

    [Fact]
    public async Task Restore_WrongConfirmation_IsRefusedAndChangesNothing()
    {
        var backups = await StartAsync();
        var backup = await backups.CreateAsync(BackupKind.SystemState, "tester", null, false, _ => { }, Token);
        File.WriteAllText(ConfigFile, "{\"changed\": true}\n");

        var outcome = await backups.RestoreAsync(backup, "backup_*.tar.gz", null, "tester", 7, ConfigParses, _ => { }, Token);

        Assert.False(outcome.Restored);
        Assert.StartsWith("Refused: type the backup's name", outcome.Summary, StringComparison.Ordinal);
        Assert.Equal("{\"changed\": true}\n", File.ReadAllText(ConfigFile));
    }

    [Fact]
    public async Task Restore_BackupThatBreaksTheConfiguration_RollsBackByItself()
    {
        var backups = await StartAsync();
        var good = File.ReadAllText(ConfigFile);
        File.WriteAllText(ConfigFile, "{ broken");
        var broken = await backups.CreateAsync(BackupKind.ConfigurationSnapshot, "tester", null, false, _ => { }, Token);
        File.WriteAllText(ConfigFile, good);

        var outcome = await backups.RestoreAsync(broken, broken.Name, null, "tester", 8, ConfigParses, _ => { }, Token);

        Assert.False(outcome.Restored);
        Assert.True(outcome.RolledBackAfterwards);
        Assert.StartsWith("Rolled back: the restored state broke config", outcome.Summary, StringComparison.Ordinal);
        Assert.Equal(good, File.ReadAllText(ConfigFile));
        Assert.Empty(Directory.GetDirectories(Root, RestoreSwap.Prefix + "*"));
    }

    [Fact]
    public async Task Verify_ArchiveWithAFlippedByte_IsCorruptAndCannotBeRestored()
    {
        var backups = await StartAsync();
        var backup = await backups.CreateAsync(BackupKind.SystemState, "tester", null, false, _ => { }, Token);
        var path = Path.Combine(Root, "backups", backup.Name);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        File.WriteAllText(ConfigFile, "{\"changed\": true}\n");

        var verified = await backups.VerifyAsync(backup, _ => { }, Token);
        var outcome = await backups.RestoreAsync(backup, backup.Name, null, "tester", 9, ConfigParses, _ => { }, Token);

        Assert.Equal(BackupStatus.Corrupt, verified.Status);
        Assert.False(outcome.Restored);
        Assert.Contains("Corrupt", outcome.Summary, StringComparison.Ordinal);
        Assert.Equal("{\"changed\": true}\n", File.ReadAllText(ConfigFile));
    }

    [Fact]
    public async Task Sync_BackupsMadeByHand_AreRegisteredAndPathLikeIdsFindNothing()
    {
        var backups = await StartAsync();

        var all = await backups.ListAsync(Token);

        Assert.Contains(all, b => b.Name == "backup_20261109.tar.gz" || b.RelativePath.StartsWith("backup_", StringComparison.Ordinal));
        Assert.All(all, b => Assert.True(BackupService.IsKey(b.Key)));
        Assert.Null(await backups.FindAsync("../../etc/passwd", Token));
        Assert.Null(await backups.FindAsync(all[0].RelativePath, Token));
        Assert.NotNull(await backups.FindAsync(all[0].Key, Token));
    }

    [Fact]
    public async Task Drill_NewestSystemBackup_RestoresOutsideTheTargetAndRecordsTheTime()
    {
        var backups = await StartAsync();
        var backup = await backups.CreateAsync(BackupKind.SystemState, "tester", null, false, _ => { }, Token);
        var before = Directory.GetFileSystemEntries(Root).Order().ToList();

        var drill = await backups.DrillAsync(backup, _ => { }, Token);
        var record = await backups.FindAsync(backup.Key, Token);

        Assert.True(drill.Passed, drill.Message);
        Assert.True(drill.Files > 5);
        Assert.Equal(before, Directory.GetFileSystemEntries(Root).Order().ToList());
        Assert.True(record!.LastDrillPassed);
    }

    [Fact]
    public async Task Restore_HandMadeArchiveWithALinkOutOfTheRestoredDirectories_IsRefusedAndChangesNothing()
    {
        var backups = await StartAsync();
        var source = Directory.CreateDirectory(Temp.Combine("src", "scripts")).FullName;
        File.WriteAllText(Path.Combine(source, "run.sh"), "echo hi\n");
        File.CreateSymbolicLink(Path.Combine(source, "hook"), "../.git/hooks/post-checkout");
        var tar = await OrchestrationMaint.Core.Target.ScriptRunner.RunAsync("tar", ["-czf", Path.Combine(Root, "backup_20261101.tar.gz"), "-C", Temp.Combine("src"), "scripts"], Temp.Path, TimeSpan.FromMinutes(1), Token);
        Assert.True(tar.Succeeded, tar.Output);
        var handMade = Assert.Single(await backups.ListAsync(Token), b => b.Name == "backup_20261101.tar.gz");
        var scriptsBefore = Directory.GetFileSystemEntries(Path.Combine(Root, "scripts")).Order().ToList();

        var refused = await Assert.ThrowsAsync<UnsafeArchiveException>(() => backups.RestoreAsync(handMade, handMade.Name, null, "tester", 11, ConfigParses, _ => { }, Token));

        Assert.Contains("scripts/hook links to ../.git/hooks/post-checkout", refused.Message, StringComparison.Ordinal);
        Assert.Equal(scriptsBefore, Directory.GetFileSystemEntries(Path.Combine(Root, "scripts")).Order().ToList());
        Assert.Empty(Directory.GetDirectories(Root, RestoreSwap.Prefix + "*"));
    }

    [Fact]
    public void RestoreSwap_RolledBack_RemovesADirectoryThatWasNotThereBefore()
    {
        var root = Directory.CreateDirectory(Temp.Combine("target")).FullName;
        var swap = RestoreSwap.Begin(root, "44", ["modules"]);
        Directory.CreateDirectory(Path.Combine(swap.NewTree, "modules"));
        swap.Apply();
        Assert.True(Directory.Exists(Path.Combine(root, "modules")));

        RestoreSwap.RecoverAll(root);

        Assert.Empty(Directory.GetFileSystemEntries(root));
    }

    [Fact]
    public void RestoreSwap_BackupWithoutADirectory_LeavesThatLiveDirectoryAlone()
    {
        var root = Directory.CreateDirectory(Temp.Combine("target")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "modules"));
        File.WriteAllText(Path.Combine(root, "modules", "m.sh"), "live");
        var swap = RestoreSwap.Begin(root, "43", ["config", "modules"]);
        Directory.CreateDirectory(Path.Combine(swap.NewTree, "config"));
        File.WriteAllText(Path.Combine(swap.NewTree, "config", "a.json"), "new");

        swap.Apply();
        swap.Commit();

        Assert.Equal("live", File.ReadAllText(Path.Combine(root, "modules", "m.sh")));
        Assert.Equal("new", File.ReadAllText(Path.Combine(root, "config", "a.json")));
    }

    [Fact]
    public void RestoreSwap_CrashBeforeCommit_IsRolledBackToTheOldTreeAtStartUp()
    {
        var root = Directory.CreateDirectory(Temp.Combine("target")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "config"));
        File.WriteAllText(Path.Combine(root, "config", "a.json"), "old");
        var swap = RestoreSwap.Begin(root, "42", ["config", "scripts"]);
        Directory.CreateDirectory(Path.Combine(swap.NewTree, "config"));
        File.WriteAllText(Path.Combine(swap.NewTree, "config", "a.json"), "new");
        swap.Apply();
        Assert.Equal("new", File.ReadAllText(Path.Combine(root, "config", "a.json")));

        // The app dies here: no commit. The next start-up finds the journal.
        var done = RestoreSwap.RecoverAll(root);

        Assert.Single(done);
        Assert.Equal("old", File.ReadAllText(Path.Combine(root, "config", "a.json")));
        Assert.False(Directory.Exists(Path.Combine(root, "scripts")));
        Assert.Equal(["config"], Directory.GetDirectories(root).Select(Path.GetFileName));
        Assert.Empty(Directory.GetDirectories(root, RestoreSwap.Prefix + "*"));
    }

    [Fact]
    public void Retention_PastTheLimits_NeverTakesTheNewestVerifiedOrOnesAtTheRoot()
    {
        var now = DateTimeOffset.UtcNow;
        BackupRecord Backup(int daysOld, BackupStatus status, string folder = "backups/") => new()
        {
            Key = Guid.NewGuid().ToString("N")[..16], Name = $"b{daysOld}", RelativePath = $"{folder}b{daysOld}", CreatedBy = "t", CreatedAt = now.AddDays(-daysOld), Status = status,
        };
        var verifiedOld = Backup(100, BackupStatus.Verified);
        var all = new[] { Backup(1, BackupStatus.Corrupt), Backup(50, BackupStatus.Unverified), verifiedOld, Backup(200, BackupStatus.Unverified, ""), Backup(300, BackupStatus.Corrupt) };

        var plan = BackupRetention.Plan(all, keepNewest: 1, keepDays: 30, now);

        Assert.Equal(["b300", "b50"], plan.Select(p => p.Name)); // oldest first
    }

    [Fact]
    public void Retention_DailyConfigSnapshots_NeverPushOutTheLastVerifiedSystemArchive()
    {
        var now = DateTimeOffset.UtcNow;
        BackupRecord Backup(string name, BackupKind kind, int daysOld) => new()
        {
            Key = Guid.NewGuid().ToString("N")[..16], Name = name, RelativePath = $"backups/{name}", CreatedBy = "t", Kind = kind, CreatedAt = now.AddDays(-daysOld), Status = BackupStatus.Verified,
        };
        var all = Enumerable.Range(0, 20).Select(d => Backup($"config{d}", BackupKind.ConfigurationSnapshot, d)).Append(Backup("system", BackupKind.SystemState, 90)).ToList();

        var plan = BackupRetention.Plan(all, keepNewest: 5, keepDays: 10, now);

        Assert.DoesNotContain(plan, p => p.Name == "system");
        Assert.Equal(9, plan.Count);
    }

    public void Dispose() => _harness.Dispose();
}
