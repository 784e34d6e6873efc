using LibGit2Sharp;
using OrchestrationMaint.Core.Backups;

namespace OrchestrationMaint.Core.Tasks.Git;

/// <summary>
/// The seed's monthly "System Update", made safe: fetch origin and fast-forward only. It refuses a dirty
/// working copy and a history that diverged (nothing is merged or overwritten), and takes a
/// configuration snapshot before it changes anything.
/// </summary>
public sealed class SystemUpdateTask(BackupService backups) : IMaintenanceTask
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    public TaskDescriptor Descriptor { get; } = new(
        "system-update", "System update",
        "Fetches origin and fast-forwards the working copy. Refuses when there are uncommitted changes or local commits origin lacks; snapshots config/ first.",
        TaskCadence.Monthly, ChangesTarget: true, TimeSpan.FromMinutes(10), [],
        "Update scripts and modules as needed (git fetch origin; git merge --ff-only)");

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (!Repository.IsValid(context.Root))
        {
            return TaskOutcome.Failure("The target is not a git working copy, so it cannot be updated from origin.");
        }

        // Untracked files (backups made by hand at the root, say) do not block: a fast-forward that would overwrite one fails by itself.
        var status = await GitCommand.RunAsync(context, CommandTimeout, cancellationToken, "status", "--porcelain=v1", "--untracked-files=no");
        if (!status.Succeeded)
        {
            return TaskOutcome.Failure("Refused: git status failed (see the output). Nothing was changed.");
        }

        var changes = status.Output.Split('\n').Count(l => l.Length > 0);
        if (changes > 0)
        {
            return TaskOutcome.Failure($"Refused: the working copy has {changes} uncommitted change(s). Commit or restore them (git status), then update again. Nothing was changed.");
        }

        var before = (await GitCommand.RunAsync(context, CommandTimeout, cancellationToken, "rev-parse", "HEAD")).Output.Trim();
        string? snapshot = null;
        if (Directory.Exists(Path.Combine(context.Root, "config")))
        {
            var record = await backups.CreateAsync(BackupKind.ConfigurationSnapshot, $"before system update (run #{context.RunId})", context.RunId, safety: true, context.Log, cancellationToken);
            snapshot = record.Name;
        }
        else
        {
            context.Log("config/ does not exist: no snapshot taken.");
        }

        var fetch = await GitCommand.RunAsync(context, CommandTimeout, cancellationToken, "fetch", "origin");
        if (!fetch.Succeeded)
        {
            return TaskOutcome.Failure("git fetch origin failed: check network and credentials (git ls-remote origin). Nothing was changed.");
        }

        var upstream = await GitCommand.RunAsync(context, CommandTimeout, cancellationToken, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}");
        if (!upstream.Succeeded)
        {
            return TaskOutcome.Failure("The current branch tracks no branch of origin (git branch -u origin/BRANCH). Nothing was changed.");
        }

        var merge = await GitCommand.RunAsync(context, CommandTimeout, cancellationToken, "merge", "--ff-only", upstream.Output.Trim());
        if (!merge.Succeeded)
        {
            return TaskOutcome.Failure($"Refused: {upstream.Output.Trim()} cannot be fast-forwarded onto; local commits diverge from origin. Nothing was changed; reconcile by hand (git log --oneline --graph --all).");
        }

        var after = (await GitCommand.RunAsync(context, CommandTimeout, cancellationToken, "rev-parse", "HEAD")).Output.Trim();
        if (after == before)
        {
            return TaskOutcome.Success("Already up to date with origin.", result: new { before, after, snapshot });
        }

        var log = await GitCommand.RunAsync(context, CommandTimeout, cancellationToken, "log", "--oneline", $"{before}..{after}");
        var commits = log.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return TaskOutcome.Success($"Updated to {after[..Math.Min(12, after.Length)]}: {commits.Length} new commit(s).", result: new { before, after, commits, snapshot });
    }
}
