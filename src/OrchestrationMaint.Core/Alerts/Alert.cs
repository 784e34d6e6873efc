namespace OrchestrationMaint.Core.Alerts;

/// <summary>What an alert is about: one per rule the operator can tune.</summary>
public enum AlertKind
{
    SuccessRate,
    SlowOperations,
    DiskUsage,
    BackupAge,
    HealthCheck,
    ChecklistOverdue,
    ScheduledRunFailed,
    ErrorBudgetBurn,
}

/// <summary>Stored by name: "Critical" &lt; "Warning" also sorts most severe first in SQL.</summary>
public enum AlertLevel
{
    Critical,
    Warning,
}

/// <summary>
/// Firing → (Acknowledged) → Resolved. A condition that has not yet held for the rule's hold time is
/// pending and has no row: it is neither shown nor notified, so a blip does not flap.
/// </summary>
public enum AlertState
{
    Firing,
    Acknowledged,
    Resolved,
}

public enum AlertEventKind
{
    Fired,
    Acknowledged,
    LevelChanged,
    Escalated,
    Resolved,
}

/// <summary>
/// One occurrence of a condition, from the moment it had held for the hold time until it cleared. While
/// it is open (not resolved) the same <see cref="Key"/> never gets a second row: a flood of evaluations
/// updates this one, and the history keeps every occurrence as its own row.
/// </summary>
public sealed class Alert
{
    public long Id { get; set; }

    /// <summary>Stable per condition: "success-rate", "disk:/var", "check:git", "checklist:7", "schedule:3".</summary>
    public required string Key { get; set; }

    public AlertKind Kind { get; set; }

    public AlertLevel Level { get; set; }

    public AlertState State { get; set; }

    public required string Title { get; set; }

    /// <summary>The latest reading, in a sentence that says what is wrong and what to look at.</summary>
    public required string Message { get; set; }

    /// <summary>When the condition was first seen; it fired at <see cref="FiredAt"/>, after the hold time.</summary>
    public DateTimeOffset ConditionSince { get; set; }

    public DateTimeOffset FiredAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>Set when it fired inside an active maintenance window: shown as expected and never notified.</summary>
    public string? ExpectedBecause { get; set; }

    /// <summary>
    /// Whether the channels were told it fired. One that fired inside a maintenance window is told only
    /// if it is still open when the window ends; one never told is never told it resolved either.
    /// </summary>
    public bool Notified { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public string? AcknowledgedBy { get; set; }

    public string? AcknowledgeNote { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>1 to 3: the escalation level whose contacts were last told. Starts at 1.</summary>
    public int EscalationLevel { get; set; } = 1;

    /// <summary>
    /// The clock for the next escalation: when the alert was last sent up a level, or when people were
    /// first told of it after a maintenance window; null means it counts from <see cref="FiredAt"/>.
    /// </summary>
    public DateTimeOffset? EscalatedAt { get; set; }

    public List<AlertEvent> Events { get; set; } = [];

    public bool IsOpen => State != AlertState.Resolved;

    public bool IsExpected => ExpectedBecause is not null;
}

/// <summary>The alert's timeline, append-only.</summary>
public sealed class AlertEvent
{
    public long Id { get; set; }

    public long AlertId { get; set; }

    public DateTimeOffset At { get; set; }

    public AlertEventKind Kind { get; set; }

    /// <summary>Who did it: a user's display name, or "system".</summary>
    public required string By { get; set; }

    public string Note { get; set; } = "";
}
