using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Web.Health;

/// <summary>Ready needs a readable target; missing parts of its layout only degrade it. Reads the monitor's status (at most 5 s old): a probe never does file I/O of its own.</summary>
public sealed class TargetHealthCheck(TargetStatusMonitor monitor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = monitor.Current;
        return Task.FromResult(new HealthCheckResult(status.Health, status.Summary));
    }
}
