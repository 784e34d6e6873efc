namespace OrchestrationMaint.Core.Access;

public enum AuditOutcome
{
    Succeeded,
    Failed,
    Denied,
}

/// <summary>
/// One state-changing action, append-only: the database refuses UPDATE and DELETE on the table
/// (triggers in the migration), and the app has no code path that edits or removes an entry.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public ActorKind ActorKind { get; set; }

    /// <summary><see cref="Actor.Display"/> at the time: a renamed or deleted account does not rewrite history.</summary>
    public required string Actor { get; set; }

    public string? ActorId { get; set; }

    /// <summary>Dotted verb, e.g. <c>task.requested</c>, <c>user.role-changed</c>, <c>signin.failed</c>.</summary>
    public required string Action { get; set; }

    /// <summary>What it was done to: a task key, a run id, a user name, a key name.</summary>
    public string? Target { get; set; }

    /// <summary>Parameters and reasons, as short text or JSON.</summary>
    public string? Details { get; set; }

    public AuditOutcome Outcome { get; set; }

    /// <summary>The client's address.</summary>
    public string? From { get; set; }
}
