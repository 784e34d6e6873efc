using System.Text.Json.Nodes;
using System.Text.Json;
using OrchestrationMaint.Core.Backups;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Core.Tasks.Config;
using OrchestrationMaint.Core.Tasks.Git;
using OrchestrationMaint.Core.Tasks.Logs;
using OrchestrationMaint.Core.Tasks.Permissions;
using OrchestrationMaint.Core.Tasks.Security;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Tasks;

public sealed class TaskTests
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<(TaskOutcome Outcome, List<string> Output)> RunAsync(IMaintenanceTask task, string root, JsonObject? parameters = null)
    {
        var arguments = TaskCatalog.Validate(task.Descriptor, parameters, out var errors);
        Assert.Empty(errors);
        var output = new List<string>();
        var outcome = await task.RunAsync(new TaskContext(1, root, arguments, output.Add, _ => { }), Token);
        return (outcome, output);
    }

    private static async Task<RunHistory> HistoryAsync(TempDirectory temp) =>
        new(await TestDatabase.MigratedAsync(temp.Combine("history.db")), TimeProvider.System);

    [Fact]
    public async Task LogCleanup_FromADryRun_RemovesExactlyItsListAndNotAFileThatAgedSince()
    {
        using var temp = new TempDirectory();
        var logs = Directory.CreateDirectory(temp.Combine("target", "logs")).FullName;
        var listed = Path.Combine(logs, "old.log");
        File.WriteAllText(listed, "listed\n");
        File.SetLastWriteTimeUtc(listed, DateTime.UtcNow.AddDays(-40));
        var database = await TestDatabase.MigratedAsync(temp.Combine("history.db"));
        var task = new LogCleanupTask(TimeProvider.System, new RunHistory(database, TimeProvider.System));
        var (dry, _) = await RunAsync(task, temp.Combine("target"), new JsonObject { ["dryRun"] = true });
        await using (var db = database.CreateDbContext())
        {
            db.Runs.Add(new TaskRun { TaskKey = "log-cleanup", RequestedBy = "t", State = RunState.Succeeded, Arguments = "{}", Result = JsonSerializer.Serialize(dry.Result, WebJson) });
            await db.SaveChangesAsync(Token);
        }

        // Aged past the limit after the operator saw the list: not on it, so not removed.
        var aged = Path.Combine(logs, "aged.log");
        File.WriteAllText(aged, "not listed\n");
        File.SetLastWriteTimeUtc(aged, DateTime.UtcNow.AddDays(-40));

        var (real, _) = await RunAsync(task, temp.Combine("target"), new JsonObject { ["dryRun"] = false, ["fromDryRun"] = 1 });
        var (notADryRun, _) = await RunAsync(task, temp.Combine("target"), new JsonObject { ["dryRun"] = false, ["fromDryRun"] = 99 });

        Assert.True(real.Succeeded, real.Summary);
        Assert.False(File.Exists(listed));
        Assert.True(File.Exists(aged));
        Assert.False(notADryRun.Succeeded);
        Assert.Contains("is not a finished log-cleanup dry run", notADryRun.Summary, StringComparison.Ordinal);
    }

    /// <summary>The backup service on a real SQLite file beside the target.</summary>
    private static async Task<BackupService> BackupsAsync(TempDirectory temp, string root)
    {
        var database = await TestDatabase.MigratedAsync(temp.Combine("maint.db"));
        return new BackupService(database, TestTarget.Location(root, temp.Path), Microsoft.Extensions.Options.Options.Create(new BackupOptions()), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<BackupService>.Instance);
    }

    private static async Task<string> GitAsync(string directory, params string[] arguments)
    {
        var result = await ScriptRunner.RunAsync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", .. arguments], directory, TimeSpan.FromMinutes(1), Token);
        Assert.True(result.Succeeded, result.Output);
        return result.Output;
    }

    [Fact]
    public async Task FixPermissions_ScriptsWithoutExecuteBit_SetsItAndNeverFollowsSymlinks()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("target");
        Directory.CreateDirectory(Path.Combine(root, "scripts"));
        Directory.CreateDirectory(Path.Combine(root, "modules"));
        var outside = temp.Combine("outside.sh");
        File.WriteAllText(outside, "echo outside");
        File.SetUnixFileMode(outside, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.CreateSymbolicLink(Path.Combine(root, "scripts", "link.sh"), outside);
        File.WriteAllText(Path.Combine(root, "scripts", "main.sh"), "echo main");
        File.SetUnixFileMode(Path.Combine(root, "scripts", "main.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.WriteAllText(Path.Combine(root, "modules", "ok.sh"), "true");
        File.SetUnixFileMode(Path.Combine(root, "modules", "ok.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var (outcome, output) = await RunAsync(new FixPermissionsTask(), root);

        Assert.True(outcome.Succeeded);
        Assert.Equal("-rwxr-xr-x", FileModes.Describe(Path.Combine(root, "scripts", "main.sh")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(outside));
        Assert.Contains(output, l => l.Contains("scripts/main.sh: -rw-r--r-- -> -rwxr-xr-x", StringComparison.Ordinal));
        Assert.Contains(outcome.Issues, i => i.Contains("scripts/link.sh is not a regular file", StringComparison.Ordinal));
        Assert.Equal("Made 1 script(s) executable.", outcome.Summary);
    }

    [Fact]
    public async Task LogCleanup_DryRunThenRealRun_RemoveExactlyTheListedOldFilesAndNeverTheLiveLogs()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("target");
        var logs = Path.Combine(root, "logs");
        Directory.CreateDirectory(Path.Combine(logs, "archive"));
        var old = DateTime.UtcNow.AddDays(-40);
        string[] oldFiles = ["performance.log.1", "archive/metrics-2026-09.jsonl.gz"];
        foreach (var name in oldFiles.Concat(LogCleanupTask.LiveFiles))
        {
            File.WriteAllText(Path.Combine(logs, name), new string('x', 1000));
            File.SetLastWriteTimeUtc(Path.Combine(logs, name), old);
        }

        File.WriteAllText(Path.Combine(logs, "recent.log"), "new");
        var task = new LogCleanupTask(TimeProvider.System, await HistoryAsync(temp));

        var (dry, dryOutput) = await RunAsync(task, root, new JsonObject { ["retentionDays"] = 30, ["dryRun"] = true });
        var listed = dryOutput.Where(l => l.Contains("would remove", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, listed.Count);
        Assert.All(oldFiles, f => Assert.True(File.Exists(Path.Combine(logs, f))));
        Assert.Contains("2 file(s) would be removed", dry.Summary, StringComparison.Ordinal);

        var (real, _) = await RunAsync(task, root, new JsonObject { ["retentionDays"] = 30, ["dryRun"] = false });

        Assert.True(real.Succeeded);
        Assert.All(oldFiles, f => Assert.False(File.Exists(Path.Combine(logs, f))));
        Assert.All(LogCleanupTask.LiveFiles, f => Assert.True(File.Exists(Path.Combine(logs, f))));
        Assert.True(File.Exists(Path.Combine(logs, "recent.log")));
    }

    [Fact]
    public async Task LogCleanup_FileAppendedAfterItWasListed_IsKeptWithItsNewLine()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("target");
        var logs = Path.Combine(root, "logs");
        Directory.CreateDirectory(logs);
        var rotated = Path.Combine(logs, "performance.log.1");
        File.WriteAllText(rotated, "old line\n");
        File.SetLastWriteTimeUtc(rotated, DateTime.UtcNow.AddDays(-40));
        var task = new LogCleanupTask(TimeProvider.System, await HistoryAsync(temp));
        var appended = false;
        var arguments = TaskCatalog.Validate(task.Descriptor, new JsonObject { ["dryRun"] = false }, out _);

        // The listing happens first; a script appends before the removal reaches the file.
        var outcome = await task.RunAsync(new TaskContext(1, root, arguments, line =>
        {
            if (!appended && line.Contains("file(s) in logs/", StringComparison.Ordinal))
            {
                File.AppendAllText(rotated, "appended meanwhile\n");
                appended = true;
            }
        }, _ => { }), Token);

        Assert.True(appended);
        Assert.True(outcome.Succeeded);
        Assert.Equal("old line\nappended meanwhile\n", File.ReadAllText(rotated));
        Assert.Contains(outcome.Issues, i => i.Contains("changed since it was listed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfigValidation_BrokenJson_NamesFileLineAndColumn()
    {
        using var temp = new TempDirectory();
        var config = temp.Combine("config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "default.json"), "{}");
        File.WriteAllText(Path.Combine(config, "distribution.json"), "{\n  \"a\": 1,\n  \"b\": ,\n}");

        var (outcome, output) = await RunAsync(new ConfigValidationTask(), temp.Path);

        Assert.Equal("config/distribution.json: invalid JSON at line 3, column 8", Assert.Single(outcome.Issues));
        Assert.Contains("[ ok ] config/default.json", output);
    }

    [Fact]
    public async Task RecreateConfig_DefaultMissing_RunsTheHelpRouteAndOnlyThen()
    {
        using var temp = new TempDirectory();
        var root = TestTarget.GenerateDemo(temp.Combine("demo"), records: 100);
        var defaultJson = Path.Combine(root, "config", "default.json");
        var distribution = File.ReadAllText(Path.Combine(root, "config", "distribution.json"));

        var (nothing, _) = await RunAsync(new RecreateConfigTask(), root);
        File.Delete(defaultJson);
        var (recreated, _) = await RunAsync(new RecreateConfigTask(), root);

        Assert.Equal("Nothing to do: the configuration files exist.", nothing.Summary);
        Assert.True(recreated.Succeeded, recreated.Summary);
        Assert.Equal("Recreated config/default.json.", recreated.Summary);
        Assert.True(File.Exists(defaultJson));
        Assert.Equal(distribution, File.ReadAllText(Path.Combine(root, "config", "distribution.json")));
    }

    [Fact]
    public async Task SystemUpdate_NewCommitOnOrigin_FastForwardsAfterASnapshot()
    {
        using var temp = new TempDirectory();
        var root = TestTarget.GenerateDemo(temp.Combine("demo"), records: 100);
        var origin = (await GitAsync(root, "remote", "get-url", "origin")).Trim();
        var other = temp.Combine("other");
        await GitAsync(temp.Path, "clone", "-q", origin, other);
        File.WriteAllText(Path.Combine(other, "scripts", "new_tool.sh"), "echo new\n");
        await GitAsync(other, "add", ".");
        await GitAsync(other, "commit", "-q", "-m", "Add a tool");
        await GitAsync(other, "push", "-q", "origin", "HEAD");

        var snapshotsBefore = Directory.GetDirectories(Path.Combine(root, "backups"), "config_backup_*");

        var (outcome, _) = await RunAsync(new SystemUpdateTask(await BackupsAsync(temp, root)), root);

        Assert.True(outcome.Succeeded, outcome.Summary);
        Assert.Contains("1 new commit(s)", outcome.Summary, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(root, "scripts", "new_tool.sh")));
        var snapshot = Assert.Single(Directory.GetDirectories(Path.Combine(root, "backups"), "config_backup_*").Except(snapshotsBefore));
        Assert.True(File.Exists(Path.Combine(snapshot, "default.json")));
    }

    [Fact]
    public async Task SystemUpdate_DirtyWorkingCopy_RefusesAndChangesNothing()
    {
        using var temp = new TempDirectory();
        var root = TestTarget.GenerateDemo(temp.Combine("demo"), records: 100);
        File.AppendAllText(Path.Combine(root, "scripts", "distribute-orchestration-files.sh"), "# local edit\n");
        var head = await GitAsync(root, "rev-parse", "HEAD");

        var (outcome, _) = await RunAsync(new SystemUpdateTask(await BackupsAsync(temp, root)), root);

        Assert.False(outcome.Succeeded);
        Assert.StartsWith("Refused: the working copy has 1 uncommitted change(s)", outcome.Summary, StringComparison.Ordinal);
        Assert.Equal(head, await GitAsync(root, "rev-parse", "HEAD"));
        Assert.Contains("# local edit", File.ReadAllText(Path.Combine(root, "scripts", "distribute-orchestration-files.sh")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SystemUpdate_DivergedHistory_RefusesWithoutMerging()
    {
        using var temp = new TempDirectory();
        var root = TestTarget.GenerateDemo(temp.Combine("demo"), records: 100);
        var origin = (await GitAsync(root, "remote", "get-url", "origin")).Trim();
        var other = temp.Combine("other");
        await GitAsync(temp.Path, "clone", "-q", origin, other);
        File.WriteAllText(Path.Combine(other, "remote.txt"), "r\n");
        await GitAsync(other, "add", ".");
        await GitAsync(other, "commit", "-q", "-m", "Remote change");
        await GitAsync(other, "push", "-q", "origin", "HEAD");
        File.WriteAllText(Path.Combine(root, "local.txt"), "l\n");
        await GitAsync(root, "add", "local.txt");
        await GitAsync(root, "commit", "-q", "-m", "Local change");
        var head = await GitAsync(root, "rev-parse", "HEAD");

        var (outcome, _) = await RunAsync(new SystemUpdateTask(await BackupsAsync(temp, root)), root);

        Assert.False(outcome.Succeeded);
        Assert.Contains("cannot be fast-forwarded", outcome.Summary, StringComparison.Ordinal);
        Assert.Equal(head, await GitAsync(root, "rev-parse", "HEAD"));
        Assert.False(File.Exists(Path.Combine(root, "remote.txt")));
    }

    [Fact]
    public async Task GitChecks_UnreachableOriginAndCorruptObject_AreBothReported()
    {
        using var temp = new TempDirectory();
        var root = TestTarget.GenerateDemo(temp.Combine("demo"), records: 100);
        var (healthy, _) = await RunAsync(new GitChecksTask(), root);
        await GitAsync(root, "remote", "set-url", "origin", temp.Combine("nowhere.git"));
        var blob = (await GitAsync(root, "rev-parse", "HEAD:scripts/distribute-orchestration-files.sh")).Trim();
        var objectPath = Path.Combine(root, ".git", "objects", blob[..2], blob[2..]);
        File.SetUnixFileMode(objectPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllBytes(objectPath, [1, 2, 3, 4]);

        var (broken, output) = await RunAsync(new GitChecksTask(), root);

        Assert.Empty(healthy.Issues);
        Assert.Contains(broken.Issues, i => i.StartsWith("origin is not reachable", StringComparison.Ordinal));
        Assert.Contains(broken.Issues, i => i.StartsWith("git fsck found damaged", StringComparison.Ordinal));
        Assert.Contains("$ git fsck --no-progress", output);
    }

    [Fact]
    public async Task ScriptSecurity_ScriptWithFindings_GroupsThemByFile()
    {
        Assert.NotNull(ScriptSecurityTask.FindOnPath("shellcheck"));
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("scripts"));
        File.WriteAllText(temp.Combine("scripts", "bad.sh"), "#!/bin/bash\nrm -rf $1/*\ncd $DIR\n");
        File.WriteAllText(temp.Combine("scripts", "good.sh"), "#!/bin/bash\necho \"ok\"\n");

        var (outcome, output) = await RunAsync(new ScriptSecurityTask(), temp.Path);

        Assert.True(outcome.Succeeded, outcome.Summary);
        Assert.Contains("scripts/good.sh: no findings", output);
        Assert.Contains(output, l => l.StartsWith("scripts/bad.sh: ", StringComparison.Ordinal) && l.Contains("finding(s)", StringComparison.Ordinal));
        Assert.Contains(output, l => l.Contains("SC2086", StringComparison.Ordinal));
        Assert.StartsWith("scripts/bad.sh:", Assert.Single(outcome.Issues), StringComparison.Ordinal);
    }

    [Fact]
    public void Catalog_DuplicateKeys_AreRefusedAtStartUp()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new TaskCatalog([new ConfigValidationTask(), new ConfigValidationTask()]));
        Assert.Contains("config-validation", ex.Message, StringComparison.Ordinal);
    }
}
