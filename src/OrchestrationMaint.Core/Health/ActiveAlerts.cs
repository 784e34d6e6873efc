using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrchestrationMaint.Core.Metrics;

namespace OrchestrationMaint.Core.Health;

public enum AlertSeverity
{
    Critical,
    Warning,
}

/// <param name="Key">Stable: success-rate, slow-operations, or check:KEY for a failing health check.</param>
/// <param name="ExpectedBecause">Set while a maintenance window is active: the alert is likely the work's doing, so it is shown as expected.</param>
public sealed record ActiveAlert(string Key, AlertSeverity Severity, string Title, string Message, string? ExpectedBecause = null);

/// <summary>
/// What needs attention right now, from the live figures (last 24 h, so it changes the moment the
/// file does) and the latest health checks (disk, backups, scripts, git, …).
/// </summary>
public static class ActiveAlerts
{
    /// <param name="expectedBecause">Why alerts are expected right now (an active maintenance window), or null.</param>
    public static IReadOnlyList<ActiveAlert> Compute(MetricsSummary last24Hours, Thresholds thresholds, IReadOnlyList<CheckResult> checks, string? expectedBecause = null)
    {
        var alerts = new List<ActiveAlert>();
        if (last24Hours.SuccessRate is { } rate && rate < thresholds.SuccessRateAlertPercent)
        {
            alerts.Add(new ActiveAlert("success-rate", AlertSeverity.Critical, "Success rate below threshold",
                $"{rate:0.00} % in the last 24 h ({last24Hours.Failures} failures), alert below {thresholds.SuccessRateAlertPercent:0.##} %."));
        }

        if (last24Hours.SlowOperations > 0)
        {
            alerts.Add(new ActiveAlert("slow-operations", AlertSeverity.Warning, "Slow operations",
                $"{last24Hours.SlowOperations} operation(s) took longer than {thresholds.SlowOperationSeconds:0.##} s in the last 24 h."));
        }

        // The metric checks are already covered by the live figures above.
        foreach (var check in checks.Where(c => c.Status != HealthStatus.Healthy && c.Key is not ("success-rate" or "slow-operations")))
        {
            alerts.Add(new ActiveAlert($"check:{check.Key}", check.Status == HealthStatus.Unhealthy ? AlertSeverity.Critical : AlertSeverity.Warning, check.Title, check.Message));
        }

        // Still listed and still red or amber: a window explains an alert, it does not make it go away.
        return [.. alerts.OrderBy(a => a.Severity).Select(a => a with { ExpectedBecause = expectedBecause })];
    }
}
