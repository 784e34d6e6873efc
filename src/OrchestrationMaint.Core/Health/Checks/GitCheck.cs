using LibGit2Sharp;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Health.Checks;

/// <summary>
/// The seed's "Git Operation Failures" procedure: git status (dirty files), git remote -v (origin),
/// git ls-remote origin (reachable) and git fsck (objects readable).
/// </summary>
public sealed class GitCheck : ITargetCheck
{
    private const int MaxListed = 20;

    public string Key => "git";

    public string Title => "Git repository";

    public TimeSpan Timeout => TimeSpan.FromSeconds(30);

    public async Task<CheckOutcome> RunAsync(string root, CancellationToken cancellationToken)
    {
        if (!Repository.IsValid(root))
        {
            return CheckOutcome.Unhealthy("The target is not a git working copy.", "Clone the distribution repository again, or run git init and git remote add origin URL.");
        }

        var details = new List<string>();
        string? originUrl;
        int dirtyCount;
        string? corruption;
        using (var repo = new Repository(root))
        {
            var dirty = repo.RetrieveStatus(new StatusOptions { IncludeIgnored = false }).Where(e => e.State != FileStatus.Ignored).ToList();
            dirtyCount = dirty.Count;
            details.Add($"branch {repo.Head.FriendlyName}" + (repo.Head.TrackingDetails.AheadBy is > 0 and var ahead ? $", {ahead} commit(s) not pushed" : ""));
            details.AddRange(dirty.Take(MaxListed).Select(e => $"{e.State}: {e.FilePath}"));
            if (dirty.Count > MaxListed)
            {
                details.Add($"… and {dirty.Count - MaxListed} more changed files");
            }

            originUrl = repo.Network.Remotes["origin"]?.Url;
            corruption = FindCorruption(repo, cancellationToken);
        }

        if (corruption is not null)
        {
            return CheckOutcome.Unhealthy($"The object database is damaged: {corruption}", "Run git fsck to see every damaged object, then re-clone or fetch the objects from origin.", details);
        }

        if (originUrl is null)
        {
            return CheckOutcome.Unhealthy("No remote named origin is configured.", "Add it: git remote add origin URL", details);
        }

        details.Add($"origin {originUrl}");
        // Plain ls-remote: an empty but reachable origin exits 0 too.
        var lsRemote = await ScriptRunner.RunAsync("git", ["ls-remote", "origin"], root, TimeSpan.FromSeconds(20), cancellationToken, outputCap: 8 * 1024);
        if (!lsRemote.Succeeded)
        {
            details.AddRange(lsRemote.Output.TrimEnd().Split('\n'));
            return CheckOutcome.Unhealthy($"origin is not reachable ({(lsRemote.TimedOut ? "timed out" : $"git ls-remote exit {lsRemote.ExitCode}")}).",
                "Check network and credentials: git remote -v, then git ls-remote origin", details);
        }

        return dirtyCount > 0
            ? CheckOutcome.Degraded($"{dirtyCount} uncommitted change(s) in the working copy; origin reachable.", "Review them with git status; commit or restore them.", details)
            : CheckOutcome.Healthy("Clean working copy; origin reachable; objects readable.", details);
    }

    /// <summary>Reads every object reachable from HEAD's tree; returns what failed, or null.</summary>
    private static string? FindCorruption(Repository repo, CancellationToken cancellationToken)
    {
        try
        {
            var head = repo.Head.Tip;
            if (head is null)
            {
                return null;
            }

            var pending = new Stack<Tree>([head.Tree]);
            while (pending.TryPop(out var tree))
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var entry in tree)
                {
                    switch (entry.Target)
                    {
                        case Tree subtree:
                            pending.Push(subtree);
                            break;
                        case Blob blob:
                            using (var content = blob.GetContentStream())
                            {
                                content.CopyTo(Stream.Null);
                            }

                            break;
                    }
                }
            }

            return null;
        }
        catch (LibGit2SharpException ex)
        {
            return ex.Message;
        }
    }
}
