namespace OrchestrationMaint.Core.Records;

/// <summary>
/// One maintenance activity, as the seed's "Maintenance Records" asks: date, time, task, outcome,
/// issues. Kept for good (run history is pruned, these are not) and mirrored to logs/maintenance.log.
/// </summary>
public sealed class MaintenanceRecord
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Task { get; set; }

    /// <summary>succeeded, failed, cancelled, interrupted or missed (a schedule that could not run).</summary>
    public required string Outcome { get; set; }

    public required string RequestedBy { get; set; }

    public string Issues { get; set; } = "";

    public string? Summary { get; set; }

    public long? RunId { get; set; }
}
