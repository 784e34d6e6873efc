using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrchestrationMaint.Core.Health.Checks;

namespace OrchestrationMaint.Core.Tasks.Security;

/// <summary>The seed's monthly "Access Control Review": every profile with owner and mode; group- or world-writable ones flagged.</summary>
public sealed class AccessReviewTask : IMaintenanceTask
{
    private readonly AccessProfilesCheck _check = new();

    public TaskDescriptor Descriptor { get; } = new(
        "access-review", "Access-control review",
        "Lists .context-control/profiles/ with owner and mode, and flags profiles that group or others can write.",
        TaskCadence.Monthly, ChangesTarget: false, TimeSpan.FromMinutes(1), [],
        "ls -la .context-control/profiles/");

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var outcome = await _check.RunAsync(context.Root, cancellationToken);
        context.Log("mode        owner  profile");
        foreach (var line in outcome.Details ?? [])
        {
            context.Log(line);
        }

        if (outcome.Remedy is { } remedy && outcome.Status != HealthStatus.Healthy)
        {
            context.Log($"what to do: {remedy}");
        }

        return TaskOutcome.Success(outcome.Message, outcome.Status == HealthStatus.Healthy ? [] : [outcome.Message], new { profiles = outcome.Details ?? [] });
    }
}
