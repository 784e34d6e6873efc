using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrchestrationMaint.Core.Metrics;

namespace OrchestrationMaint.Core.Health;

public enum AlertSeverity
{
    Critical,
    Warning,
}

/// <param name="Key">Stable: success-rate, slow-operations, or check:KEY for a failing health check.</param>
public sealed record ActiveAlert(string Key, AlertSeverity Severity, string Title, string Message);

/// <summary>
/// What needs attention right now, from the live figures (last 24 h, so it changes the moment the
/// file does) and the latest health checks (disk, backups, scripts, git, …).
/// </summary>
public static class ActiveAlerts
{
    public static IReadOnlyList<ActiveAlert> Compute(MetricsSummary last24Hours, Thresholds thresholds, IReadOnlyList<CheckResult> checks)
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

        return [.. alerts.OrderBy(a => a.Severity)];
    }
}
