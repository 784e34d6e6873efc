using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Health;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Records.Checklist;

namespace OrchestrationMaint.Core.Alerts;

/// <summary>
/// Gathers the conditions that hold (figures, checks, checklist, schedules, the active maintenance window)
/// and hands them to the <see cref="AlertEngine"/>: every <see cref="AlertOptions.EvaluateEvery"/>, and a
/// moment after any of the sources changes, so an alert follows the metrics file within seconds.
/// </summary>
public sealed class AlertMonitor(
    AlertEngine engine,
    MetricsEngine metrics,
    ThresholdService thresholds,
    HealthMonitor health,
    Reports.ErrorBudgetService budgets,
    ChecklistQueries checklist,
    ChecklistStore checklistStore,
    MaintenanceWindows windows,
    TaskQueue queue,
    AlertQueries queries,
    IOptions<AlertOptions> options,
    TimeProvider clock,
    ILogger<AlertMonitor> logger) : BackgroundService
{
    /// <summary>Changes arrive in bursts (a script appending lines); one evaluation per burst is enough.</summary>
    public static readonly TimeSpan SettleDelay = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan DueSlack = TimeSpan.FromMilliseconds(50);

    private readonly SemaphoreSlim _one = new(1, 1);

    private TaskCompletionSource _replan = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The most slow records looked at for the slow-operations rule; more than that in the span is still one alert.</summary>
    private const int SlowRecordsLooked = 1000;

    /// <summary>Gathers the conditions and evaluates them once.</summary>
    /// <remarks>One at a time, gathering included: a reading taken earlier is never applied after a later one.</remarks>
    public async Task<int> EvaluateNowAsync(CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            return await GatherAndEvaluateAsync(cancellationToken);
        }
        finally
        {
            _one.Release();
        }
    }

    public override void Dispose()
    {
        _one.Dispose();
        base.Dispose();
    }

    private async Task<int> GatherAndEvaluateAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var conditions = new List<AlertCondition>();
        conditions.AddRange(AlertConditions.FromMetrics(
            metrics.Summarize(MetricsWindow.Last24Hours),
            metrics.SlowOperations(MetricsWindow.Last24Hours, null, SlowRecordsLooked),
            thresholds.Current,
            settings.SlowOperationsWithin,
            now));
        conditions.AddRange(AlertConditions.FromChecks(health.Results));
        if (settings.IsEnabled(AlertKind.ErrorBudgetBurn))
        {
            conditions.AddRange(AlertConditions.FromBudget(budgets.Current()));
        }

        if (settings.IsEnabled(AlertKind.ChecklistOverdue))
        {
            conditions.AddRange(AlertConditions.FromChecklist(await checklist.BoardAsync(cancellationToken)));
        }

        if (settings.IsEnabled(AlertKind.ScheduledRunFailed))
        {
            conditions.AddRange(AlertConditions.FromSchedules(await queries.FailedSchedulesAsync(cancellationToken)));
        }

        var explanation = windows.Active(now) is [var window, ..] ? $"Maintenance window #{window.Id}: {window.Description}" : null;
        return await engine.EvaluateAsync(conditions, explanation, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await metrics.FirstPollCompleted.WaitAsync(stoppingToken);
        using var soon = new Throttle(async () =>
        {
            await EvaluateSafelyAsync(stoppingToken);
            // The evaluation may have started a hold that ends before the loop's next look: have it look again.
            Interlocked.Exchange(ref _replan, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }, SettleDelay);
        using var onMetrics = metrics.Subscribe(soon.Request);
        using var onChecks = health.Subscribe(soon.Request);
        using var onWindows = windows.Subscribe(soon.Request);
        using var onChecklist = checklistStore.Subscribe(soon.Request);
        using var onRuns = queue.Subscribe(change =>
        {
            if (change.Trigger == RunTrigger.Schedule)
            {
                soon.Request();
            }
        });
        var every = options.Value.EvaluateEvery;
        while (!stoppingToken.IsCancellationRequested)
        {
            var replan = Volatile.Read(ref _replan).Task;
            await EvaluateSafelyAsync(stoppingToken);
            // At the hold's or clear time's end when that comes first (a little after: the timer may run early).
            var wait = engine.UntilNextDue is { } due && due < every ? due + DueSlack : every;
            await Task.WhenAny(Task.Delay(wait, clock, stoppingToken), replan);
        }
    }

    /// <summary>A failing evaluation (database locked, a source throwing) is logged and tried again next time; it never stops the monitor.</summary>
    private async Task EvaluateSafelyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EvaluateNowAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Alert evaluation failed; trying again at the next change or in {Interval}", options.Value.EvaluateEvery);
        }
    }
}
