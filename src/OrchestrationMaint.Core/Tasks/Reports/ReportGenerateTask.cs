using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Reports;

namespace OrchestrationMaint.Core.Tasks.Reports;

/// <summary>
/// The seed's weekly, monthly and quarterly reports, generated and kept in the report history. Read-only for the
/// target: it reads the metrics engine's figures and the database. The default schedule makes the weekly one on Monday 06:00.
/// </summary>
public sealed class ReportGenerateTask(ReportService reports, IDbContextFactory<MaintenanceDbContext> contextFactory) : IMaintenanceTask
{
    public TaskDescriptor Descriptor { get; } = new(
        "report-generate", "Generate report",
        "A summary (last 24 h), weekly, monthly or quarterly report with the period before it for trends, kept in the report history.",
        TaskCadence.Weekly, ChangesTarget: false, TimeSpan.FromMinutes(5),
        [new TaskParameter("kind", "Kind", ParameterKind.Text, JsonValue.Create("weekly"),
            "summary: the last 24 hours; weekly, monthly, quarterly: the last complete ISO week, month or quarter.",
            Choices: ["summary", "weekly", "monthly", "quarterly"])],
        "bash scripts/detailed_reporter.sh weekly");

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var text = context.Arguments.Text("kind");
        if (!Enum.TryParse<ReportKind>(text, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            return TaskOutcome.Failure($"'{text}' is not a report kind: use summary, weekly, monthly or quarterly.");
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var by = await db.Runs.Where(r => r.Id == context.RunId).Select(r => r.RequestedBy).FirstOrDefaultAsync(cancellationToken) ?? "system";
        context.Log($"Generating the {kind.ToString().ToLowerInvariant()} report…");
        var snapshot = await reports.GenerateForRunAsync(kind, by, context.RunId, cancellationToken);
        var model = snapshot.Model;
        var rate = model.Success.Rate is { } r ? r.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " %" : "no data";
        context.Log($"{model.Title}: {model.Period.Label}; success rate {rate}; {model.Slow.Count} slow; {model.Failures.Count} failures.");
        return TaskOutcome.Success($"{model.Title} ({model.Period.Label}) stored as report #{snapshot.Id}.", result: new { reportId = snapshot.Id, kind = kind.ToString(), period = model.Period.Key });
    }
}
