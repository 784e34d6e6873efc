namespace OrchestrationMaint.Core.Records.Checklist;

/// <summary>
/// One thing the maintenance personnel do every day, week, month or quarter. Items are never deleted:
/// a retired item leaves the current list but keeps its ticks and its place in the history.
/// </summary>
public sealed class ChecklistItem
{
    public const int TitleMax = 200;
    public const int GuidanceMax = 1000;

    public long Id { get; set; }

    public required string Title { get; set; }

    /// <summary>What to do, in a sentence or two (the seed's procedure for the defaults).</summary>
    public string Guidance { get; set; } = "";

    public ChecklistCadence Cadence { get; set; }

    /// <summary>The catalogue task whose successful run proves the item done, if there is one.</summary>
    public string? TaskKey { get; set; }

    /// <summary>Tick the item by itself when its task succeeds in the period.</summary>
    public bool AutoTick { get; set; }

    /// <summary>Where in the maintenance procedures the item comes from; empty for items operators added.</summary>
    public string Source { get; set; } = "";

    /// <summary>Set for the built-in items only: the seeder adds each once, so a restart never undoes an edit or a retirement.</summary>
    public string? SeedKey { get; set; }

    public int SortOrder { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    /// <summary>
    /// When the current cadence began (creation, or the edit that changed it). Periods that ended before it
    /// are "not tracked", so a new item is never overdue for a period it did not exist in.
    /// </summary>
    public DateTimeOffset TrackedSince { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }

    public DateTimeOffset? RetiredAt { get; set; }

    public string? RetiredBy { get; set; }

    /// <summary>Bumped by every change: two operators editing the same item get a conflict, not a silent overwrite.</summary>
    public int Version { get; set; }

    public bool IsRetired => RetiredAt is not null;
}

/// <summary>
/// "Done for this period": who, when, a note and optional evidence. An untick is recorded on the row
/// (who and when), never deleted, so the history shows it; at most one live tick per item and period,
/// enforced by a unique index, whatever two browsers do at once.
/// </summary>
public sealed class ChecklistTick
{
    public const int NoteMax = 1000;

    public long Id { get; set; }

    public long ItemId { get; set; }

    public ChecklistCadence Cadence { get; set; }

    /// <summary><see cref="ChecklistPeriod.Key"/> of the period this tick is for.</summary>
    public required string PeriodKey { get; set; }

    public DateTimeOffset PeriodStart { get; set; }

    /// <summary>The item's title when it was ticked: a later rename does not rewrite what was done.</summary>
    public required string ItemTitle { get; set; }

    public DateTimeOffset TickedAt { get; set; }

    public required string TickedBy { get; set; }

    public string Note { get; set; } = "";

    /// <summary>A run as evidence. No foreign key: run history is pruned, the tick (and the task key below) stays.</summary>
    public long? RunId { get; set; }

    public string? RunTaskKey { get; set; }

    public long? MaintenanceRecordId { get; set; }

    /// <summary>Applied by auto-tick when the item's task succeeded, not by a person.</summary>
    public bool Automatic { get; set; }

    public DateTimeOffset? UntickedAt { get; set; }

    public string? UntickedBy { get; set; }

    public bool IsActive => UntickedAt is null;
}
