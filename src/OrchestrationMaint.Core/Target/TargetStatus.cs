using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrchestrationMaint.Core.Target;

public enum EntryState
{
    Present,
    Missing,
    /// <summary>There, but not usable as it is (not executable, not readable, a file where a directory belongs).</summary>
    Problem,
}

public sealed record LayoutEntryStatus(LayoutEntry Entry, EntryState State, string Detail);

/// <summary>A snapshot of the target: can it be read at all, and which parts of the layout are there.</summary>
/// <param name="Problem">Why the root itself cannot be used, with what to do; null when it can.</param>
public sealed record TargetStatus(
    string Root,
    string Name,
    bool IsDemo,
    DateTimeOffset CheckedAt,
    string? Problem,
    IReadOnlyList<LayoutEntryStatus> Entries)
{
    public bool IsReachable => Problem is null;

    public HealthStatus Health =>
        !IsReachable ? HealthStatus.Unhealthy
        : Entries.Any(e => e.Entry.Required && e.State != EntryState.Present) ? HealthStatus.Degraded
        : HealthStatus.Healthy;

    public string Summary =>
        Problem ?? (Entries.Where(e => e.Entry.Required && e.State != EntryState.Present).ToList() switch
        {
            [] => "All required parts of the layout are present.",
            [var one] => $"{one.Entry.Path}: {one.Detail}",
            var many => $"{many.Count} required parts of the layout are missing or unusable.",
        });
}
