using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Core.Tasks;

namespace OrchestrationMaint.Core.Queue;

/// <param name="Denied">Refused because of who asked (the errors say why), not because of what was asked.</param>
public sealed record EnqueueResult(TaskRun? Run, bool AlreadyActive, IReadOnlyList<string> Errors, bool Denied = false)
{
    public bool Accepted => Run is not null;
}

public enum CancelResult
{
    NotFound,
    AlreadyFinished,
    Cancelled,
    Stopping,
}

public sealed record RunChange(long RunId, string TaskKey, RunState State, RunTrigger Trigger, string RequestedBy);

/// <summary>
/// The durable task queue. A run is stored as Queued before anything else happens, so it shows at
/// once and survives a restart; one dispatcher starts runs strictly in order. Read-only tasks run
/// side by side (bounded); a task that changes the target runs alone: it waits for the running ones
/// and nothing starts beside it. A run found Running at start-up was cut off and becomes
/// Interrupted; it is never re-run by itself. Queued runs survive a restart and run once, in order.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is the task queue the issue and the UI talk about.")]
public sealed class TaskQueue(
    TaskCatalog catalog,
    IDbContextFactory<MaintenanceDbContext> contextFactory,
    TargetLocation location,
    MaintenanceRecorder recorder,
    AccessGuard guard,
    AuditLog audit,
    IOptions<QueueOptions> options,
    TimeProvider clock,
    ILogger<TaskQueue> logger) : BackgroundService
{
    private static readonly TimeSpan OutputSaveInterval = TimeSpan.FromSeconds(2);
    private static readonly JsonSerializerOptions ResultJson = new(JsonSerializerDefaults.Web);

    private readonly SemaphoreSlim _enqueueGate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0);
    private readonly ConcurrentDictionary<long, LiveRun> _running = new();
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private readonly Subscribers<RunChange> _subscribers = new(logger);
    private int _queued;

    /// <summary>Marks the processes runs start in this target, so a start-up after a crash can stop the ones left behind.</summary>
    private string ProcessOwner => $"task-queue:{location.Root}";

    /// <summary>Queued plus running: the app bar's badge.</summary>
    public int ActiveCount => _running.Count + Volatile.Read(ref _queued);

    public IDisposable Subscribe(Action<RunChange> onChange) => _subscribers.Add(onChange);

    /// <summary>Follows a running run's output: null when it is not running (its output is then in the database).</summary>
    public IDisposable? Watch(long runId, Action<string?> onLine, out IReadOnlyList<string> linesSoFar, out LiveRun? live)
    {
        if (_running.TryGetValue(runId, out live))
        {
            return live.Watch(onLine, out linesSoFar);
        }

        linesSoFar = [];
        return null;
    }

    /// <summary>A running run's output this instant (the stored copy lags by up to two seconds); null when it is not running.</summary>
    public string? LiveOutput(long runId) => _running.TryGetValue(runId, out var live) ? live.Text : null;

    /// <summary>Queues a run for the actor, if their role allows the task (checked here, audited either way).</summary>
    public async Task<EnqueueResult> EnqueueAsync(string taskKey, JsonObject? parameters, Actor actor, CancellationToken cancellationToken, long? scheduleId = null)
    {
        if (catalog.Find(taskKey) is not { } task)
        {
            return new EnqueueResult(null, false, [$"There is no task '{taskKey}'. Known tasks: {string.Join(", ", catalog.All.Select(t => t.Descriptor.Key))}."]);
        }

        var details = parameters?.ToJsonString();
        if (await guard.RefusalAsync(actor, task.Descriptor.RequiredRole, $"run {task.Descriptor.Title}", cancellationToken) is { } refusal)
        {
            await audit.WriteAsync(actor, "task.requested", AuditOutcome.Denied, taskKey, $"{refusal} Parameters: {details ?? "{}"}", cancellationToken);
            return new EnqueueResult(null, false, [refusal], Denied: true);
        }

        var arguments = TaskCatalog.Validate(task.Descriptor, parameters, out var errors);
        if (errors.Count > 0)
        {
            await audit.WriteAsync(actor, "task.requested", AuditOutcome.Failed, taskKey, $"{string.Join(" ", errors)} Parameters: {details ?? "{}"}", cancellationToken);
            return new EnqueueResult(null, false, errors);
        }

        var json = arguments.ToJson();
        var exclusive = task.Descriptor.ChangesTarget;
        TaskRun run;
        // One enqueue at a time: two racing requests for the same task cannot both miss each other's run.
        await _enqueueGate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            // Ten clicks make one run: the same request (task and arguments) is not queued again while the
            // first is pending. A different request (a real cleanup after a dry run) is queued behind it:
            // the exclusive lock, not this check, keeps target-changing runs from overlapping.
            var existing = await db.Runs.AsNoTracking()
                .Where(r => r.TaskKey == taskKey && (r.State == RunState.Queued || r.State == RunState.Running) && r.Arguments == json)
                .OrderBy(r => r.Id)
                .FirstOrDefaultAsync(cancellationToken);
            if (existing is not null)
            {
                // Recorded too: the trail shows every request, also one that joined a run already waiting or running.
                await audit.WriteAsync(actor, "task.requested", AuditOutcome.Succeeded, taskKey,
                    $"joined run #{existing.Id}, already {existing.State.ToString().ToLowerInvariant()}; parameters: {json}", CancellationToken.None);
                return new EnqueueResult(existing, true, []);
            }

            run = new TaskRun
            {
                TaskKey = taskKey,
                Arguments = json,
                Trigger = TriggerOf(actor),
                RequestedBy = actor.Name,
                ScheduleId = scheduleId,
                Exclusive = exclusive,
                State = RunState.Queued,
                QueuedAt = clock.GetUtcNow(),
                Output = new RunOutput(),
            };
            db.Runs.Add(run);
            // Past this point the run exists: a client going away must not leave the count behind.
            await db.SaveChangesAsync(CancellationToken.None);
            Interlocked.Increment(ref _queued);
        }
        finally
        {
            _enqueueGate.Release();
        }

        logger.LogInformation("Run {RunId} of {Task} queued by {Actor}", run.Id, taskKey, actor.Display);
        await audit.WriteAsync(actor, "task.requested", AuditOutcome.Succeeded, taskKey, $"run #{run.Id}; parameters: {json}", CancellationToken.None);
        run.Output = null;
        Notify(run);
        _wake.Release();
        return new EnqueueResult(run, false, []);
    }

    /// <summary>Cancels a run: Operators and Admins, checked here and audited.</summary>
    /// <exception cref="AccessDeniedException">A Viewer (or a revoked key) asked.</exception>
    public async Task<CancelResult> CancelAsync(long runId, Actor actor, CancellationToken cancellationToken)
    {
        await guard.RequireAsync(actor, Role.Operator, "task.cancelled", "cancel runs", $"run #{runId}", cancellationToken);
        var result = await CancelCoreAsync(runId, actor.Display, cancellationToken);
        await audit.WriteAsync(actor, "task.cancelled", result is CancelResult.Cancelled or CancelResult.Stopping ? AuditOutcome.Succeeded : AuditOutcome.Failed,
            $"run #{runId}", result.ToString(), CancellationToken.None);
        return result;
    }

    private async Task<CancelResult> CancelCoreAsync(long runId, string cancelledBy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var cancelled = await db.Runs
            .Where(r => r.Id == runId && r.State == RunState.Queued)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, RunState.Cancelled)
                .SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.Summary, $"Cancelled by {cancelledBy} before it started."), cancellationToken);
        if (cancelled == 1)
        {
            Interlocked.Decrement(ref _queued);
            var run = await db.Runs.AsNoTracking().FirstAsync(r => r.Id == runId, cancellationToken);
            Notify(run);
            _wake.Release();
            return CancelResult.Cancelled;
        }

        // The dispatcher registers a live run before it claims it, so a run that is no longer queued is found here.
        if (_running.TryGetValue(runId, out var live))
        {
            live.CancelledBy ??= cancelledBy;
            try
            {
                await live.Cancellation.CancelAsync();
                return CancelResult.Stopping;
            }
            catch (ObjectDisposedException)
            {
                // It finished while we looked.
                return CancelResult.AlreadyFinished;
            }
        }

        return await db.Runs.AnyAsync(r => r.Id == runId, cancellationToken) ? CancelResult.AlreadyFinished : CancelResult.NotFound;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RecoverAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Runs left Running by a crash become Interrupted (and get their record); queued ones wait for the dispatcher.</summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var interrupted = await db.Runs.Where(r => r.State == RunState.Running).ToListAsync(cancellationToken);
        foreach (var run in interrupted)
        {
            run.State = RunState.Interrupted;
            run.FinishedAt = now;
            run.Summary = "The app stopped while this run was running. It was not run again: check the target, then start it again if needed.";
        }

        await db.SaveChangesAsync(cancellationToken);
        if (ScriptRunner.KillOwnedBy(ProcessOwner) is > 0 and var leftovers)
        {
            logger.LogWarning("Stopped {Count} process(es) that runs cut off by the last stop had left running", leftovers);
        }

        foreach (var run in interrupted)
        {
            logger.LogWarning("Run {RunId} of {Task} was interrupted by a restart", run.Id, run.TaskKey);
            await RecordAsync(run, [], cancellationToken);
        }

        _queued = await db.Runs.CountAsync(r => r.State == RunState.Queued, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchAsync(stoppingToken);
                // Woken by an enqueue, a cancel or a finished run; the timeout is only a safety net.
                await _wake.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The task dispatcher failed; retrying in 5 seconds");
                await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(5), stoppingToken));
            }
        }

        // Let the running ones see the stop and store themselves as Interrupted.
        await Task.WhenAny(Task.WhenAll(_inFlight.Values), Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None));
    }

    private async Task DispatchAsync(CancellationToken stoppingToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(stoppingToken);
        var queued = await db.Runs.AsNoTracking()
            .Where(r => r.State == RunState.Queued)
            .OrderBy(r => r.Id)
            .Take(options.Value.MaxParallelReadOnly + 1)
            .ToListAsync(stoppingToken);
        foreach (var run in queued)
        {
            var exclusiveRunning = _running.Values.Any(r => r.Exclusive);
            var readOnlyRunning = _running.Values.Count(r => !r.Exclusive);
            var canStart = run.Exclusive ? _running.IsEmpty : !exclusiveRunning && readOnlyRunning < options.Value.MaxParallelReadOnly;
            if (!canStart)
            {
                // Strictly in order: nothing overtakes a run that has to wait.
                return;
            }

            var live = new LiveRun(options.Value.OutputCapChars, logger) { Exclusive = run.Exclusive };
            _running[run.Id] = live;
            var startedAt = clock.GetUtcNow();
            int claimed;
            try
            {
                claimed = await db.Runs
                    .Where(r => r.Id == run.Id && r.State == RunState.Queued)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RunState.Running).SetProperty(r => r.StartedAt, startedAt), stoppingToken);
            }
            catch
            {
                // A busy database must not leave a phantom run holding the exclusive lock.
                _running.TryRemove(run.Id, out _);
                live.Dispose();
                throw;
            }

            if (claimed == 0)
            {
                // Cancelled between the query and the claim.
                _running.TryRemove(run.Id, out _);
                live.Dispose();
                continue;
            }

            Interlocked.Decrement(ref _queued);
            run.State = RunState.Running;
            run.StartedAt = startedAt;
            Notify(run);
            await audit.WriteAsync(ActorOf(run), "task.started", AuditOutcome.Succeeded, run.TaskKey, $"run #{run.Id}", CancellationToken.None);
            var execution = Task.Run(() => ExecuteRunAsync(run, live, stoppingToken), CancellationToken.None);
            _inFlight[run.Id] = execution;
            // Removed by a continuation, not by the run itself: a run can end before it was added here.
            _ = execution.ContinueWith(_ => _inFlight.TryRemove(run.Id, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ExecuteRunAsync(TaskRun run, LiveRun live, CancellationToken stoppingToken)
    {
        var task = catalog.Find(run.TaskKey);
        var timeout = task?.Descriptor.Timeout ?? TimeSpan.FromMinutes(1);
        using var deadline = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(live.Cancellation.Token, deadline.Token, stoppingToken);
        using var saving = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var saver = SaveOutputPeriodicallyAsync(run.Id, live, saving.Token);
        IReadOnlyList<string> issues = [];
        object? result = null;
        try
        {
            if (task is null)
            {
                throw new InvalidOperationException($"The task '{run.TaskKey}' no longer exists in this version of the app.");
            }

            var context = new TaskContext(run.Id, location.Root, TaskArguments.FromJson(run.Arguments), live.Append, live.ReportProgress);
            ScriptRunner.Owner.Value = ProcessOwner;
            var outcome = await task.RunAsync(context, linked.Token);
            run.State = outcome.Succeeded ? RunState.Succeeded : RunState.Failed;
            run.Summary = outcome.Summary;
            issues = outcome.Issues;
            result = outcome.Result;
        }
        catch (Exception ex) when (linked.IsCancellationRequested)
        {
            (run.State, run.Summary) =
                live.Cancellation.IsCancellationRequested ? (RunState.Cancelled, $"Cancelled by {live.CancelledBy}; every process it started was stopped.")
                : deadline.IsCancellationRequested ? (RunState.Failed, $"Timed out after {timeout.TotalSeconds:0} s; every process it started was stopped.")
                : (RunState.Interrupted, "The app stopped during this run. It was not run again: check the target, then start it again if needed.");
            logger.LogInformation("Run {RunId} of {Task} ended {State}: {Reason}", run.Id, run.TaskKey, run.State, ex.GetType().Name);
        }
        catch (Exception ex)
        {
            // One task that throws never stops the worker: it fails, and the next run starts.
            run.State = RunState.Failed;
            run.Summary = $"The task stopped with an error: {ex.Message}";
            logger.LogError(ex, "Run {RunId} of {Task} threw", run.Id, run.TaskKey);
        }

        await saving.CancelAsync();
        await saver;
        // A run left Running in the database would block its task until a restart: try hard to store the end.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await FinishAsync(run, live, issues, result);
                break;
            }
            catch (Exception ex) when (attempt < 5)
            {
                logger.LogWarning(ex, "Storing the end of run {RunId} failed (attempt {Attempt}); retrying", run.Id, attempt);
                await Task.Delay(TimeSpan.FromSeconds(attempt), CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Run {RunId} of {Task} ended {State} but could not be stored; it will show as Interrupted after a restart", run.Id, run.TaskKey, run.State);
                break;
            }
        }

        _running.TryRemove(run.Id, out _);
        live.Dispose();
        Notify(run);
        _wake.Release();
    }

    private async Task FinishAsync(TaskRun run, LiveRun live, IReadOnlyList<string> issues, object? result)
    {
        run.FinishedAt = clock.GetUtcNow();
        run.Summary = TextRules.Clip(run.Summary ?? "", 2000);
        run.IssuesFound = issues.Count;
        run.Issues = TextRules.Clip(string.Join('\n', issues.Select(i => i.ReplaceLineEndings(" "))), 8000);
        run.Result = result is null ? null : JsonSerializer.Serialize(result, result.GetType(), ResultJson);
        run.OutputTruncated = live.Truncated;
        await using (var db = await contextFactory.CreateDbContextAsync(CancellationToken.None))
        {
            // One transaction: nobody reads a finished run whose output is not stored yet, and a crash between the two keeps neither.
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            await db.Runs.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, run.State)
                .SetProperty(r => r.FinishedAt, run.FinishedAt)
                .SetProperty(r => r.Summary, run.Summary)
                .SetProperty(r => r.IssuesFound, run.IssuesFound)
                .SetProperty(r => r.Issues, run.Issues)
                .SetProperty(r => r.Result, run.Result)
                .SetProperty(r => r.OutputTruncated, run.OutputTruncated));
            var text = live.Text;
            await db.RunOutputs.Where(o => o.RunId == run.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.Text, text));
            await transaction.CommitAsync(CancellationToken.None);
        }

        // Stored as finished: from here a cancel is answered "already finished", and pages read the stored output.
        _running.TryRemove(run.Id, out _);

        logger.LogInformation("Run {RunId} of {Task} {State}: {Summary}", run.Id, run.TaskKey, run.State, run.Summary);
        await audit.WriteAsync(ActorOf(run), "task.finished", run.State == RunState.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Failed, run.TaskKey,
            $"run #{run.Id} {run.State}: {run.Summary}", CancellationToken.None);
        try
        {
            await RecordAsync(run, issues, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The run itself is stored; a retry must not store it twice.
            logger.LogError(ex, "Run {RunId} finished, but its maintenance record could not be written", run.Id);
        }
    }

    private Task RecordAsync(TaskRun run, IReadOnlyList<string> issues, CancellationToken cancellationToken) =>
        recorder.RecordAsync(new MaintenanceRecord
        {
            At = run.FinishedAt ?? clock.GetUtcNow(),
            Task = run.TaskKey,
            Outcome = run.State.ToString().ToLowerInvariant(),
            // The seed's own example writes by=scheduler for scheduled work.
            RequestedBy = run.Trigger == RunTrigger.Schedule ? "scheduler" : ActorOf(run).Display,
            Issues = TextRules.Clip(string.Join("; ", issues), 4000),
            Summary = run.Summary,
            RunId = run.Id,
        }, cancellationToken);

    /// <summary>Saves the output so far every few seconds, so a crash mid-run leaves what it printed.</summary>
    private async Task SaveOutputPeriodicallyAsync(long runId, LiveRun live, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(OutputSaveInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (!live.TakeUnsaved())
                {
                    continue;
                }

                var text = live.Text;
                await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
                await db.RunOutputs.Where(o => o.RunId == runId).ExecuteUpdateAsync(s => s.SetProperty(o => o.Text, text), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not save the output of run {RunId} so far", runId);
        }
    }

    private static RunTrigger TriggerOf(Actor actor) => actor.Kind switch
    {
        ActorKind.User => RunTrigger.User,
        ActorKind.ApiKey => RunTrigger.Api,
        ActorKind.Scheduler => RunTrigger.Schedule,
        _ => RunTrigger.System,
    };

    /// <summary>Who asked for a stored run, as far as the run remembers (its name, not the account id).</summary>
    private static Actor ActorOf(TaskRun run) => new(run.Trigger switch
    {
        RunTrigger.User or RunTrigger.Incident => ActorKind.User,
        RunTrigger.Api => ActorKind.ApiKey,
        RunTrigger.Schedule => ActorKind.Scheduler,
        _ => ActorKind.System,
    }, "", run.RequestedBy);

    private void Notify(TaskRun run) => _subscribers.Notify(new RunChange(run.Id, run.TaskKey, run.State, run.Trigger, run.RequestedBy));

    public override void Dispose()
    {
        _enqueueGate.Dispose();
        _wake.Dispose();
        base.Dispose();
    }
}
