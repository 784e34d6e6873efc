using System.Globalization;
using System.Text.Json.Nodes;
using OrchestrationMaint.Core.Metrics;

namespace OrchestrationMaint.Core.Tasks.Performance;

/// <summary>
/// The seed's weekly "Performance Analysis" (<c>detailed_reporter.sh weekly</c>), natively: the period's
/// success rate against the previous period, the slowest and the most failing operations, from the
/// same exact figures as the dashboard.
/// </summary>
public sealed class PerformanceAnalysisTask(MetricsEngine metrics, ThresholdService thresholds, TimeProvider clock) : IMaintenanceTask
{
    public TaskDescriptor Descriptor { get; } = new(
        "performance-analysis", "Performance analysis",
        "Success rate of the period compared with the one before, the slowest operations (p95) and the most failing ones.",
        TaskCadence.Weekly, ChangesTarget: false, TimeSpan.FromMinutes(2),
        [new TaskParameter("period", "Period", ParameterKind.Text, JsonValue.Create("week"), "week: the last 7 days; month: the last 30 days.", Choices: ["week", "month"])],
        "bash scripts/detailed_reporter.sh weekly");

    public Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var (window, days) = context.Arguments.Text("period") == "month" ? (MetricsWindow.Last30Days, 30) : (MetricsWindow.Last7Days, 7);
        var current = metrics.Summarize(window);
        var start = current.From ?? window.Start(clock.GetUtcNow())!.Value;
        // The day-by-day series of the whole history gives the previous period exactly.
        var previousStart = start.AddDays(-days);
        var earlier = metrics.Summarize(MetricsWindow.All).Series.Where(p => p.Start >= previousStart && p.Start < start).ToList();
        long previousSuccesses = earlier.Sum(p => p.Successes), previousFailures = earlier.Sum(p => p.Failures);
        double? previousRate = previousSuccesses + previousFailures == 0 ? null : 100.0 * previousSuccesses / (previousSuccesses + previousFailures);
        var threshold = thresholds.Current.SuccessRateAlertPercent;

        context.Log(Invariant($"== {days} days from {start:yyyy-MM-dd HH:mm}Z =="));
        context.Log(Invariant($"records {current.Records}, successes {current.Successes}, failures {current.Failures}, other {current.Other}, slow {current.SlowOperations}"));
        context.Log($"success rate {Rate(current.SuccessRate)} (previous {days} days: {Rate(previousRate)}; alert below {threshold:0.#} %)");
        var slowest = current.Operations.Where(o => o.P95 is not null).OrderByDescending(o => o.P95).Take(5).ToList();
        var failing = current.Operations.Where(o => o.Failures > 0).OrderByDescending(o => o.FailurePercent).Take(5).ToList();
        context.Log("");
        context.Log("slowest operations (p95):");
        foreach (var op in slowest)
        {
            context.Log(Invariant($"  {op.Operation,-24} p50 {op.P50:0.00} s  p95 {op.P95:0.00} s  max {op.Max:0.00} s  slow {op.Slow} of {op.Count}"));
        }

        context.Log("most failing operations:");
        foreach (var op in failing)
        {
            context.Log(Invariant($"  {op.Operation,-24} {op.FailurePercent:0.0} % failed ({op.Failures} of {op.Count})"));
        }

        var issues = new List<string>();
        if (current.SuccessRate < threshold)
        {
            issues.Add(Invariant($"Success rate {current.SuccessRate:0.0} % is below the {threshold:0.#} % threshold"));
        }

        if (current.SuccessRate is { } now && previousRate is { } before && now < before - 1)
        {
            issues.Add(Invariant($"Success rate declined from {before:0.0} % to {now:0.0} %"));
        }

        if (current.SlowOperations > 0)
        {
            issues.Add(Invariant($"{current.SlowOperations} slow operation(s); slowest: {string.Join(", ", slowest.Take(3).Select(o => o.Operation))}"));
        }

        return Task.FromResult(TaskOutcome.Success(
            $"{days} days: success rate {Rate(current.SuccessRate)} (previous period {Rate(previousRate)}), {current.SlowOperations} slow operations.",
            issues,
            new
            {
                period = days == 7 ? "week" : "month",
                from = start,
                current.Records,
                current.Successes,
                current.Failures,
                current.SuccessRate,
                previousSuccessRate = previousRate,
                current.SlowOperations,
                slowest,
                failing,
            }));
    }

    private static string Rate(double? rate) => rate is { } value ? Invariant($"{value:0.0} %") : "no data";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
