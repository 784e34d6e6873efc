namespace OrchestrationMaint.Core.Target;

public enum LayoutEntryKind
{
    File,
    ExecutableFile,
    Directory,
    /// <summary>A glob such as <c>modules/*.sh</c>: present when at least one file matches.</summary>
    FilePattern,
}

/// <param name="Path">Relative to the target root, with '/' separators.</param>
/// <param name="Required">A required entry that is missing makes the target incomplete; an optional one is only noted.</param>
/// <param name="Remedy">What an operator does when it is missing (from the seed's troubleshooting section).</param>
public sealed record LayoutEntry(string Path, LayoutEntryKind Kind, string Description, bool Required, string? Remedy = null);

/// <summary>The on-disk contract of the target (shared/target-system.md, "Layout").</summary>
public static class TargetLayout
{
    public static IReadOnlyList<LayoutEntry> Entries { get; } =
    [
        new("scripts/distribute-orchestration-files.sh", LayoutEntryKind.ExecutableFile, "Main distribution script", Required: true, "Restore it from git (git checkout -- scripts/) or from a system-state backup."),
        new("scripts/test_module_loading.sh", LayoutEntryKind.ExecutableFile, "Module loading self-test", Required: true, "Restore it from git (git checkout -- scripts/) or from a system-state backup."),
        new("scripts/detailed_reporter.sh", LayoutEntryKind.File, "Reporter helper (optional)", Required: false),
        new("scripts/performance_monitor.sh", LayoutEntryKind.File, "Performance monitor helper (optional)", Required: false),
        new("modules/*.sh", LayoutEntryKind.FilePattern, "Modules sourced by the main script", Required: true, "Restore the modules from git (git checkout -- modules/) or from a system-state backup."),
        new("config/distribution.json", LayoutEntryKind.File, "Distribution configuration", Required: true, "Restore it from a configuration snapshot, or recreate the default with: bash scripts/distribute-orchestration-files.sh --help"),
        new("config/default.json", LayoutEntryKind.File, "Default configuration", Required: true, "Restore it from a configuration snapshot, or recreate the default with: bash scripts/distribute-orchestration-files.sh --help"),
        new("logs/metrics.jsonl", LayoutEntryKind.File, "Operation metrics, one JSON object per line", Required: true, "The scripts create it on their next run; until then there are no figures."),
        new("logs/performance.log", LayoutEntryKind.File, "Performance log", Required: true, "The scripts create it on their next run."),
        new("logs/maintenance.log", LayoutEntryKind.File, "Maintenance activity log (the dashboard creates it)", Required: false),
        new("backups", LayoutEntryKind.Directory, "Backups (the dashboard creates it)", Required: false),
        new(".context-control/profiles", LayoutEntryKind.Directory, "Access-control profiles", Required: true, "Restore the access-control profiles from git or a backup."),
        new(".git", LayoutEntryKind.Directory, "Git working copy", Required: true, "The target must be a git working copy with a remote origin: clone it again, or run git init and add the remote."),
    ];
}
