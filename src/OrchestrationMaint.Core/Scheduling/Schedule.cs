namespace OrchestrationMaint.Core.Scheduling;

public sealed class Schedule
{
    public long Id { get; set; }

    public required string Name { get; set; }

    public required string TaskKey { get; set; }

    /// <summary>The task's arguments as JSON, validated when the schedule is saved.</summary>
    public string Arguments { get; set; } = "{}";

    /// <summary>Five fields, as crontab: minute hour day-of-month month day-of-week.</summary>
    public required string Cron { get; set; }

    /// <summary>IANA time zone the expression is read in (daylight saving handled by Cronos).</summary>
    public required string TimeZone { get; set; }

    public bool Paused { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The newest occurrence dealt with (run or recorded as missed); the next one is looked for after it.</summary>
    public DateTimeOffset? LastOccurrence { get; set; }

    public long? LastRunId { get; set; }

    public DateTimeOffset? LastMissedAt { get; set; }

    public int MissedCount { get; set; }
}
