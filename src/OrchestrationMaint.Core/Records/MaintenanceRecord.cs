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

    /// <summary>
    /// A run's end (succeeded, failed, cancelled, interrupted), missed (a schedule that could not run),
    /// what an operator chose for a manual record, or a maintenance window's event: see <see cref="RecordOutcomes"/>.
    /// </summary>
    public required string Outcome { get; set; }

    public required string RequestedBy { get; set; }

    public string Issues { get; set; } = "";

    public string? Summary { get; set; }

    public long? RunId { get; set; }

    /// <summary>What an operator wrote on a manual record beyond its issues.</summary>
    public string Notes { get; set; } = "";

    /// <summary>
    /// When an operator typed the record in; null for the records the app writes itself. <see cref="At"/>
    /// may be earlier (work done before it was written down), so both are kept.
    /// </summary>
    public DateTimeOffset? EnteredAt { get; set; }

    public bool IsManual => EnteredAt is not null;
}

/// <summary>The outcome words the app writes; runs use their state's name in lower case.</summary>
public static class RecordOutcomes
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Partial = "partial";
    public const string Noted = "noted";

    /// <summary>What an operator can choose for a manual record: done, done in part, not done, or a note without an outcome.</summary>
    public static readonly IReadOnlyList<string> Manual = [Succeeded, Partial, Failed, Noted];

    public const string Announced = "announced";
    public const string Changed = "changed";
    public const string Cancelled = "cancelled";
    public const string Started = "started";
    public const string Ended = "ended";
}
