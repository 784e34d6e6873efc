using LibGit2Sharp;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Health;
using OrchestrationMaint.Core.Health.Checks;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Health;

/// <summary>Each check on a real demo target (scripts, modules, git repository with a bare origin) that the test then breaks.</summary>
public sealed class TargetCheckTests : IDisposable
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly TempDirectory _temp = new();
    private readonly string _root;

    public TargetCheckTests() => _root = TestTarget.GenerateDemo(_temp.Combine("demo"), records: 200);

    private async Task<CheckOutcome> Run(ITargetCheck check) => await check.RunAsync(_root, Ct);

    private async Task<ThresholdService> ThresholdsAsync(Thresholds? thresholds = null)
    {
        var database = await TestDatabase.MigratedAsync(_temp.Combine("app.db"));
        var service = new ThresholdService(new SettingsStore(database, TimeProvider.System), database.Guard, database.Audit, Options.Create(new MetricsOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<ThresholdService>.Instance);
        if (thresholds is not null)
        {
            await service.UpdateAsync(thresholds, OrchestrationMaint.Core.Access.Actor.System, Ct);
        }

        return service;
    }

    [Fact]
    public async Task EveryFileCheck_DemoTarget_IsHealthy()
    {
        var thresholds = await ThresholdsAsync(new Thresholds(DiskWarningPercent: 100, DiskCriticalPercent: 100));
        ITargetCheck[] checks = [new MainScriptCheck(), new ModulesCheck(), new ModuleLoadingCheck(), new ConfigCheck(), new GitCheck(),
            new DiskCheck(thresholds), new LogsSizeCheck(), new BackupsCheck(thresholds, TimeProvider.System), new AccessProfilesCheck()];

        foreach (var check in checks)
        {
            var outcome = await Run(check);
            Assert.True(outcome.Status == HealthStatus.Healthy, $"{check.Key}: {outcome.Message}");
        }
    }

    [Fact]
    public async Task MainScript_NotExecutable_IsUnhealthyWithTheChmodFix()
    {
        File.SetUnixFileMode(Path.Combine(_root, "scripts", "distribute-orchestration-files.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var outcome = await Run(new MainScriptCheck());

        Assert.Equal(HealthStatus.Unhealthy, outcome.Status);
        Assert.Equal("Fix permissions: chmod +x scripts/distribute-orchestration-files.sh", outcome.Remedy);
    }

    [Fact]
    public async Task Modules_OneNotExecutable_IsDegradedAndNamesIt()
    {
        File.SetUnixFileMode(Path.Combine(_root, "modules", "metrics.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var outcome = await Run(new ModulesCheck());

        Assert.Equal(HealthStatus.Degraded, outcome.Status);
        Assert.Equal("1 of 5 modules not executable: metrics.sh.", outcome.Message);
        Assert.Contains("metrics.sh  -rw-------", outcome.Details!);
    }

    [Fact]
    public async Task ModuleLoading_BrokenModule_IsUnhealthyAndShowsTheScriptsOutput()
    {
        await File.AppendAllTextAsync(Path.Combine(_root, "modules", "config.sh"), "\nif then\n", Ct);

        var outcome = await Run(new ModuleLoadingCheck());

        Assert.Equal(HealthStatus.Unhealthy, outcome.Status);
        Assert.Contains("FAIL  config.sh: Cannot source module", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("5 module(s) checked, 1 failed", outcome.Details!);
    }

    [Fact]
    public async Task ModuleLoading_ScriptHangs_IsStoppedAndReported()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "scripts", "test_module_loading.sh"), "#!/usr/bin/env bash\necho starting\nsleep 120\n", Ct);

        var started = DateTime.UtcNow;
        var outcome = await Run(new ModuleLoadingCheck(TimeSpan.FromSeconds(2)));

        Assert.Equal(HealthStatus.Unhealthy, outcome.Status);
        Assert.Contains("did not finish in time", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("starting", outcome.Details!);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Config_InvalidJson_NamesFileLineAndColumn()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "config", "distribution.json"), "{\n  \"version\": \"2.4.1\",\n  \"targets\": [\"a\" \"b\"]\n}\n", Ct);

        var outcome = await Run(new ConfigCheck());

        Assert.Equal(HealthStatus.Unhealthy, outcome.Status);
        Assert.Equal("config/distribution.json: invalid JSON at line 3, column 19", outcome.Message);
        Assert.Contains("distribute-orchestration-files.sh --help", outcome.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_HugeOrBinaryFiles_AreReportedWithoutBeingLoaded()
    {
        using (var huge = File.Create(Path.Combine(_root, "config", "huge.json")))
        {
            huge.SetLength(3L * 1024 * 1024 * 1024);
        }

        await File.WriteAllBytesAsync(Path.Combine(_root, "config", "binary.json"), [0x7F, 0x45, 0x4C, 0x46, 0x00, 0x01], Ct);

        var outcome = await Run(new ConfigCheck());

        Assert.Equal(HealthStatus.Unhealthy, outcome.Status);
        Assert.Contains("config/binary.json: invalid JSON at line 1, column 1", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("config/huge.json: 3 GiB: far too large for a configuration file, not parsed", outcome.Details!);
    }

    [Fact]
    public async Task Config_DefaultMissing_IsNamed()
    {
        File.Delete(Path.Combine(_root, "config", "default.json"));

        var outcome = await Run(new ConfigCheck());

        Assert.Equal("config/default.json is missing", outcome.Message);
    }

    [Fact]
    public async Task Git_DirtyWorkingCopy_IsDegradedAndListsTheFiles()
    {
        await File.AppendAllTextAsync(Path.Combine(_root, "config", "default.json"), "\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(_root, "scripts", "new.sh"), "echo\n", Ct);

        var outcome = await Run(new GitCheck());

        Assert.Equal(HealthStatus.Degraded, outcome.Status);
        Assert.StartsWith("2 uncommitted change(s)", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("ModifiedInWorkdir: config/default.json", outcome.Details!);
        Assert.Contains("NewInWorkdir: scripts/new.sh", outcome.Details!);
    }

    [Fact]
    public async Task Git_OriginUnreachable_IsUnhealthy()
    {
        using (var repo = new Repository(_root))
        {
            repo.Network.Remotes.Update("origin", r => r.Url = _temp.Combine("no-such-origin.git"));
        }

        var outcome = await Run(new GitCheck());

        Assert.Equal(HealthStatus.Unhealthy, outcome.Status);
        Assert.StartsWith("origin is not reachable (git ls-remote exit", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("git ls-remote origin", outcome.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Git_NoOrigin_IsUnhealthy()
    {
        using (var repo = new Repository(_root))
        {
            repo.Network.Remotes.Remove("origin");
        }

        var outcome = await Run(new GitCheck());

        Assert.Equal("No remote named origin is configured.", outcome.Message);
    }

    [Fact]
    public async Task Git_CorruptedObject_IsUnhealthy()
    {
        string objectPath;
        using (var repo = new Repository(_root))
        {
            var sha = repo.Head.Tip["config/default.json"].Target.Sha;
            objectPath = Path.Combine(_root, ".git", "objects", sha[..2], sha[2..]);
        }

        File.SetUnixFileMode(objectPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllBytesAsync(objectPath, [0x78, 0x01, 0xde, 0xad, 0xbe, 0xef], Ct);

        var outcome = await Run(new GitCheck());

        Assert.Equal(HealthStatus.Unhealthy, outcome.Status);
        Assert.StartsWith("The object database is damaged", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Git_NotARepository_IsUnhealthy()
    {
        TestDirectories.DeleteTree(Path.Combine(_root, ".git"));

        var outcome = await Run(new GitCheck());

        Assert.Equal("The target is not a git working copy.", outcome.Message);
    }

    [Fact]
    public async Task Disk_UsageAboveTheCriticalThreshold_IsUnhealthy()
    {
        var outcome = await Run(new DiskCheck(await ThresholdsAsync(new Thresholds(DiskWarningPercent: 0.0001, DiskCriticalPercent: 0.0002))));

        Assert.Equal(HealthStatus.Unhealthy, outcome.Status);
        Assert.Matches(@"^\d+(\.\d)? % used, .+ free of .+", outcome.Message);
    }

    [Fact]
    public async Task Backups_OnlyOldOnes_IsDegraded()
    {
        TestDirectories.DeleteTree(Path.Combine(_root, "backups"));

        var outcome = await Run(new BackupsCheck(await ThresholdsAsync(), TimeProvider.System));

        Assert.Equal(HealthStatus.Degraded, outcome.Status);
        Assert.Matches(@"^Newest backup config_backup_\d{8}_\d{6} is 12 days old \(2 in all\)\.$", outcome.Message);
    }

    [Fact]
    public async Task AccessProfiles_GroupWritable_IsUnhealthyAndNamesIt()
    {
        File.SetUnixFileMode(Path.Combine(_root, ".context-control", "profiles", "operator.json"),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead);

        var outcome = await Run(new AccessProfilesCheck());

        Assert.Equal(HealthStatus.Unhealthy, outcome.Status);
        Assert.Equal("1 profile(s) writable by group or others: operator.json.", outcome.Message);
        Assert.Contains(outcome.Details!, d => d.StartsWith("-rw-rw-r--  ", StringComparison.Ordinal) && d.EndsWith("operator.json", StringComparison.Ordinal));
    }

    public void Dispose() => _temp.Dispose();
}
