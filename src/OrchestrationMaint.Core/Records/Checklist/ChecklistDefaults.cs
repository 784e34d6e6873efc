namespace OrchestrationMaint.Core.Records.Checklist;

/// <summary>A built-in item: the seeder adds it once, by <see cref="SeedKey"/>.</summary>
public sealed record ChecklistDefault(string SeedKey, string Title, ChecklistCadence Cadence, string? TaskKey, string Source, string Guidance);

/// <summary>
/// The seed's "Checklist for Maintenance Personnel" (ten items) merged with its "Routine Maintenance
/// Tasks" and "Security Maintenance": where a checklist line and a routine task are the same work
/// (health, logs, disk, performance report, configuration, backups) they are one item naming both
/// sources, so one run never has to be ticked twice. Cadences the seed leaves open are chosen here:
/// addressing issues and documenting activities weekly, planning monthly.
/// </summary>
public static class ChecklistDefaults
{
    public static readonly IReadOnlyList<ChecklistDefault> All =
    [
        new("verify-system-health", "Verify system health", ChecklistCadence.Daily, "health-check",
            "Checklist: “Verify system health daily” · Routine › Daily › System Health Check",
            "The main script is executable, every module is accessible, and the modules load."),
        new("review-logs", "Review logs for errors or warnings", ChecklistCadence.Daily, "log-review",
            "Checklist · Routine › Daily › Log Review",
            "The recent lines of logs/performance.log and the latest failures in logs/metrics.jsonl."),
        new("monitor-disk-space", "Monitor disk space usage", ChecklistCadence.Daily, "disk-check",
            "Checklist · Routine › Daily › Disk Space Monitoring",
            "Disk usage of the target and the size of logs/."),
        new("test-basic-functionality", "Test basic functionality", ChecklistCadence.Weekly, "module-loading",
            "Checklist: “Test basic functionality weekly”",
            "scripts/test_module_loading.sh: every module must source."),
        new("generate-performance-reports", "Generate performance reports", ChecklistCadence.Weekly, "performance-analysis",
            "Checklist · Routine › Weekly › Performance Analysis",
            "The weekly report: look for slow operations and a declining success rate."),
        new("update-configurations", "Update configurations as needed", ChecklistCadence.Weekly, "config-validation",
            "Checklist · Routine › Weekly › Configuration Review",
            "Every config/*.json is valid; apply the updates that are needed."),
        new("perform-backup-verification", "Perform backup verification", ChecklistCadence.Weekly, "backup-verify",
            "Checklist · Routine › Weekly › Backup Verification",
            "Backups exist in backups/ and the recent ones are intact."),
        new("address-identified-issues", "Address any identified issues", ChecklistCadence.Weekly, null,
            "Checklist",
            "Follow up every issue the week's checks, reviews and runs found, or record why it can wait."),
        new("document-maintenance-activities", "Document maintenance activities", ChecklistCadence.Weekly, null,
            "Checklist · Maintenance Records › Activity Logging",
            "Every maintenance activity of the week is recorded: date, time, task, outcome, issues."),
        new("plan-upcoming-maintenance", "Plan for upcoming maintenance tasks", ChecklistCadence.Monthly, null,
            "Checklist · Maintenance Scheduling › Maintenance Windows",
            "Plan next month's work and its windows in off-peak hours; notify stakeholders in advance."),
        new("system-update", "Update system components", ChecklistCadence.Monthly, "system-update",
            "Routine › Monthly › System Update",
            "Update scripts and modules, apply security patches, update dependencies."),
        new("performance-optimization", "Optimize system performance", ChecklistCadence.Monthly, null,
            "Routine › Monthly › Performance Optimization",
            "Review the performance reports, identify bottlenecks, optimize configurations."),
        new("documentation-update", "Update documentation", ChecklistCadence.Monthly, null,
            "Routine › Monthly › Documentation Update",
            "Update the system documentation and troubleshooting guides; add new best practices."),
        new("access-control-review", "Review access controls", ChecklistCadence.Monthly, "access-review",
            "Security Maintenance › Access Control Review (monthly)",
            "Check .context-control/profiles/ and verify the access restrictions."),
        new("vulnerability-assessment", "Assess vulnerabilities", ChecklistCadence.Quarterly, "script-security",
            "Security Maintenance › Vulnerability Assessment (quarterly)",
            "Review script security, look for insecure operations, update security measures."),
    ];
}
