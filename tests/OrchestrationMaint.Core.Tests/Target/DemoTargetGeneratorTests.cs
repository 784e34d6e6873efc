using System.Text;
using LibGit2Sharp;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Core.Target.Demo;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Target;

public sealed class DemoTargetGeneratorTests
{
    [Fact]
    public void Generate_FreshDirectory_ProducesEveryPartOfTheDocumentedLayout()
    {
        using var temp = new TempDirectory();
        var root = TestTarget.GenerateDemo(temp.Combine("demo"));

        var status = TestTarget.Inspector(root).Inspect();

        Assert.Null(status.Problem);
        Assert.Equal(HealthStatus.Healthy, status.Health);
        var notPresent = status.Entries.Where(e => e.Entry.Required && e.State != EntryState.Present).Select(e => $"{e.Entry.Path}: {e.Detail}");
        Assert.Empty(notPresent);
        foreach (var script in Directory.GetFiles(Path.Combine(root, "scripts")).Concat(Directory.GetFiles(Path.Combine(root, "modules"))))
        {
            Assert.True((File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0, $"{script} is not executable");
        }

        Assert.Equal(3, Directory.GetFiles(Path.Combine(root, ".context-control", "profiles")).Length);
        Assert.False(Directory.EnumerateDirectories(temp.Path, DemoTargetGenerator.StagingPrefix + "*").Any(), "staging directory left behind");
    }

    [Fact]
    public async Task Generate_GitWorkingCopy_IsCleanAndInSyncWithItsBareOrigin()
    {
        using var temp = new TempDirectory();
        var root = TestTarget.GenerateDemo(temp.Combine("demo"));

        using (var repo = new Repository(root))
        {
            Assert.Equal("main", repo.Head.FriendlyName);
            Assert.Equal(temp.Combine("demo", "origin.git"), repo.Network.Remotes["origin"].Url);
            Assert.Equal("origin/main", repo.Head.TrackedBranch.FriendlyName);
            Assert.Equal(0, repo.Head.TrackingDetails.AheadBy);
            // Logs are written while the dashboard runs; they must not make the working copy dirty.
            Assert.False(repo.RetrieveStatus().IsDirty);
            Assert.True(repo.Commits.Count() >= 3);
        }

        var lsRemote = await ScriptRunner.RunAsync("git", ["ls-remote", "--exit-code", "origin", "refs/heads/main"], root, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.True(lsRemote.ExitCode == 0, lsRemote.Output);
    }

    [Fact]
    public void Generate_MetricsFile_FollowsTheTargetSystemRules()
    {
        using var temp = new TempDirectory();
        var options = new DemoOptions();
        var started = DateTimeOffset.UtcNow;
        new DemoTargetGenerator(TimeProvider.System).Generate(temp.Combine("demo"), options);
        var bytes = File.ReadAllBytes(temp.Combine("demo", "target", "logs", "metrics.jsonl"));

        Assert.Equal((byte)'\n', bytes[^1]);
        int records = 0, blank = 0, failures = 0, successes = 0, slow = 0, other = 0;
        var malformed = new List<string>();
        DateTimeOffset first = DateTimeOffset.MaxValue, last = DateTimeOffset.MinValue;
        foreach (var line in Encoding.UTF8.GetString(bytes).TrimEnd('\n').Split('\n'))
        {
            var result = MetricLineParser.Parse(Encoding.UTF8.GetBytes(line));
            if (result.IsBlank)
            {
                blank++;
                continue;
            }

            if (result.Record is not { } record)
            {
                malformed.Add(result.Error!);
                continue;
            }

            records++;
            successes += record.Status == MetricStatus.Success ? 1 : 0;
            failures += record.Status == MetricStatus.Failure ? 1 : 0;
            other += record.Status == MetricStatus.Other ? 1 : 0;
            slow += record.DurationSeconds > 10 ? 1 : 0;
            first = record.Timestamp < first ? record.Timestamp : first;
            last = record.Timestamp > last ? record.Timestamp : last;
        }

        Assert.Equal(options.HistoryRecords, records);
        Assert.Equal(8, malformed.Count);
        Assert.Equal(2, blank);
        Assert.InRange(failures / (double)(successes + failures), 0.01, 0.06);
        Assert.InRange(slow / (double)records, 0.01, 0.08);
        Assert.InRange(other, 1, records / 100);
        Assert.InRange((last - first).TotalDays, options.HistoryDays - 1, options.HistoryDays);
        Assert.True(last <= DateTimeOffset.UtcNow && last >= started.AddMinutes(-5), $"newest record {last:O} is not recent");
    }

    [Fact]
    public void Generate_MetricsFile_MakesTheSeedsStringComparingAwkOverCountSlowOperations()
    {
        using var temp = new TempDirectory();
        var root = TestTarget.GenerateDemo(temp.Combine("demo"));
        var lines = File.ReadAllLines(Path.Combine(root, "logs", "metrics.jsonl"));

        // What awk -F'"duration_seconds": ' '$2 > 10' does: the field is not a pure number, so it compares strings.
        var awkCount = lines.Select(l => l.Split("\"duration_seconds\": ")).Count(f => f.Length > 1 && string.CompareOrdinal(f[1], "10") > 0);
        var numericCount = lines.Select(l => MetricLineParser.Parse(Encoding.UTF8.GetBytes(l)).Record).Count(r => r?.DurationSeconds > 10);

        Assert.InRange(awkCount / (double)numericCount, 8, 20);
    }

    [Fact]
    public async Task DemoScripts_ModuleLoadingTest_PassesThenNamesABrokenModule()
    {
        using var temp = new TempDirectory();
        var root = TestTarget.GenerateDemo(temp.Combine("demo"), records: 100);

        var healthy = await ScriptRunner.RunAsync("bash", ["scripts/test_module_loading.sh"], root, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.True(healthy.ExitCode == 0, healthy.Output);
        Assert.Contains("5 module(s) checked, 0 failed", healthy.Output, StringComparison.Ordinal);

        await File.AppendAllTextAsync(Path.Combine(root, "modules", "git_ops.sh"), "\nif then fi\n", TestContext.Current.CancellationToken);
        var broken = await ScriptRunner.RunAsync("bash", ["scripts/test_module_loading.sh"], root, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.NotEqual(0, broken.ExitCode);
        Assert.Contains("FAIL  git_ops.sh: Cannot source module", broken.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoScripts_Distribute_AppendsOneMetricRecordPerConfiguredTarget()
    {
        using var temp = new TempDirectory();
        var root = TestTarget.GenerateDemo(temp.Combine("demo"), records: 100);
        var metrics = Path.Combine(root, "logs", "metrics.jsonl");
        var before = File.ReadAllLines(metrics).Length;

        var run = await ScriptRunner.RunAsync("bash", ["scripts/distribute-orchestration-files.sh"], root, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 0, run.Output);
        var appended = File.ReadAllLines(metrics)[before..];
        Assert.Equal(16, appended.Length);
        Assert.All(appended, line =>
        {
            var record = MetricLineParser.Parse(Encoding.UTF8.GetBytes(line)).Record;
            Assert.NotNull(record);
            Assert.Equal("distribute", record.Operation);
            Assert.Equal(MetricStatus.Success, record.Status);
        });
    }

    [Fact]
    public async Task Initializer_DemoTargetDeleted_MakesItAgainOnStart()
    {
        using var temp = new TempDirectory();
        var location = TestTarget.Location(null, temp.Path);
        Directory.CreateDirectory(Path.Combine(location.DemoDirectory, "origin.git"));
        var initializer = new DemoTargetInitializer(location, new DemoTargetGenerator(TimeProvider.System),
            Microsoft.Extensions.Options.Options.Create(new DemoOptions { HistoryRecords = 10 }), Microsoft.Extensions.Logging.Abstractions.NullLogger<DemoTargetInitializer>.Instance);

        await initializer.StartAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, TestTarget.Inspector(location.Root).Inspect().Health);
    }

    [Fact]
    public void CleanStaging_LeftoverFromACrash_IsRemoved()
    {
        using var temp = new TempDirectory();
        var leftover = Directory.CreateDirectory(temp.Combine(DemoTargetGenerator.StagingPrefix + "crashed", "target")).FullName;
        File.WriteAllText(Path.Combine(leftover, "half.txt"), "x");

        DemoTargetGenerator.CleanStaging(temp.Combine("demo"));

        Assert.False(Directory.Exists(temp.Combine(DemoTargetGenerator.StagingPrefix + "crashed")));
    }
}
