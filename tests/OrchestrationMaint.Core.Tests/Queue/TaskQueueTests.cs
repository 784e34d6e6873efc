using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Core.Tasks;

namespace OrchestrationMaint.Core.Tests.Queue;

public sealed class TaskQueueTests
{
    private static readonly string[] RacingKeys = ["restore", "cleanup", "look", "fix"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ProbeTask Quick(string key, bool exclusive = false) =>
        new(key, exclusive, (context, _) => { context.Log($"{key} ran"); return Task.FromResult(TaskOutcome.Success($"{key} done")); });

    [Fact]
    public async Task Enqueue_TenRapidRequestsForAnExclusiveTask_MakeOneRun()
    {
        var release = new TaskCompletionSource();
        await using var harness = await QueueHarness.StartAsync(new ProbeTask("restore", true, async (_, ct) => { await release.Task.WaitAsync(ct); return TaskOutcome.Success("ok"); }));

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => harness.Queue.EnqueueAsync("restore", null, harness.Tester, Token)));
        release.SetResult();

        Assert.Single(results.Select(r => r.Run!.Id).Distinct());
        Assert.Equal(9, results.Count(r => r.AlreadyActive));
        await harness.WaitFinishedAsync(results[0].Run!.Id);
        await using var db = harness.Database.CreateDbContext();
        Assert.Equal(1, await db.Runs.CountAsync(Token));
    }

    [Fact]
    public async Task Dispatch_RacingRequestsForExclusiveTasks_NeverOverlap()
    {
        var intervals = new ConcurrentBag<(string Key, DateTime Start, DateTime End)>();
        ProbeTask Exclusive(string key) => new(key, true, async (_, ct) =>
        {
            var start = DateTime.UtcNow;
            await Task.Delay(150, ct);
            intervals.Add((key, start, DateTime.UtcNow));
            return TaskOutcome.Success("ok");
        });
        await using var harness = await QueueHarness.StartAsync(Exclusive("restore"), Exclusive("cleanup"), Exclusive("fix"), Quick("look"));

        var runs = await Task.WhenAll(RacingKeys.Select(key => harness.EnqueueAsync(key)));
        foreach (var run in runs)
        {
            Assert.Equal(RunState.Succeeded, (await harness.WaitFinishedAsync(run.Id)).State);
        }

        var ordered = intervals.OrderBy(i => i.Start).ToList();
        Assert.Equal(3, ordered.Count);
        for (var i = 1; i < ordered.Count; i++)
        {
            Assert.True(ordered[i].Start >= ordered[i - 1].End, $"{ordered[i].Key} started before {ordered[i - 1].Key} ended");
        }
    }

    [Fact]
    public async Task Dispatch_ReadOnlyTasks_RunSideBySideUpToTheBound()
    {
        var running = 0;
        var peak = 0;
        var tasks = Enumerable.Range(0, 4).Select(i => new ProbeTask($"read-{i}", false, async (_, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(300, ct);
            Interlocked.Decrement(ref running);
            return TaskOutcome.Success("ok");
        })).ToArray<IMaintenanceTask>();
        await using var harness = await QueueHarness.StartAsync(new QueueOptions { MaxParallelReadOnly = 2 }, tasks);

        var runs = await Task.WhenAll(tasks.Select(t => harness.EnqueueAsync(t.Descriptor.Key)));
        foreach (var run in runs)
        {
            await harness.WaitFinishedAsync(run.Id);
        }

        Assert.Equal(2, peak);
    }

    [Fact]
    public async Task Cancel_QueuedRun_NeverStarts()
    {
        var release = new TaskCompletionSource();
        var started = 0;
        await using var harness = await QueueHarness.StartAsync(
            new ProbeTask("blocker", true, async (_, ct) => { await release.Task.WaitAsync(ct); return TaskOutcome.Success("ok"); }),
            new ProbeTask("waiting", false, (_, _) => { Interlocked.Increment(ref started); return Task.FromResult(TaskOutcome.Success("ok")); }));
        var blocker = await harness.EnqueueAsync("blocker");
        await harness.WaitForStateAsync(blocker.Id, s => s == RunState.Running);
        var waiting = await harness.EnqueueAsync("waiting");

        Assert.Equal(CancelResult.Cancelled, await harness.Queue.CancelAsync(waiting.Id, harness.Tester, Token));
        release.SetResult();
        await harness.WaitFinishedAsync(blocker.Id);

        var cancelled = await harness.WaitFinishedAsync(waiting.Id);
        Assert.Equal(RunState.Cancelled, cancelled.State);
        Assert.Null(cancelled.StartedAt);
        Assert.Equal(0, started);
    }

    [Fact]
    public async Task Cancel_RunningScriptWithASetsidGrandchild_StopsEveryProcessWithinSeconds()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"om-grandchild-{Guid.NewGuid():N}.pid");
        await using var harness = await QueueHarness.StartAsync(new ProbeTask("long", false, async (context, ct) =>
        {
            // The grandchild leaves the process group and the session: only the run's marker still finds it.
            var result = await ScriptRunner.RunAsync("bash", ["-c", $"setsid bash -c 'echo $$ > {pidFile}; sleep 300' & echo started; sleep 300"],
                context.Root, TimeSpan.FromMinutes(5), ct, onLine: context.Log);
            return TaskOutcome.Success(result.Output);
        }));
        var run = await harness.EnqueueAsync("long");
        await WaitUntilAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0);
        var grandchild = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(IsAlive(grandchild));

        var cancelledAt = DateTime.UtcNow;
        Assert.Equal(CancelResult.Stopping, await harness.Queue.CancelAsync(run.Id, harness.Tester, Token));
        var finished = await harness.WaitFinishedAsync(run.Id, TimeSpan.FromSeconds(15));

        Assert.Equal(RunState.Cancelled, finished.State);
        Assert.True(DateTime.UtcNow - cancelledAt < TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => !IsAlive(grandchild), TimeSpan.FromSeconds(5));
        Assert.Contains("started", finished.Output!.Text, StringComparison.Ordinal);
        File.Delete(pidFile);
    }

    [Fact]
    public async Task Execute_TaskThatThrows_FailsAndTheNextRunStillRuns()
    {
        await using var harness = await QueueHarness.StartAsync(new ProbeTask("broken", false, (_, _) => throw new InvalidOperationException("boom")), Quick("next"));
        var broken = await harness.EnqueueAsync("broken");
        var next = await harness.EnqueueAsync("next");

        var failed = await harness.WaitFinishedAsync(broken.Id);
        Assert.Equal(RunState.Failed, failed.State);
        Assert.Contains("boom", failed.Summary, StringComparison.Ordinal);
        Assert.Equal(RunState.Succeeded, (await harness.WaitFinishedAsync(next.Id)).State);
    }

    [Fact]
    public async Task Execute_TaskPastItsTimeout_FailsAsTimedOut()
    {
        await using var harness = await QueueHarness.StartAsync(new ProbeTask("slow", false, async (_, ct) => { await Task.Delay(Timeout.Infinite, ct); return TaskOutcome.Success("never"); }, TimeSpan.FromMilliseconds(300)));
        var run = await harness.EnqueueAsync("slow");

        var finished = await harness.WaitFinishedAsync(run.Id);

        Assert.Equal(RunState.Failed, finished.State);
        Assert.StartsWith("Timed out", finished.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_RunLeftRunning_BecomesInterruptedAndIsNotRunAgain()
    {
        var starts = 0;
        await using var harness = await QueueHarness.StartAsync(new ProbeTask("restore", true, async (context, ct) =>
        {
            Interlocked.Increment(ref starts);
            context.Log("restoring");
            await Task.Delay(Timeout.Infinite, ct);
            return TaskOutcome.Success("never");
        }));
        var run = await harness.EnqueueAsync("restore");
        await harness.WaitForStateAsync(run.Id, s => s == RunState.Running);
        // A crash leaves the row Running: simulate it by stopping and putting the row back as a crash would leave it.
        await harness.RestartAsync(async () =>
        {
            await using var db = harness.Database.CreateDbContext();
            await db.Runs.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RunState.Running), Token);
        });

        var interrupted = await harness.WaitFinishedAsync(run.Id);
        await Task.Delay(500, Token);

        Assert.Equal(RunState.Interrupted, interrupted.State);
        Assert.Equal(1, starts);
        await using var check = harness.Database.CreateDbContext();
        Assert.Contains(await check.MaintenanceRecords.ToListAsync(Token), r => r.RunId == run.Id && r.Outcome == "interrupted");
    }

    [Fact]
    public async Task Restart_WithQueuedRuns_RunsEachExactlyOnceInOrder()
    {
        var order = new ConcurrentQueue<string>();
        var release = new TaskCompletionSource();
        var tasks = new IMaintenanceTask[]
        {
            new ProbeTask("blocker", true, async (_, ct) => { await release.Task.WaitAsync(ct); return TaskOutcome.Success("ok"); }),
            new ProbeTask("first", true, (_, _) => { order.Enqueue("first"); return Task.FromResult(TaskOutcome.Success("ok")); }),
            new ProbeTask("second", false, (_, _) => { order.Enqueue("second"); return Task.FromResult(TaskOutcome.Success("ok")); }),
            new ProbeTask("third", true, (_, _) => { order.Enqueue("third"); return Task.FromResult(TaskOutcome.Success("ok")); }),
        };
        await using var harness = await QueueHarness.StartAsync(tasks);
        var blocker = await harness.EnqueueAsync("blocker");
        await harness.WaitForStateAsync(blocker.Id, s => s == RunState.Running);
        var queued = new[] { await harness.EnqueueAsync("first"), await harness.EnqueueAsync("second"), await harness.EnqueueAsync("third") };

        await harness.RestartAsync();
        foreach (var run in queued)
        {
            Assert.Equal(RunState.Succeeded, (await harness.WaitFinishedAsync(run.Id)).State);
        }

        await Task.Delay(300, Token);
        Assert.Equal(["first", "second", "third"], order.ToArray());
        Assert.Equal(RunState.Interrupted, (await harness.WaitFinishedAsync(blocker.Id)).State);
    }

    [Fact]
    public async Task Execute_OutputOverTheCap_IsCutAndMarked()
    {
        await using var harness = await QueueHarness.StartAsync(new QueueOptions { OutputCapChars = 1000 }, new ProbeTask("chatty", false, (context, _) =>
        {
            for (var i = 0; i < 1000; i++)
            {
                context.Log($"line {i}");
            }

            return Task.FromResult(TaskOutcome.Success("ok"));
        }));
        var run = await harness.WaitFinishedAsync((await harness.EnqueueAsync("chatty")).Id);

        Assert.True(run.OutputTruncated);
        Assert.True(run.Output!.Text.Length <= 1000 + ScriptRunner.TruncatedMark.Length + 1);
        Assert.EndsWith(ScriptRunner.TruncatedMark + "\n", run.Output.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finish_AnyRun_StoresAMaintenanceRecordAndAppendsMaintenanceLog()
    {
        await using var harness = await QueueHarness.StartAsync(new ProbeTask("review", false, (_, _) =>
            Task.FromResult(TaskOutcome.Success("found two", ["modules/b.sh not executable", "tab\there"]))));
        var run = await harness.WaitFinishedAsync((await harness.EnqueueAsync("review", requester: Actor.Scheduler("Daily"))).Id);

        Assert.Equal(2, run.IssuesFound);
        await using var db = harness.Database.CreateDbContext();
        var record = Assert.Single(await db.MaintenanceRecords.ToListAsync(Token));
        Assert.Equal(("review", "succeeded", "scheduler", run.Id), (record.Task, record.Outcome, record.RequestedBy, record.RunId!.Value));
        var line = Assert.Single(File.ReadAllLines(Path.Combine(harness.Root, "logs", "maintenance.log")));
        var fields = line.Split('\t');
        Assert.Equal(5, fields.Length);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", fields[0]);
        Assert.Equal(["review", "succeeded", "by=scheduler", "issues=modules/b.sh not executable; tab here"], fields[1..]);
    }

    [Fact]
    public async Task Enqueue_InvalidParameters_AreRefusedWithReasonsAndNothingIsStored()
    {
        await using var harness = await QueueHarness.StartAsync(new ProbeTask("cleanup", true, (_, _) => Task.FromResult(TaskOutcome.Success("ok")),
            parameters: [new TaskParameter("retentionDays", "Retention", ParameterKind.Number, JsonValue.Create(30), Min: 1, Max: 3650)]));

        var wrongType = await harness.Queue.EnqueueAsync("cleanup", new JsonObject { ["retentionDays"] = "thirty" }, harness.Tester, Token);
        var outOfRange = await harness.Queue.EnqueueAsync("cleanup", new JsonObject { ["retentionDays"] = 0 }, harness.Tester, Token);
        var unknown = await harness.Queue.EnqueueAsync("cleanup", new JsonObject { ["path"] = "/" }, harness.Tester, Token);
        var noSuchTask = await harness.Queue.EnqueueAsync("rm-rf", null, harness.Tester, Token);

        Assert.Contains("whole number", Assert.Single(wrongType.Errors), StringComparison.Ordinal);
        Assert.Contains("between 1 and 3650", Assert.Single(outOfRange.Errors), StringComparison.Ordinal);
        Assert.Contains("Unknown parameter 'path'", Assert.Single(unknown.Errors), StringComparison.Ordinal);
        Assert.Contains("no task 'rm-rf'", Assert.Single(noSuchTask.Errors), StringComparison.Ordinal);
        await using var db = harness.Database.CreateDbContext();
        Assert.Equal(0, await db.Runs.CountAsync(Token));
    }

    [Fact]
    public async Task Prune_RunsOlderThanTheRetention_AreDeletedWithTheirOutputAndRecordsStay()
    {
        await using var harness = await QueueHarness.StartAsync(Quick("look"));
        var old = await harness.WaitFinishedAsync((await harness.EnqueueAsync("look")).Id);
        var recent = await harness.WaitFinishedAsync((await harness.EnqueueAsync("look")).Id);
        await using (var db = harness.Database.CreateDbContext())
        {
            await db.Runs.Where(r => r.Id == old.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.QueuedAt, DateTimeOffset.UtcNow.AddDays(-200)), Token);
        }

        var deleted = await harness.History.PruneAsync(180, Token);

        Assert.Equal(1, deleted);
        await using var check = harness.Database.CreateDbContext();
        Assert.Equal([recent.Id], await check.Runs.Select(r => r.Id).ToListAsync(Token));
        Assert.Equal([recent.Id], await check.RunOutputs.Select(o => o.RunId).ToListAsync(Token));
        Assert.Equal(2, await check.MaintenanceRecords.CountAsync(Token));
    }

    private static bool IsAlive(int pid)
    {
        // A killed process may linger as a zombie until its parent reaps it; it no longer runs.
        var status = $"/proc/{pid}/status";
        return File.Exists(status) && !File.ReadAllLines(status).Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains('Z', StringComparison.Ordinal));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the condition.");
            await Task.Delay(50, Token);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
