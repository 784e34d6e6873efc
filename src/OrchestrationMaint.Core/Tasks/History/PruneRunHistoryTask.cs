using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Queue;

namespace OrchestrationMaint.Core.Tasks.History;

/// <summary>Keeps the run history from growing without bound: finished runs and their output older than the retention go; maintenance records stay.</summary>
public sealed class PruneRunHistoryTask(RunHistory history, IOptions<QueueOptions> options) : IMaintenanceTask
{
    public TaskDescriptor Descriptor { get; } = new(
        "prune-run-history", "Prune run history",
        "Deletes finished runs and their output older than the retention period. Maintenance records are never deleted.",
        TaskCadence.Daily, ChangesTarget: false, TimeSpan.FromMinutes(10),
        [new TaskParameter("retentionDays", "Retention (days)", ParameterKind.Number, JsonValue.Create(options.Value.RetentionDays), "Runs queued longer ago than this are deleted.", 1, 36500)],
        "(the dashboard's own housekeeping)")
    {
        // It deletes history for good.
        RequiredRole = Role.Admin,
    };

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var days = context.Arguments.Number("retentionDays");
        var deleted = await history.PruneAsync(days, cancellationToken);
        context.Log($"Deleted {deleted} run(s) older than {days} days, with their output.");
        return TaskOutcome.Success($"Deleted {deleted} run(s) older than {days} days.", result: new { deleted, retentionDays = days });
    }
}
