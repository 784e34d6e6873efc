using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrchestrationMaint.Core.Health;

namespace OrchestrationMaint.Core.Tasks.Health;

/// <summary>The seed's daily "System Health Check": every check of the dashboard, now, with a result per check.</summary>
public sealed class HealthCheckTask(HealthMonitor monitor) : IMaintenanceTask
{
    public TaskDescriptor Descriptor { get; } = new(
        "health-check", "System health check",
        "Runs every health check now: main script, modules, module loading, configuration, git, disk, logs, backups, metrics and access profiles.",
        TaskCadence.Daily, ChangesTarget: false, TimeSpan.FromMinutes(2), [],
        "ls -la scripts/distribute-orchestration-files.sh; ls -la modules/*.sh; bash scripts/test_module_loading.sh");

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        context.Log("Running every health check …");
        var results = await monitor.RunAllAsync(cancellationToken);
        foreach (var result in results)
        {
            context.Log($"{Mark(result.Status)} {result.Key}: {result.Message}");
            foreach (var detail in result.Details.Take(10))
            {
                context.Log($"      {detail}");
            }

            if (result.Remedy is { } remedy && result.Status != HealthStatus.Healthy)
            {
                context.Log($"      what to do: {remedy}");
            }
        }

        var issues = results.Where(r => r.Status != HealthStatus.Healthy).Select(r => $"{r.Key}: {r.Message}").ToList();
        var healthy = results.Count - issues.Count;
        return TaskOutcome.Success(
            issues.Count == 0 ? $"All {results.Count} checks healthy." : $"{healthy} of {results.Count} checks healthy; {issues.Count} need attention.",
            issues,
            results.Select(r => new { r.Key, r.Title, Status = r.Status.ToString(), r.Message, r.Remedy, r.Details }).ToList());
    }

    internal static string Mark(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "[ ok ]",
        HealthStatus.Degraded => "[warn]",
        _ => "[FAIL]",
    };
}
