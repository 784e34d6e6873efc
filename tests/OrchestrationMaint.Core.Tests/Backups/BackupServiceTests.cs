using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Backups;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Backups;

/// <summary>Backups and restores on a real demo target, real archives and a real SQLite file.</summary>
public sealed class BackupServiceTests : IDisposable
{
    private readonly TempDirectory _temp = new("om-backup");
    private string _root = "";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string ConfigFile => Path.Combine(_root, "config", "distribution.json");

    private async Task<BackupService> StartAsync()
    {
        _root = TestTarget.GenerateDemo(_temp.Combine("demo"), records: 100);
        var database = await TestDatabase.MigratedAsync(_temp.Combine("maint.db"));
        return new BackupService(database, TestTarget.Location(_root, _temp.Path), Options.Create(new BackupOptions()), TimeProvider.System, NullLogger<BackupService>.Instance);
    }

    /// <summary>What a restore checks before and after: here, only that config/distribution.json parses.</summary>
    private Task<IReadOnlyList<(string Key, bool Passed, string Message)>> ConfigParses(CancellationToken _)
    {
        var passed = File.Exists(ConfigFile) && IsJson(File.ReadAllText(ConfigFile));
        return Task.FromResult<IReadOnlyList<(string, bool, string)>>([("config", passed, passed ? "valid" : "invalid JSON")]);
    }

    private static bool IsJson(string text)
    {
        try
        {
            System.Text.Json.JsonDocument.Parse(text).Dispose();
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Create_SystemState_IsVerifiedAgainstItsManifestUnderANewName()
    {
        var backups = await StartAsync();

        var first = await backups.CreateAsync(BackupKind.SystemState, "tester", null, false, _ => { }, Token);
        var second = await backups.CreateAsync(BackupKind.SystemState, "tester", null, false, _ => { }, Token);

        Assert.Equal(BackupStatus.Verified, first.Status);
        Assert.Matches(@"^backup_\d{8}_\d{6}\.tar\.gz$", first.Name);
        Assert.NotEqual(first.Name, second.Name);
        Assert.True(File.Exists(Path.Combine(_root, "backups", first.Name)));
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
        File.WriteAllText(Path.Combine(_root, "config", "extra.json"), "{}");

        var plan = await backups.PlanRestoreAsync(backup, Token);
        var outcome = await backups.RestoreAsync(backup, backup.Name, "tester", 7, ConfigParses, _ => { }, Token);

        Assert.Contains(plan.Changes, c => c.Path == "config/distribution.json" && c.Kind == ChangeKind.Changed && c.Diff!.Contains("- {\"changed\": true}"));
        Assert.Contains(plan.Changes, c => c.Path == "config/extra.json" && c.Kind == ChangeKind.Removed);
        Assert.True(outcome.Restored, outcome.Summary);
        Assert.Equal(original, File.ReadAllText(ConfigFile));
        Assert.False(File.Exists(Path.Combine(_root, "config", "extra.json")));
        Assert.Equal(BackupStatus.Verified, outcome.SafetyBackup!.Status);
        Assert.True(outcome.SafetyBackup.IsSafetyBackup);
        Assert.Empty(Directory.GetDirectories(_root, RestoreSwap.Prefix + "*"));
    }

    [Fact]
    public async Task Restore_WrongConfirmation_IsRefusedAndChangesNothing()
    {
        var backups = await StartAsync();
        var backup = await backups.CreateAsync(BackupKind.SystemState, "tester", null, false, _ => { }, Token);
        File.WriteAllText(ConfigFile, "{\"changed\": true}\n");

        var outcome = await backups.RestoreAsync(backup, "backup_*.tar.gz", "tester", 7, ConfigParses, _ => { }, Token);

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

        var outcome = await backups.RestoreAsync(broken, broken.Name, "tester", 8, ConfigParses, _ => { }, Token);

        Assert.False(outcome.Restored);
        Assert.True(outcome.RolledBackAfterwards);
        Assert.StartsWith("Rolled back: the restored state broke config", outcome.Summary, StringComparison.Ordinal);
        Assert.Equal(good, File.ReadAllText(ConfigFile));
        Assert.Empty(Directory.GetDirectories(_root, RestoreSwap.Prefix + "*"));
    }

    [Fact]
    public async Task Verify_ArchiveWithAFlippedByte_IsCorruptAndCannotBeRestored()
    {
        var backups = await StartAsync();
        var backup = await backups.CreateAsync(BackupKind.SystemState, "tester", null, false, _ => { }, Token);
        var path = Path.Combine(_root, "backups", backup.Name);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        File.WriteAllText(ConfigFile, "{\"changed\": true}\n");

        var verified = await backups.VerifyAsync(backup, _ => { }, Token);
        var outcome = await backups.RestoreAsync(backup, backup.Name, "tester", 9, ConfigParses, _ => { }, Token);

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
        var before = Directory.GetFileSystemEntries(_root).Order().ToList();

        var drill = await backups.DrillAsync(backup, _ => { }, Token);
        var record = await backups.FindAsync(backup.Key, Token);

        Assert.True(drill.Passed, drill.Message);
        Assert.True(drill.Files > 5);
        Assert.Equal(before, Directory.GetFileSystemEntries(_root).Order().ToList());
        Assert.True(record!.LastDrillPassed);
    }

    [Fact]
    public async Task Restore_HandMadeArchiveWithALinkOutOfTheRestoredDirectories_IsRefusedAndChangesNothing()
    {
        var backups = await StartAsync();
        var source = Directory.CreateDirectory(_temp.Combine("src", "scripts")).FullName;
        File.WriteAllText(Path.Combine(source, "run.sh"), "echo hi\n");
        File.CreateSymbolicLink(Path.Combine(source, "hook"), "../.git/hooks/post-checkout");
        var tar = await OrchestrationMaint.Core.Target.ScriptRunner.RunAsync("tar", ["-czf", Path.Combine(_root, "backup_20261101.tar.gz"), "-C", _temp.Combine("src"), "scripts"], _temp.Path, TimeSpan.FromMinutes(1), Token);
        Assert.True(tar.Succeeded, tar.Output);
        var handMade = Assert.Single(await backups.ListAsync(Token), b => b.Name == "backup_20261101.tar.gz");
        var scriptsBefore = Directory.GetFileSystemEntries(Path.Combine(_root, "scripts")).Order().ToList();

        var refused = await Assert.ThrowsAsync<UnsafeArchiveException>(() => backups.RestoreAsync(handMade, handMade.Name, "tester", 11, ConfigParses, _ => { }, Token));

        Assert.Contains("scripts/hook links to ../.git/hooks/post-checkout", refused.Message, StringComparison.Ordinal);
        Assert.Equal(scriptsBefore, Directory.GetFileSystemEntries(Path.Combine(_root, "scripts")).Order().ToList());
        Assert.Empty(Directory.GetDirectories(_root, RestoreSwap.Prefix + "*"));
    }

    [Fact]
    public void RestoreSwap_RolledBack_RemovesADirectoryThatWasNotThereBefore()
    {
        _root = Directory.CreateDirectory(_temp.Combine("target")).FullName;
        var swap = RestoreSwap.Begin(_root, "44", ["modules"]);
        Directory.CreateDirectory(Path.Combine(swap.NewTree, "modules"));
        swap.Apply();
        Assert.True(Directory.Exists(Path.Combine(_root, "modules")));

        RestoreSwap.RecoverAll(_root);

        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public void RestoreSwap_BackupWithoutADirectory_LeavesThatLiveDirectoryAlone()
    {
        _root = Directory.CreateDirectory(_temp.Combine("target")).FullName;
        Directory.CreateDirectory(Path.Combine(_root, "modules"));
        File.WriteAllText(Path.Combine(_root, "modules", "m.sh"), "live");
        var swap = RestoreSwap.Begin(_root, "43", ["config", "modules"]);
        Directory.CreateDirectory(Path.Combine(swap.NewTree, "config"));
        File.WriteAllText(Path.Combine(swap.NewTree, "config", "a.json"), "new");

        swap.Apply();
        swap.Commit();

        Assert.Equal("live", File.ReadAllText(Path.Combine(_root, "modules", "m.sh")));
        Assert.Equal("new", File.ReadAllText(Path.Combine(_root, "config", "a.json")));
    }

    [Fact]
    public void RestoreSwap_CrashBeforeCommit_IsRolledBackToTheOldTreeAtStartUp()
    {
        _root = Directory.CreateDirectory(_temp.Combine("target")).FullName;
        Directory.CreateDirectory(Path.Combine(_root, "config"));
        File.WriteAllText(Path.Combine(_root, "config", "a.json"), "old");
        var swap = RestoreSwap.Begin(_root, "42", ["config", "scripts"]);
        Directory.CreateDirectory(Path.Combine(swap.NewTree, "config"));
        File.WriteAllText(Path.Combine(swap.NewTree, "config", "a.json"), "new");
        swap.Apply();
        Assert.Equal("new", File.ReadAllText(Path.Combine(_root, "config", "a.json")));

        // The app dies here: no commit. The next start-up finds the journal.
        var done = RestoreSwap.RecoverAll(_root);

        Assert.Single(done);
        Assert.Equal("old", File.ReadAllText(Path.Combine(_root, "config", "a.json")));
        Assert.False(Directory.Exists(Path.Combine(_root, "scripts")));
        Assert.Equal(["config"], Directory.GetDirectories(_root).Select(Path.GetFileName));
        Assert.Empty(Directory.GetDirectories(_root, RestoreSwap.Prefix + "*"));
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

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }
}
