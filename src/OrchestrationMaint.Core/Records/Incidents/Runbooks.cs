using System.Text.Json.Nodes;

namespace OrchestrationMaint.Core.Records.Incidents;

/// <summary>A page of the app where a step is done by hand (the UI maps it to its route).</summary>
public enum StepDestination
{
    None,
    Tasks,
    Schedules,
    Backups,
    Logs,
}

/// <summary>
/// One step of a runbook. <see cref="TaskKey"/> names the maintenance task that does (or checks) the
/// step, offered as a button whose run is linked to the step; <see cref="Destination"/> is a page to
/// do it by hand where running something blindly would be wrong (a restore needs its backup chosen).
/// </summary>
public sealed record RunbookStep(string Key, string Title, string Description, string? TaskKey = null, string? TaskArguments = null,
    StepDestination Destination = StepDestination.None)
{
    public JsonObject? TaskParameters() => TaskArguments is null ? null : JsonNode.Parse(TaskArguments)!.AsObject();
}

/// <summary>The seed's "Emergency Procedures" as runbooks, and what each incident type and severity means.</summary>
public static class Runbooks
{
    public const string HealthCheckTask = "health-check";
    public const string BackupTask = "backup-create";

    private static readonly RunbookStep Verify = new("verify", "Verify", "Confirm the system works: run the health check; every check should be green.", HealthCheckTask);

    private static readonly IReadOnlyList<RunbookStep> SystemOutage =
    [
        new("assess", "Assess", "Determine scope and impact: which checks fail, since when, which nodes and operations are affected.", HealthCheckTask),
        new("isolate", "Isolate", "Prevent further damage: pause the schedules that change the target, stop the distribution that keeps failing.", Destination: StepDestination.Schedules),
        new("restore", "Restore", "Implement recovery procedures. To restore a backup, choose it on the Backups page: its dialog lists every file the restore changes.", Destination: StepDestination.Backups),
        Verify,
        new("communicate", "Communicate", "Inform stakeholders: call or write to the contacts of the current escalation level."),
        new("document", "Document", "Record the incident details: add notes as you go, and the resolution and root cause when you resolve it."),
    ];

    private static readonly IReadOnlyList<RunbookStep> DataCorruption =
    [
        new("stop", "Stop", "Halt affected operations: pause the schedules that distribute or change files, so nothing spreads the damage.", Destination: StepDestination.Schedules),
        new("backup", "Backup", "Secure the current state, damaged as it is, before changing anything: a system-state backup of scripts/, modules/ and config/.", BackupTask, """{"kind":"system"}"""),
        new("restore", "Restore", "Recover from a known good backup: choose it on the Backups page (verified backups are marked), and check the files it changes.", Destination: StepDestination.Backups),
        Verify with { Description = "Validate data integrity: run the health check (configuration, modules, git objects)." },
        new("resume", "Resume", "Restart operations: resume the schedules paused in the first step.", Destination: StepDestination.Schedules),
        new("investigate", "Investigate", "Determine the root cause: the failures in the logs, the git history, who changed what.", Destination: StepDestination.Logs),
    ];

    private static readonly IReadOnlyList<RunbookStep> General =
    [
        SystemOutage[0],
        new("fix", "Fix", "Apply the fix: the maintenance tasks cover the seed's troubleshooting procedures.", Destination: StepDestination.Tasks),
        Verify,
        SystemOutage[5],
    ];

    public static IReadOnlyList<RunbookStep> For(IncidentType type) => type switch
    {
        IncidentType.SystemOutage => SystemOutage,
        IncidentType.DataCorruption => DataCorruption,
        _ => General,
    };

    /// <summary>The step as defined for the incident's type, for its action; null for a step that is no longer in the runbook.</summary>
    public static RunbookStep? Find(IncidentType type, string stepKey) => For(type).FirstOrDefault(s => s.Key == stepKey);

    public static string Title(IncidentType type) => type switch
    {
        IncidentType.SystemOutage => "System outage",
        IncidentType.DataCorruption => "Data corruption",
        _ => "General incident",
    };

    public static string Label(IncidentSeverity severity) => severity switch
    {
        IncidentSeverity.Sev1 => "SEV1 · Critical",
        IncidentSeverity.Sev2 => "SEV2 · Major",
        _ => "SEV3 · Minor",
    };

    public static string Meaning(IncidentSeverity severity) => severity switch
    {
        IncidentSeverity.Sev1 => "Distribution is down or files are being damaged; all hands.",
        IncidentSeverity.Sev2 => "Distribution is degraded or partly failing.",
        _ => "Little or no effect on distribution; fix during working hours.",
    };
}
