namespace OrchestrationMaint.Core.Records.Incidents;

/// <summary>The seed's "Emergency Procedures", plus a generic kind for everything else.</summary>
public enum IncidentType
{
    SystemOutage,
    DataCorruption,
    General,
}

/// <summary>Stored by name: "Sev1" &lt; "Sev2" &lt; "Sev3" also sorts most severe first in SQL.</summary>
public enum IncidentSeverity
{
    Sev1,
    Sev2,
    Sev3,
}

public enum IncidentEventKind
{
    Opened,
    StepDone,
    StepUndone,
    RunStarted,
    RunFinished,
    Escalated,
    SeverityChanged,
    NoteAdded,
    Resolved,
}

public sealed class Incident
{
    public long Id { get; set; }

    public IncidentType Type { get; set; }

    public IncidentSeverity Severity { get; set; }

    public required string Title { get; set; }

    public string Description { get; set; } = "";

    /// <summary>The health check's key when the incident was opened from a failing check.</summary>
    public string? SourceCheck { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    public required string OpenedBy { get; set; }

    /// <summary>1 to 3, as in the seed's "Escalation Procedures"; every incident starts at 1.</summary>
    public int EscalationLevel { get; set; } = 1;

    public DateTimeOffset? ResolvedAt { get; set; }

    public string? ResolvedBy { get; set; }

    public string? Resolution { get; set; }

    public string? RootCause { get; set; }

    /// <summary>Time to resolve in ticks: a column SQLite computes (ResolvedAt − OpenedAt), so lists sort and average by it in SQL.</summary>
    public long? DurationTicks { get; private set; }

    /// <summary>"yyyy-MM" (UTC) of the resolution, computed by SQLite: the monthly means group by it.</summary>
    public string? ResolvedMonth { get; private set; }

    public List<IncidentStep> Steps { get; set; } = [];

    public bool IsResolved => ResolvedAt is not null;

    public TimeSpan TimeOpen(DateTimeOffset now) => (ResolvedAt ?? now) - OpenedAt;
}

/// <summary>One step of the incident's runbook, copied when it was opened (a later change of the runbook leaves it as it was).</summary>
public sealed class IncidentStep
{
    public long Id { get; set; }

    public long IncidentId { get; set; }

    public int Position { get; set; }

    public required string Key { get; set; }

    public required string Title { get; set; }

    public DateTimeOffset? DoneAt { get; set; }

    public string? DoneBy { get; set; }

    public string? Note { get; set; }

    /// <summary>Marked done while an earlier step was still open: allowed, and shown.</summary>
    public bool OutOfOrder { get; set; }

    public bool IsDone => DoneAt is not null;
}

/// <summary>One line of the incident's timeline. Only ever added: nothing updates or deletes one.</summary>
public sealed class IncidentEvent
{
    public long Id { get; init; }

    public long IncidentId { get; init; }

    public DateTimeOffset At { get; init; }

    public required string By { get; init; }

    public IncidentEventKind Kind { get; init; }

    public string? StepKey { get; init; }

    public long? RunId { get; init; }

    /// <summary>What happened, as a sentence the app wrote.</summary>
    public required string Text { get; init; }

    /// <summary>What the operator wrote with it, if anything.</summary>
    public string? Note { get; init; }
}
