using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Backups;
using OrchestrationMaint.Core.Health.Checks;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Tasks.Backups;

/// <summary>The seed's configuration backup and weekly system-state backup, never overwriting, with a manifest, verified right after.</summary>
public sealed class BackupCreateTask(BackupService backups) : IMaintenanceTask
{
    public TaskDescriptor Descriptor { get; } = new(
        "backup-create", "Create a backup",
        "A configuration snapshot (config_backup_YYYYmmdd_HHMMSS/) or a system-state archive (backup_YYYYmmdd_HHMMSS.tar.gz of scripts/, modules/, config/) in backups/, with a manifest of every file's SHA-256, verified right after.",
        TaskCadence.Weekly, ChangesTarget: true, TimeSpan.FromMinutes(30),
        [new TaskParameter("kind", "Kind", ParameterKind.Text, JsonValue.Create("system"), "system: scripts, modules and config as one archive; config: a copy of config/.", Choices: ["system", "config"])],
        "cp -r config/ config_backup_$(date +%Y%m%d_%H%M%S)/; tar -czf backup_$(date +%Y%m%d).tar.gz scripts/ modules/ config/")
    {
        // It only adds a backup: exclusive, so nothing changes under it, but nothing to confirm, and routine work for an Operator.
        ConfirmBeforeRun = false,
        RequiredRole = Role.Operator,
        NeedsMaintenanceWindow = false,
    };

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var kind = context.Arguments.Text("kind") == "config" ? BackupKind.ConfigurationSnapshot : BackupKind.SystemState;
        var record = await backups.CreateAsync(kind, $"run #{context.RunId}", context.RunId, safety: false, context.Log, cancellationToken);
        return record.Status == BackupStatus.Verified
            ? TaskOutcome.Success($"Created and verified {record.Name} ({TargetInspector.FormatSize(record.SizeBytes)}).", result: new { backup = record.Key, record.Name })
            : TaskOutcome.Failure($"Created {record.Name}, but it did not verify: {record.VerificationMessage}", result: new { backup = record.Key, record.Name });
    }
}

/// <summary>The seed's weekly "Backup Verification", for real: every backup re-read and checked against its manifest.</summary>
public sealed class BackupVerifyTask(BackupService backups) : IMaintenanceTask
{
    public TaskDescriptor Descriptor { get; } = new(
        "backup-verify", "Verify backups",
        "Re-reads every backup (or one), checks every file's SHA-256 against the manifest and the gzip CRC and length, and marks each Verified or Corrupt with the reason.",
        TaskCadence.Weekly, ChangesTarget: false, TimeSpan.FromHours(1),
        [new TaskParameter("backup", "Backup", ParameterKind.Text, JsonValue.Create("all"), "all, or the id of one backup.", Max: 32)],
        "ls -la backups/  # verify recent backups are accessible");

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var which = context.Arguments.Text("backup");
        IReadOnlyList<BackupRecord> targets = which == "all"
            ? [.. (await backups.ListAsync(cancellationToken)).Where(b => b.Status != BackupStatus.Missing)]
            : await backups.FindAsync(which, cancellationToken) is { } one ? [one] : [];
        if (targets.Count == 0)
        {
            return which == "all" ? TaskOutcome.Success("There are no backups to verify.", ["No backups: create one."]) : TaskOutcome.Failure($"There is no backup with the id '{which}'.");
        }

        var issues = new List<string>();
        for (var i = 0; i < targets.Count; i++)
        {
            var verified = await backups.VerifyAsync(targets[i], context.Log, cancellationToken);
            if (verified.Status is BackupStatus.Corrupt or BackupStatus.Missing)
            {
                issues.Add($"{verified.Name}: {verified.Status}: {verified.VerificationMessage}");
            }

            context.Progress((i + 1.0) / targets.Count);
        }

        return TaskOutcome.Success(issues.Count == 0 ? $"{targets.Count} backup(s) checked, none corrupt." : $"{issues.Count} of {targets.Count} backup(s) corrupt or missing.", issues);
    }
}

/// <summary>Restores exactly the one backup the operator chose, after a full validation and a safety backup; rolls back by itself if it breaks something.</summary>
public sealed class BackupRestoreTask(BackupService backups) : IMaintenanceTask
{
    public TaskDescriptor Descriptor { get; } = new(
        "backup-restore", "Restore a backup",
        "Validates the whole backup, takes a safety backup of the current state, swaps the restored directories in, then checks the configuration and module loading: if the restore broke either, the previous state comes back by itself.",
        TaskCadence.OnDemand, ChangesTarget: true, TimeSpan.FromMinutes(30),
        [
            new TaskParameter("backup", "Backup id", ParameterKind.Text, null, "The id of the backup to restore (see the Backups page or GET /api/backups).", Max: 32),
            new TaskParameter("confirm", "Backup name", ParameterKind.Text, null, "The backup's name, typed to confirm.", Max: 200),
            new TaskParameter("fingerprint", "Reviewed fingerprint", ParameterKind.Text, JsonValue.Create(""),
                "The fingerprint of the restore plan you reviewed (the Backups page's dialog, or GET /api/backups/{id}/restore-plan): the restore is refused if the backup changed since. Empty: not checked.", Max: 64),
        ],
        "cp -r config_backup_*/ config/; tar -xzf backup_*.tar.gz  (both wrong when there is more than one backup)");

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (await backups.FindAsync(context.Arguments.Text("backup"), cancellationToken) is not { } record)
        {
            return TaskOutcome.Failure($"Refused: there is no registered backup with the id '{context.Arguments.Text("backup")}'. Nothing was changed.");
        }

        var outcome = await backups.RestoreAsync(record, context.Arguments.Text("confirm"), context.Arguments.Text("fingerprint"), $"run #{context.RunId}", context.RunId,
            ct => RestoreChecks.RunAsync(context.Root, ct), context.Log, cancellationToken);
        var result = new { backup = record.Key, record.Name, safetyBackup = outcome.SafetyBackup?.Key, safetyBackupName = outcome.SafetyBackup?.Name, outcome.RolledBackAfterwards };
        return outcome.Restored ? TaskOutcome.Success(outcome.Summary, result: result) : TaskOutcome.Failure(outcome.Summary, result: result);
    }
}

/// <summary>What a restore must not break: the configuration parses and the modules load.</summary>
internal static class RestoreChecks
{
    public static async Task<IReadOnlyList<(string Key, bool Passed, string Message)>> RunAsync(string root, CancellationToken cancellationToken)
    {
        var results = new List<(string, bool, string)>();
        foreach (var check in new OrchestrationMaint.Core.Health.ITargetCheck[] { new ConfigCheck(), new ModuleLoadingCheck() })
        {
            var outcome = await check.RunAsync(root, cancellationToken);
            results.Add((check.Key, outcome.Status != HealthStatus.Unhealthy, outcome.Message));
        }

        return results;
    }
}

/// <summary>Keeps the newest N and everything younger than D days; never the last verified backup. A dry run lists what would go.</summary>
public sealed class BackupPruneTask(BackupService backups, IOptions<BackupOptions> options, TimeProvider clock) : IMaintenanceTask
{
    public TaskDescriptor Descriptor { get; } = new(
        "backup-prune", "Prune old backups",
        "Deletes backups in backups/ beyond the newest N that are older than D days. Never the newest verified backup; never one made by hand at the root.",
        TaskCadence.Monthly, ChangesTarget: true, TimeSpan.FromMinutes(10),
        [
            new TaskParameter("keepNewest", "Keep newest", ParameterKind.Number, JsonValue.Create(options.Value.KeepNewest), "Always keep this many of the newest backups.", 1, 1000),
            new TaskParameter("keepDays", "Keep younger than (days)", ParameterKind.Number, JsonValue.Create(options.Value.KeepDays), "Always keep backups younger than this.", 1, 3650),
            new TaskParameter("dryRun", "Dry run", ParameterKind.Boolean, JsonValue.Create(true), "Only list what would be deleted."),
        ],
        "(retention for the backups/ directory)");

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var all = await backups.ListAsync(cancellationToken);
        var plan = BackupRetention.Plan(all, context.Arguments.Number("keepNewest"), context.Arguments.Number("keepDays"), clock.GetUtcNow());
        var dryRun = context.Arguments.Boolean("dryRun");
        context.Log($"{plan.Count} backup(s) past the retention{(dryRun ? " (dry run: nothing is deleted)" : "")}:");
        foreach (var record in plan)
        {
            context.Log($"  {(dryRun ? "would delete" : "deleting")} {record.RelativePath}  {TargetInspector.FormatSize(record.SizeBytes)}  {record.CreatedAt:yyyy-MM-dd}");
            if (!dryRun)
            {
                await backups.DeleteAsync(record, cancellationToken);
            }
        }

        var freed = TargetInspector.FormatSize(plan.Sum(p => p.SizeBytes));
        return TaskOutcome.Success(dryRun ? $"Dry run: {plan.Count} backup(s) would be deleted, freeing {freed}." : $"Deleted {plan.Count} backup(s), freeing {freed}.",
            result: new { dryRun, deleted = plan.Select(p => p.Name) });
    }
}

/// <summary>A restore rehearsal: the backup restored into a scratch directory, verified, timed, removed. The target is not touched.</summary>
public sealed class RestoreDrillTask(BackupService backups) : IMaintenanceTask
{
    public TaskDescriptor Descriptor { get; } = new(
        "restore-drill", "Restore drill",
        "Restores a backup (the newest system-state one by default) into a scratch directory outside the target, checks every file against the manifest, reports how long it took, and cleans up.",
        TaskCadence.Monthly, ChangesTarget: false, TimeSpan.FromMinutes(30),
        [new TaskParameter("backup", "Backup", ParameterKind.Text, JsonValue.Create("newest"), "newest, or the id of one backup.", Max: 32)],
        "(what nobody does until the day they need it)");

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var which = context.Arguments.Text("backup");
        var record = which == "newest"
            ? (await backups.ListAsync(cancellationToken)).FirstOrDefault(b => b.Kind == BackupKind.SystemState && b.IsRestorable)
            : await backups.FindAsync(which, cancellationToken);
        if (record is null)
        {
            return TaskOutcome.Failure(which == "newest" ? "There is no restorable system-state backup to drill with: create one." : $"There is no backup with the id '{which}'.");
        }

        var drill = await backups.DrillAsync(record, context.Log, cancellationToken);
        var seconds = drill.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
        return drill.Passed
            ? TaskOutcome.Success($"{record.Name} restores: {drill.Files} file(s) in {seconds} s, every one matching its manifest.", result: new { backup = record.Key, record.Name, seconds = drill.Elapsed.TotalSeconds, drill.Files })
            : TaskOutcome.Failure($"{record.Name} does not restore: {drill.Message}", result: new { backup = record.Key, record.Name });
    }
}
