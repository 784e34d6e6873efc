using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrchestrationMaint.Core.Health;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Records.Checklist;
using OrchestrationMaint.Core.Reports;

namespace OrchestrationMaint.Core.Alerts;

/// <summary>A condition that holds right now. It becomes an <see cref="Alert"/> once it has held for its kind's hold time.</summary>
public sealed record AlertCondition(string Key, AlertKind Kind, AlertLevel Level, string Title, string Message);

/// <summary>A scheduled run whose schedule's newest finished run did not succeed.</summary>
public sealed record FailedScheduledRun(long ScheduleId, string ScheduleName, long RunId, string State, string? Summary, DateTimeOffset FinishedAt);

/// <summary>The rules: what in the live figures, checks, checklist and schedules is a condition worth an alert.</summary>
public static class AlertConditions
{
    /// <summary>Health checks the metric rules already cover with their own, sharper, figures.</summary>
    private static readonly HashSet<string> CoveredChecks = ["success-rate", "slow-operations"];

    /// <param name="last24Hours">The success rate is judged over the same 24 h the dashboard shows, so the alert and the figure agree.</param>
    /// <param name="recentSlow">Slow records, newest first; those within <paramref name="slowWithin"/> of <paramref name="now"/> count.</param>
    public static IEnumerable<AlertCondition> FromMetrics(MetricsSummary last24Hours, IReadOnlyList<KeptRecord> recentSlow, Thresholds thresholds, TimeSpan slowWithin, DateTimeOffset now)
    {
        if (last24Hours.SuccessRate is { } rate && rate < thresholds.SuccessRateAlertPercent)
        {
            var worst = last24Hours.Operations.Where(o => o.Failures > 0).MaxBy(o => o.Failures);
            yield return new AlertCondition("success-rate", AlertKind.SuccessRate, AlertLevel.Critical, "Success rate below threshold",
                $"{rate:0.00} % in the last 24 h ({last24Hours.Failures:N0} failures of {last24Hours.Successes + last24Hours.Failures:N0}), alert below {thresholds.SuccessRateAlertPercent:0.##} %."
                + (worst is null ? "" : $" Most failures: {worst.Operation} ({worst.Failures:N0})."));
        }

        var slow = recentSlow.Where(r => r.Timestamp > now - slowWithin).ToList();
        if (slow.Count > 0)
        {
            var slowest = slow.MaxBy(r => r.DurationSeconds)!;
            yield return new AlertCondition("slow-operations", AlertKind.SlowOperations, AlertLevel.Warning, "Slow operations",
                $"{slow.Count} operation(s) took longer than {thresholds.SlowOperationSeconds:0.##} s in the last {AlertKinds.Span(slowWithin)}; slowest {slowest.Operation} at {slowest.DurationSeconds:0.0} s.");
        }
    }

    /// <summary>Failing checks: disk and backups have their own kinds (and rules), every other check is a health-check alert.</summary>
    public static IEnumerable<AlertCondition> FromChecks(IEnumerable<CheckResult> checks) =>
        checks.Where(c => c.Status != HealthStatus.Healthy && !CoveredChecks.Contains(c.Key)).Select(c => new AlertCondition(
            c.Key switch { "disk" => "disk", "backups" => "backups", _ => $"check:{c.Key}" },
            c.Key switch { "disk" => AlertKind.DiskUsage, "backups" => AlertKind.BackupAge, _ => AlertKind.HealthCheck },
            c.Status == HealthStatus.Unhealthy ? AlertLevel.Critical : AlertLevel.Warning,
            c.Title,
            c.Remedy is { Length: > 0 } remedy ? $"{c.Message} {remedy}" : c.Message));

    /// <summary>
    /// The success-rate objective's budget burning too fast, after Google SRE's multiwindow alerts on the hours the figures
    /// keep: a warning when the last 6 h burn at <see cref="ErrorBudget.SlowBurn"/>× or more, critical when the current hour
    /// also burns at <see cref="ErrorBudget.FastBurn"/>× or more. One blip in a quiet hour cannot page anyone on its own.
    /// </summary>
    public static IEnumerable<AlertCondition> FromBudget(ErrorBudget budget)
    {
        if (budget.Burn6h.Rate is not { } sixHours || sixHours < ErrorBudget.SlowBurn)
        {
            yield break;
        }

        var fast = budget.Burn1h.Rate is { } hour && hour >= ErrorBudget.FastBurn;
        var outlook = budget.Outlook switch
        {
            BudgetOutlook.Exhausted => " The month's budget is already spent.",
            BudgetOutlook.RunsOut when budget.ExhaustsAt is { } at => $" At this pace it runs out {at:yyyy-MM-dd HH:mm} UTC.",
            _ => "",
        };
        yield return new AlertCondition("error-budget", AlertKind.ErrorBudgetBurn, fast ? AlertLevel.Critical : AlertLevel.Warning, $"Error budget burning ({budget.Month})",
            $"Failures spend the {budget.ObjectivePercent:0.##} % objective's budget {sixHours:0.#}× as fast as the month allows over the last 6 h"
            + (budget.Burn1h.Rate is { } rate ? $", {rate:0.#}× this hour." : ".") + outlook);
    }

    public static IEnumerable<AlertCondition> FromChecklist(ChecklistBoard board) =>
        board.Rows.Where(r => r.State == ChecklistState.Overdue).Select(r => new AlertCondition(
            $"checklist:{r.Item.Id}", AlertKind.ChecklistOverdue, AlertLevel.Warning, $"Checklist overdue: {r.Item.Title}",
            $"The {r.Item.Cadence.ToString().ToLowerInvariant()} item \"{r.Item.Title}\" was not done last period and is not done yet in this one."));

    public static IEnumerable<AlertCondition> FromSchedules(IEnumerable<FailedScheduledRun> failed) =>
        failed.Select(f => new AlertCondition(
            $"schedule:{f.ScheduleId}", AlertKind.ScheduledRunFailed, AlertLevel.Warning, $"Scheduled run failed: {f.ScheduleName}",
            $"Run #{f.RunId} of \"{f.ScheduleName}\" ended {f.State.ToLowerInvariant()}{(string.IsNullOrWhiteSpace(f.Summary) ? "." : $": {f.Summary.Trim().TrimEnd('.')}.")} The alert resolves when the schedule's next run succeeds."));
}

public static class AlertKinds
{
    /// <summary>The kind as people say it: "Success rate", "Scheduled run failed".</summary>
    public static string Label(this AlertKind kind) => kind switch
    {
        AlertKind.SuccessRate => "Success rate",
        AlertKind.SlowOperations => "Slow operations",
        AlertKind.DiskUsage => "Disk usage",
        AlertKind.BackupAge => "Backup age",
        AlertKind.HealthCheck => "Health check",
        AlertKind.ChecklistOverdue => "Checklist overdue",
        AlertKind.ScheduledRunFailed => "Scheduled run failed",
        AlertKind.ErrorBudgetBurn => "Error budget burn",
        _ => kind.ToString(),
    };

    /// <summary>"3 min", "2 h 5 min", "3 d 4 h": how long an alert fired, or a hold time.</summary>
    public static string Span(TimeSpan span) =>
        span.TotalMinutes < 1 ? $"{Math.Max(0, (int)span.TotalSeconds)} s"
        : span.TotalHours < 1 ? $"{(int)span.TotalMinutes} min"
        : span.TotalDays < 1 ? (span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min")
        : span.Hours == 0 ? $"{(int)span.TotalDays} d" : $"{(int)span.TotalDays} d {span.Hours} h";
}
