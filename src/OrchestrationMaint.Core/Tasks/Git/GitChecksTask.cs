using LibGit2Sharp;

namespace OrchestrationMaint.Core.Tasks.Git;

/// <summary>The seed's "Git Operation Failures" procedure: git status, git remote -v, git ls-remote origin and git fsck, with what each tells a person.</summary>
public sealed class GitChecksTask : IMaintenanceTask
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    public TaskDescriptor Descriptor { get; } = new(
        "git-checks", "Git checks",
        "Working-copy status, remotes, whether origin answers (ls-remote) and object integrity (fsck).",
        TaskCadence.OnDemand, ChangesTarget: false, TimeSpan.FromMinutes(10), [],
        "git status; git remote -v; git ls-remote origin; git fsck");

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (!Repository.IsValid(context.Root))
        {
            return TaskOutcome.Failure("The target is not a git working copy. Clone the distribution repository again, or run git init and git remote add origin URL.");
        }

        var issues = new List<string>();
        var status = await GitCommand.RunAsync(context, CommandTimeout, cancellationToken, "status", "--porcelain=v1", "--branch");
        var changes = status.Output.Split('\n').Count(l => l.Length > 0 && !l.StartsWith("##", StringComparison.Ordinal));
        if (changes > 0)
        {
            issues.Add($"{changes} uncommitted change(s) in the working copy");
        }

        var remotes = await GitCommand.RunAsync(context, CommandTimeout, cancellationToken, "remote", "-v");
        var hasOrigin = remotes.Output.Split('\n').Any(l => l.StartsWith("origin\t", StringComparison.Ordinal));
        var reachable = false;
        if (!hasOrigin)
        {
            issues.Add("No remote named origin (git remote add origin URL)");
        }
        else
        {
            var lsRemote = await GitCommand.RunAsync(context, CommandTimeout, cancellationToken, "ls-remote", "origin");
            reachable = lsRemote.Succeeded;
            if (!reachable)
            {
                issues.Add("origin is not reachable: check network and credentials");
            }
        }

        var fsck = await GitCommand.RunAsync(context, TimeSpan.FromMinutes(5), cancellationToken, "fsck", "--no-progress");
        if (!fsck.Succeeded)
        {
            issues.Add("git fsck found damaged or missing objects: fetch them from origin or re-clone");
        }

        return TaskOutcome.Success(
            issues.Count == 0 ? "Clean working copy, origin reachable, objects intact." : $"{issues.Count} git problem(s) found.",
            issues, new { uncommittedChanges = changes, hasOrigin, originReachable = reachable, objectsIntact = fsck.Succeeded });
    }
}
