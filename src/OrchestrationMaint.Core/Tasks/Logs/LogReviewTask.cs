using System.Globalization;
using System.Text.Json.Nodes;
using OrchestrationMaint.Core.Logs;
using OrchestrationMaint.Core.Metrics;

namespace OrchestrationMaint.Core.Tasks.Logs;

/// <summary>The seed's daily "Log Review": the last performance-log lines, the recent failures and the slow operations.</summary>
public sealed class LogReviewTask(MetricsEngine metrics) : IMaintenanceTask
{
    public TaskDescriptor Descriptor { get; } = new(
        "log-review", "Log review",
        "Shows the last lines of logs/performance.log, the most recent failures and the slow operations of the last 24 hours.",
        TaskCadence.Daily, ChangesTarget: false, TimeSpan.FromMinutes(2),
        [
            new TaskParameter("lines", "Performance-log lines", ParameterKind.Number, JsonValue.Create(20), "How many of the newest lines to show.", 1, 1000),
            new TaskParameter("failures", "Failures", ParameterKind.Number, JsonValue.Create(10), "How many of the newest failures to show.", 1, 1000),
        ],
        "tail -20 logs/performance.log; grep \"failure\" logs/metrics.jsonl | tail -10");

    public Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var logPath = Path.Combine(context.Root, "logs", "performance.log");
        var issues = new List<string>();
        context.Log($"== last {context.Arguments.Number("lines")} lines of logs/performance.log ==");
        IReadOnlyList<string> tail = [];
        if (File.Exists(logPath))
        {
            tail = new LogTail(logPath).ReadTail(context.Arguments.Number("lines"));
            foreach (var line in tail)
            {
                context.Log(line);
            }

            var errors = tail.Count(l => l.Contains("ERROR", StringComparison.OrdinalIgnoreCase));
            var warnings = tail.Count(l => l.Contains("WARN", StringComparison.OrdinalIgnoreCase));
            if (errors + warnings > 0)
            {
                issues.Add($"{errors} error and {warnings} warning line(s) among the last {tail.Count} performance-log lines");
            }
        }
        else
        {
            context.Log("(logs/performance.log does not exist)");
            issues.Add("logs/performance.log does not exist");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var failures = metrics.Failures(MetricsWindow.All, null, null, context.Arguments.Number("failures"));
        context.Log("");
        context.Log($"== newest {failures.Count} failure(s) in logs/metrics.jsonl ==");
        foreach (var failure in failures)
        {
            context.Log($"{Format(failure.Timestamp)}  line {failure.LineNumber}  {failure.Operation}  {failure.DurationSeconds:0.###} s  {failure.Fields.GetValueOrDefault("error", "")}");
        }

        var day = metrics.Summarize(MetricsWindow.Last24Hours);
        var slow = metrics.SlowOperations(MetricsWindow.Last24Hours, null, 20);
        context.Log("");
        context.Log($"== slow operations in the last 24 hours (over {metrics.SlowThresholdSeconds:0.##} s): {day.SlowOperations} ==");
        foreach (var record in slow)
        {
            context.Log($"{Format(record.Timestamp)}  line {record.LineNumber}  {record.Operation}  {record.DurationSeconds:0.###} s");
        }

        if (day.Failures > 0)
        {
            issues.Add($"{day.Failures} failure(s) in the last 24 hours");
        }

        if (day.SlowOperations > 0)
        {
            issues.Add($"{day.SlowOperations} slow operation(s) in the last 24 hours");
        }

        var summary = string.Create(CultureInfo.InvariantCulture,
            $"Last 24 hours: {day.Records} records, {day.Failures} failures, {day.SlowOperations} slow; success rate {(day.SuccessRate is { } rate ? $"{rate:0.0} %" : "no data")}.");
        return Task.FromResult(TaskOutcome.Success(summary, issues, new
        {
            performanceLog = tail,
            failures = failures.Select(f => new { f.LineNumber, f.Timestamp, f.Operation, f.DurationSeconds, error = f.Fields.GetValueOrDefault("error") }),
            slow = slow.Select(s => new { s.LineNumber, s.Timestamp, s.Operation, s.DurationSeconds }),
            last24Hours = new { day.Records, day.Successes, day.Failures, day.SlowOperations, day.SuccessRate },
        }));
    }

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
