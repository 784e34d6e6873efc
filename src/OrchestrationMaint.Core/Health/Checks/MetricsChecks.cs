using OrchestrationMaint.Core.Metrics;

namespace OrchestrationMaint.Core.Health.Checks;

/// <summary>The scripts are still writing metrics: the age of the newest record.</summary>
public sealed class MetricsFreshnessCheck(MetricsEngine engine, TimeProvider clock) : ITargetCheck
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);
    public static readonly TimeSpan DeadAfter = TimeSpan.FromHours(24);

    public string Key => "metrics-freshness";

    public bool FollowsMetrics => true;

    public string Title => "Metrics freshness";

    public async Task<CheckOutcome> RunAsync(string root, CancellationToken cancellationToken)
    {
        await engine.FirstPollCompleted.WaitAsync(cancellationToken);
        if (engine.FileStatus.State is not (MetricsFileState.Reading or MetricsFileState.NotChecked))
        {
            return CheckOutcome.Unhealthy(engine.FileStatus.Message, "Check that the distribution scripts run and can write logs/metrics.jsonl.");
        }

        var last = engine.Summarize(MetricsWindow.All).LastRecordAt;
        if (last is null)
        {
            return CheckOutcome.Degraded("logs/metrics.jsonl holds no records yet.", "Run the distribution once: bash scripts/distribute-orchestration-files.sh");
        }

        var age = clock.GetUtcNow() - last.Value;
        var message = $"Newest record is {BackupsCheck.FormatAge(age)} old ({last:yyyy-MM-dd HH:mm:ss} UTC).";
        const string Remedy = "Check that the scheduled distribution runs (cron) and that logs/ is writable.";
        return age > DeadAfter ? CheckOutcome.Unhealthy(message, Remedy)
            : age > StaleAfter ? CheckOutcome.Degraded(message, Remedy)
            : CheckOutcome.Healthy(message);
    }
}

/// <summary>Success rate over the last 24 hours against the alert threshold (seed: below 95 %).</summary>
public sealed class SuccessRateCheck(MetricsEngine engine, ThresholdService thresholds) : ITargetCheck
{
    public string Key => "success-rate";

    public bool FollowsMetrics => true;

    public string Title => "Success rate (24 h)";

    public async Task<CheckOutcome> RunAsync(string root, CancellationToken cancellationToken)
    {
        await engine.FirstPollCompleted.WaitAsync(cancellationToken);
        var summary = engine.Summarize(MetricsWindow.Last24Hours);
        var threshold = thresholds.Current.SuccessRateAlertPercent;
        if (summary.SuccessRate is not { } rate)
        {
            return CheckOutcome.Healthy("No successes or failures in the last 24 h: no rate to judge (see metrics freshness).");
        }

        var failing = summary.Operations.Where(o => o.Failures > 0).OrderByDescending(o => o.Failures)
            .Select(o => $"{o.Operation}: {o.Failures} failure(s) of {o.Count}").ToList();
        var message = $"{rate:0.00} % of {summary.Successes + summary.Failures} operations succeeded (alert below {threshold:0.##} %).";
        return rate < threshold
            ? CheckOutcome.Unhealthy(message, "Look at the failures' errors: they name the cause (git remote, modules, configuration).", failing)
            : CheckOutcome.Healthy(message, failing);
    }
}

/// <summary>
/// Operations over the slow threshold in the last 24 hours. Some slow runs are normal (large
/// distributions), so the check turns amber only when more than 5 % of operations are slow.
/// </summary>
public sealed class SlowOperationsCheck(MetricsEngine engine) : ITargetCheck
{
    public const double DegradedShare = 0.05;

    public string Key => "slow-operations";

    public bool FollowsMetrics => true;

    public string Title => "Slow operations (24 h)";

    public async Task<CheckOutcome> RunAsync(string root, CancellationToken cancellationToken)
    {
        await engine.FirstPollCompleted.WaitAsync(cancellationToken);
        var summary = engine.Summarize(MetricsWindow.Last24Hours);
        var details = summary.Operations.Where(o => o.Slow > 0).OrderByDescending(o => o.Slow)
            .Select(o => $"{o.Operation}: {o.Slow} slow, p95 {o.P95:0.0} s, max {o.Max:0.0} s").ToList();
        var message = $"{summary.SlowOperations} of {summary.Records} operations took longer than {engine.SlowThresholdSeconds:0.##} s.";
        return summary.Records > 0 && summary.SlowOperations > DegradedShare * summary.Records
            ? CheckOutcome.Degraded(message, "Find the bottleneck on the dashboard's per-operation table (p95); check the remote and the targets' load.", details)
            : CheckOutcome.Healthy(message, details);
    }
}
