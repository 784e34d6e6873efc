using System.Globalization;
using System.Text.Json.Nodes;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Tasks.Logs;

public sealed record CleanupCandidate(string Path, long Bytes, DateTimeOffset LastWrite);

/// <summary>
/// The seed's weekly cleanup (<c>performance_monitor.sh clean 30</c>), natively: removes log files in
/// logs/ not written for the retention period. The live files the scripts append to (metrics.jsonl,
/// performance.log, maintenance.log) are never removed, symlinks are never followed, and a file that
/// changed between listing and removal (a script appended to it) is kept: a dry run lists exactly what
/// the real run removes, and the real run loses no line written meanwhile.
/// </summary>
public sealed class LogCleanupTask(TimeProvider clock, Queue.RunHistory history) : IMaintenanceTask
{
    public static readonly IReadOnlySet<string> LiveFiles = new HashSet<string>(StringComparer.Ordinal) { "metrics.jsonl", "performance.log", "maintenance.log" };

    public TaskDescriptor Descriptor { get; } = new(
        "log-cleanup", "Log cleanup",
        "Removes files in logs/ that have not been written for the retention period (never the live metrics, performance and maintenance logs). Use a dry run to see the list first.",
        TaskCadence.Weekly, ChangesTarget: true, TimeSpan.FromMinutes(10),
        [
            new TaskParameter("retentionDays", "Retention (days)", ParameterKind.Number, JsonValue.Create(30), "Files not written for this many days are removed.", 1, 3650),
            new TaskParameter("dryRun", "Dry run", ParameterKind.Boolean, JsonValue.Create(true), "Only list what would be removed and how much space it frees."),
            new TaskParameter("fromDryRun", "From dry run #", ParameterKind.Number, JsonValue.Create(0), "Remove exactly the files a finished dry run listed (0: list them afresh now).", 0, int.MaxValue),
        ],
        "bash scripts/performance_monitor.sh clean 30");

    /// <summary>What a cleanup with this retention would remove now, oldest first.</summary>
    public static IReadOnlyList<CleanupCandidate> Plan(string root, int retentionDays, DateTimeOffset now)
    {
        var logs = Path.Combine(root, "logs");
        if (!Directory.Exists(logs) || new DirectoryInfo(logs).LinkTarget is not null)
        {
            // A symlinked logs/ could point anywhere (/var/log): never clean through it.
            return [];
        }

        var cutoff = now.AddDays(-retentionDays);
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        return new DirectoryInfo(logs).EnumerateFiles("*", options)
            .Where(f => !(f.DirectoryName == logs && LiveFiles.Contains(f.Name)) && f.LastWriteTimeUtc < cutoff.UtcDateTime)
            .Select(f => new CleanupCandidate(Path.GetRelativePath(root, f.FullName), f.Length, f.LastWriteTimeUtc))
            .OrderBy(c => c.LastWrite)
            .ToList();
    }

    /// <summary>
    /// Removes one listed file without losing a line written to it. The file is first renamed aside
    /// (atomic): a script appending with <c>&gt;&gt;</c> from then on creates a new file under the old name,
    /// which is kept. Only if the renamed file is still exactly as listed is it deleted; otherwise it
    /// goes back. Returns null when removed, else why not.
    /// </summary>
    private static string? Remove(string path, CleanupCandidate candidate)
    {
        var aside = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.cleanup");
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists || file.LinkTarget is not null)
            {
                return "changed since it was listed (gone or replaced)";
            }

            File.Move(path, aside, overwrite: false);
            var moved = new FileInfo(aside);
            if (moved.Length != candidate.Bytes || moved.LastWriteTimeUtc != candidate.LastWrite.UtcDateTime)
            {
                // Written to since the listing: put it back (or, if a script already started a new one, keep it beside).
                File.Move(aside, File.Exists(path) ? $"{path}.kept-{DateTime.UtcNow:yyyyMMddHHmmss}" : path, overwrite: false);
                return "changed since it was listed";
            }

            moved.Delete();
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions ResultJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    public sealed record DryRunResult(bool DryRun, int RetentionDays, IReadOnlyList<CleanupCandidate> Files);

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var days = context.Arguments.Number("retentionDays");
        var dryRun = context.Arguments.Boolean("dryRun");
        IReadOnlyList<CleanupCandidate> plan;
        if (context.Arguments.Number("fromDryRun") is > 0 and var dryRunId)
        {
            // The list the operator saw, not a new one: a file that aged past the limit since is not touched.
            var run = await history.GetAsync(dryRunId, cancellationToken, withOutput: false);
            var listed = run is { TaskKey: "log-cleanup", State: Queue.RunState.Succeeded, Result: { } json }
                ? System.Text.Json.JsonSerializer.Deserialize<DryRunResult>(json, ResultJson)
                : null;
            if (listed is not { DryRun: true })
            {
                return TaskOutcome.Failure($"Run #{dryRunId} is not a finished log-cleanup dry run, so there is no list to remove. Nothing was removed.");
            }

            plan = listed.Files;
            days = listed.RetentionDays;
        }
        else
        {
            plan = Plan(context.Root, days, clock.GetUtcNow());
        }

        var total = plan.Sum(c => c.Bytes);
        context.Log($"{plan.Count} file(s) in logs/ not written for {days} days, {TargetInspector.FormatSize(total)} in all{(dryRun ? " (dry run: nothing is removed)" : "")}:");
        var removed = new List<CleanupCandidate>();
        var kept = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < plan.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var candidate = plan[i];
            if (dryRun)
            {
                context.Log($"  would remove {candidate.Path}  {TargetInspector.FormatSize(candidate.Bytes)}  last written {candidate.LastWrite:yyyy-MM-dd}");
                continue;
            }

            var path = Path.Combine(context.Root, candidate.Path);
            switch (Remove(path, candidate))
            {
                case null:
                    removed.Add(candidate);
                    context.Log($"  removed {candidate.Path}  {TargetInspector.FormatSize(candidate.Bytes)}");
                    break;
                case { } reason when reason.StartsWith("changed", StringComparison.Ordinal):
                    kept.Add($"{candidate.Path} {reason}; kept");
                    context.Log($"  kept {candidate.Path}: it {reason}");
                    break;
                case { } reason:
                    errors.Add($"{candidate.Path}: {reason}");
                    context.Log($"  could not remove {candidate.Path}: {reason}");
                    break;
            }

            context.Progress((i + 1.0) / plan.Count);
        }

        var result = new { dryRun, retentionDays = days, files = plan, removed = removed.Count, freedBytes = removed.Sum(c => c.Bytes) };
        return dryRun
            ? TaskOutcome.Success(string.Create(CultureInfo.InvariantCulture, $"Dry run: {plan.Count} file(s) would be removed, freeing {TargetInspector.FormatSize(total)}."), [], result)
            : new TaskOutcome(errors.Count == 0,
                string.Create(CultureInfo.InvariantCulture, $"Removed {removed.Count} of {plan.Count} file(s), freeing {TargetInspector.FormatSize(result.freedBytes)}.") +
                (kept.Count > 0 ? $" {kept.Count} kept because a script wrote to them meanwhile." : "") +
                (errors.Count > 0 ? $" {errors.Count} could not be removed." : ""),
                [.. errors, .. kept], result);
    }
}
