namespace OrchestrationMaint.Core.Records.Contacts;

/// <summary>The seed's "Contact Information": who is called first at a level, who next, who in an emergency.</summary>
public enum ContactRole
{
    Primary,
    Secondary,
    Emergency,
}

/// <summary>The seed's three escalation levels.</summary>
public static class EscalationLevels
{
    public const int Lowest = 1;
    public const int Highest = 3;

    public static string Title(int level) => level switch
    {
        1 => "Level 1 · Basic troubleshooting",
        2 => "Level 2 · Advanced troubleshooting",
        3 => "Level 3 · Expert support",
        _ => $"Level {level}",
    };

    public static string Who(int level) => level switch
    {
        1 => "team member",
        2 => "senior member",
        3 => "system architect or external support",
        _ => "",
    };
}

/// <summary>
/// One person (or service desk) to call at an escalation level. Deleting keeps the row as a tombstone
/// (<see cref="DeletedAt"/>), so whoever still edits it learns who deleted it and when.
/// </summary>
public sealed class EscalationContact
{
    public long Id { get; set; }

    public int Level { get; set; }

    public required string Name { get; set; }

    public ContactRole Role { get; set; }

    public string Phone { get; set; } = "";

    public string Email { get; set; } = "";

    public string Availability { get; set; } = "";

    public bool Active { get; set; } = true;

    /// <summary>
    /// The optimistic-concurrency token: SQLite has no rowversion, so every write adds one and the
    /// UPDATE is conditional on the version the operator loaded.
    /// </summary>
    public long Version { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }

    public string? DeletedBy { get; set; }

    public bool IsActivePrimary => Active && Role == ContactRole.Primary && DeletedAt is null;
}
