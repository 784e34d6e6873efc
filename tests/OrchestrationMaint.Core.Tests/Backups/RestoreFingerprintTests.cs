using OrchestrationMaint.Core.Backups;

namespace OrchestrationMaint.Core.Tests.Backups;

/// <summary>
/// A restore restores what the operator reviewed: the plan's fingerprint travels to the restore, which
/// refuses a backup that changed since, the seed's same-day overwrite (<c>tar -czf backup_$(date +%Y%m%d).tar.gz</c>) included.
/// </summary>
public sealed class RestoreFingerprintTests : IDisposable
{
    private readonly BackupHarness _harness = new();

    private static CancellationToken Token => BackupHarness.Token;

    private string Root => _harness.Root;

    /// <summary>The demo's hand-made archive at the target root, seed naming (<c>backup_YYYYmmdd.tar.gz</c>), no manifest.</summary>
    private static async Task<BackupRecord> HandMadeAsync(BackupService backups, BackupKind kind) =>
        (await backups.ListAsync(Token)).Single(b => b.Kind == kind && !b.RelativePath.StartsWith("backups/", StringComparison.Ordinal));

    /// <summary>The seed's "System State Backup", run again the same day: same name, new content, written in place.</summary>
    private Task SeedBackupAgainAsync(string name) => _harness.RunAsync("tar", "-czf", Path.Combine(Root, name), "-C", Root, "scripts/", "modules/", "config/");

    [Fact]
    public async Task Restore_HandMadeArchiveOverwrittenTheSameDayAfterThePlan_IsRefusedUntilReviewedAgain()
    {
        var backups = await _harness.StartAsync();
        var handMade = await HandMadeAsync(backups, BackupKind.SystemState);
        var plan = await backups.PlanRestoreAsync(handMade, Token);
        File.WriteAllText(_harness.ConfigFile, "{\"changed\": true}\n");
        await SeedBackupAgainAsync(handMade.Name);
        File.WriteAllText(_harness.ConfigFile, "{\"changed\": 2}\n");

        var refused = await backups.RestoreAsync(handMade, handMade.Name, plan.Fingerprint, "tester", 3, _harness.ConfigParses, _ => { }, Token);

        Assert.False(refused.Restored);
        Assert.Equal($"Refused: {handMade.Name} changed after you reviewed it: review the changes again. Nothing was changed.", refused.Summary);
        Assert.Equal("{\"changed\": 2}\n", File.ReadAllText(_harness.ConfigFile));
        Assert.DoesNotContain(await backups.ListAsync(Token), b => b.IsSafetyBackup);

        var reviewed = await backups.PlanRestoreAsync(handMade, Token);
        var restored = await backups.RestoreAsync(handMade, handMade.Name, reviewed.Fingerprint, "tester", 4, _harness.ConfigParses, _ => { }, Token);

        Assert.NotEqual(plan.Fingerprint, reviewed.Fingerprint);
        Assert.Contains(reviewed.Changes, c => c.Path == "config/distribution.json" && c.Diff!.Contains("+ {\"changed\": true}"));
        Assert.True(restored.Restored, restored.Summary);
        Assert.Equal("{\"changed\": true}\n", File.ReadAllText(_harness.ConfigFile));
    }

    [Fact]
    public async Task Restore_ArchiveOnlyTouchedAfterThePlan_IsRefused()
    {
        var backups = await _harness.StartAsync();
        var handMade = await HandMadeAsync(backups, BackupKind.SystemState);
        var plan = await backups.PlanRestoreAsync(handMade, Token);
        File.SetLastWriteTimeUtc(Path.Combine(Root, handMade.Name), DateTime.UtcNow);

        var refused = await backups.RestoreAsync(handMade, handMade.Name, plan.Fingerprint, "tester", 3, _harness.ConfigParses, _ => { }, Token);

        Assert.Contains("changed after you reviewed it", refused.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rewritten")]
    [InlineData("added")]
    [InlineData("touched")]
    public async Task Restore_HandMadeSnapshotChangedAfterThePlan_IsRefused(string change)
    {
        var backups = await _harness.StartAsync();
        var handMade = await HandMadeAsync(backups, BackupKind.ConfigurationSnapshot);
        var plan = await backups.PlanRestoreAsync(handMade, Token);
        var file = Path.Combine(Root, handMade.RelativePath, "distribution.json");
        var live = File.ReadAllText(_harness.ConfigFile) + " ";
        File.WriteAllText(_harness.ConfigFile, live);
        switch (change)
        {
            case "rewritten":
                File.WriteAllText(file, File.ReadAllText(file).Replace("\"", "'", StringComparison.Ordinal));
                break;
            case "added":
                File.WriteAllText(Path.Combine(Root, handMade.RelativePath, "new.json"), "{}");
                break;
            default:
                File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
                break;
        }

        var refused = await backups.RestoreAsync(handMade, handMade.Name, plan.Fingerprint, "tester", 3, _harness.ConfigParses, _ => { }, Token);

        Assert.Equal($"Refused: {handMade.Name} changed after you reviewed it: review the changes again. Nothing was changed.", refused.Summary);
        Assert.Equal(live, File.ReadAllText(_harness.ConfigFile));
    }

    [Theory]
    [InlineData(BackupKind.SystemState)]
    [InlineData(BackupKind.ConfigurationSnapshot)]
    public async Task Restore_UnchangedBackupWithThePlansFingerprint_Restores(BackupKind kind)
    {
        var backups = await _harness.StartAsync();
        var original = File.ReadAllText(_harness.ConfigFile);
        var backup = await backups.CreateAsync(kind, "tester", null, false, _ => { }, Token);
        File.WriteAllText(_harness.ConfigFile, "{}");

        var plan = await backups.PlanRestoreAsync(backup, Token);
        var again = await backups.PlanRestoreAsync(backup, Token);
        var outcome = await backups.RestoreAsync(backup, backup.Name, plan.Fingerprint, "tester", 3, _harness.ConfigParses, _ => { }, Token);

        Assert.Equal(plan.Fingerprint, again.Fingerprint);
        Assert.True(BackupFingerprint.IsWellFormed(plan.Fingerprint));
        Assert.True(outcome.Restored, outcome.Summary);
        Assert.Equal(original, File.ReadAllText(_harness.ConfigFile));
    }

    /// <summary>The window inside the restore: between its own verification and its extraction (here, while it runs the checks before).</summary>
    [Fact]
    public async Task Restore_ArchiveOverwrittenDuringTheRestore_IsNotExtractedAndTheTargetIsUnchanged()
    {
        var backups = await _harness.StartAsync();
        var handMade = await HandMadeAsync(backups, BackupKind.SystemState);
        File.WriteAllText(_harness.ConfigFile, "{\"live\": true}\n");
        var overwritten = false;

        async Task<IReadOnlyList<(string Key, bool Passed, string Message)>> Checks(CancellationToken ct)
        {
            if (!overwritten)
            {
                overwritten = true;
                File.WriteAllText(Path.Combine(Root, "config", "sneaked-in.json"), "{}");
                await SeedBackupAgainAsync(handMade.Name);
                File.Delete(Path.Combine(Root, "config", "sneaked-in.json"));
            }

            return await _harness.ConfigParses(ct);
        }

        var failed = await Assert.ThrowsAsync<BackupChangedException>(() => backups.RestoreAsync(handMade, handMade.Name, null, "tester", 3, Checks, _ => { }, Token));

        Assert.StartsWith($"{handMade.Name} changed after it was checked", failed.Message, StringComparison.Ordinal);
        Assert.Equal("{\"live\": true}\n", File.ReadAllText(_harness.ConfigFile));
        Assert.False(File.Exists(Path.Combine(Root, "config", "sneaked-in.json")));
        Assert.Empty(Directory.GetDirectories(Root, RestoreSwap.Prefix + "*"));
    }

    [Fact]
    public async Task Restore_FingerprintThatIsNotOne_IsRefused()
    {
        var backups = await _harness.StartAsync();
        var handMade = await HandMadeAsync(backups, BackupKind.SystemState);

        var refused = await backups.RestoreAsync(handMade, handMade.Name, "../../etc/passwd", "tester", 3, _harness.ConfigParses, _ => { }, Token);

        Assert.StartsWith("Refused: '../../etc/passwd' is not a backup fingerprint", refused.Summary, StringComparison.Ordinal);
    }

    public void Dispose() => _harness.Dispose();
}
