namespace OrchestrationMaint.Core.Scheduling;

public sealed class SchedulingOptions
{
    public const string SectionName = "Scheduling";

    /// <summary>Time zone of new schedules (IANA name).</summary>
    public string DefaultTimeZone { get; set; } = "UTC";

    /// <summary>
    /// An occurrence missed while the app was down runs once at start-up if it is at most this old;
    /// older ones are recorded as missed. Never a burst of catch-ups either way.
    /// </summary>
    public TimeSpan MissedRunGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often due schedules are looked for.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);
}
