using System.Text;

namespace OrchestrationMaint.Core.Backups;

/// <summary>
/// Swaps staged directories into the target with renames, and writes down each step first, so a
/// crash at any point leaves the old tree or the new one, never a mix: an unfinished swap found at
/// start-up (or a swap the caller rejects) is rolled back to the old trees, which are kept until
/// <see cref="Commit"/>. Renames never follow symlinks, so a symlink in the live target is replaced,
/// never written through. Staging lives at <c>.om-restore-*</c> in the target root: same filesystem,
/// so every rename is atomic.
/// </summary>
public sealed class RestoreSwap
{
    public const string Prefix = ".om-restore-";
    private const string JournalName = "journal";
    private readonly string _root;
    private readonly string _stage;
    private readonly IReadOnlyList<string> _directories;

    private RestoreSwap(string root, string stage, IReadOnlyList<string> directories)
    {
        _root = root;
        _stage = stage;
        _directories = directories;
    }

    /// <summary>Where the caller puts the new trees: <c>NewTree/scripts</c>, <c>NewTree/config</c>, …</summary>
    public string NewTree => Path.Combine(_stage, "new");

    private string OldTree => Path.Combine(_stage, "old");

    private string Journal => Path.Combine(_stage, JournalName);

    public static RestoreSwap Begin(string root, string id, IReadOnlyList<string> directories)
    {
        var stage = Path.Combine(root, Prefix + id);
        if (Path.Exists(stage))
        {
            throw new IOException($"{Prefix}{id} already exists in the target: an earlier restore was not cleaned up. Restart the app to roll it back.");
        }

        Directory.CreateDirectory(Path.Combine(stage, "new"));
        Directory.CreateDirectory(Path.Combine(stage, "old"));
        var swap = new RestoreSwap(root, stage, directories);
        swap.Append($"plan {string.Join(',', directories)}");
        return swap;
    }

    /// <summary>Moves each live directory that has a staged replacement aside, and the staged one into its place.</summary>
    public void Apply()
    {
        foreach (var directory in _directories)
        {
            var staged = Path.Combine(NewTree, directory);
            if (!Directory.Exists(staged))
            {
                // The backup does not hold it: the live one stays, as the restore plan showed.
                continue;
            }

            var live = Path.Combine(_root, directory);
            if (Path.Exists(live) || new FileInfo(live).LinkTarget is not null)
            {
                Directory.Move(live, Path.Combine(OldTree, directory));
            }
            else
            {
                // Not there before: a rollback must take the restored one away again.
                Append($"absent {directory}");
            }

            Directory.Move(staged, live);
            Append($"swapped {directory}");
        }
    }

    /// <summary>Keeps the new trees and removes the old ones and the staging directory.</summary>
    public void Commit()
    {
        Append("committed");
        DeleteStage(_stage);
    }

    /// <summary>Puts every old tree back (removing the new ones) and removes the staging directory.</summary>
    public void RollBack() => RollBack(_root, _stage, _directories, Absent(Journal));

    /// <summary>Finds swaps a crash left unfinished and rolls each back; returns what it did, one sentence each.</summary>
    public static IReadOnlyList<string> RecoverAll(string root)
    {
        var done = new List<string>();
        if (!Directory.Exists(root))
        {
            return done;
        }

        foreach (var stage in Directory.GetDirectories(root, Prefix + "*"))
        {
            var journal = Path.Combine(stage, JournalName);
            var lines = File.Exists(journal) ? File.ReadAllLines(journal) : [];
            if (lines.Contains("committed"))
            {
                DeleteStage(stage);
                done.Add($"Removed the leftovers of a finished restore ({Path.GetFileName(stage)}).");
                continue;
            }

            var plan = lines.FirstOrDefault(l => l.StartsWith("plan ", StringComparison.Ordinal))?[5..].Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
            RollBack(root, stage, plan, Absent(journal));
            done.Add($"Rolled back a restore the app did not finish ({Path.GetFileName(stage)}): {string.Join(", ", plan)} are as they were before it.");
        }

        return done;
    }

    private static HashSet<string> Absent(string journal) => File.Exists(journal)
        ? File.ReadAllLines(journal).Where(l => l.StartsWith("absent ", StringComparison.Ordinal)).Select(l => l[7..]).ToHashSet(StringComparer.Ordinal)
        : new HashSet<string>();

    private static void RollBack(string root, string stage, IReadOnlyList<string> directories, HashSet<string> absent)
    {
        var old = Path.Combine(stage, "old");
        var discard = Path.Combine(stage, "discard");
        Directory.CreateDirectory(discard);
        foreach (var directory in directories)
        {
            var restored = Path.Combine(root, directory);
            if (absent.Contains(directory) && (Path.Exists(restored) || new FileInfo(restored).LinkTarget is not null))
            {
                Directory.Move(restored, Path.Combine(discard, directory));
                continue;
            }

            var saved = Path.Combine(old, directory);
            if (!Path.Exists(saved) && new FileInfo(saved).LinkTarget is null)
            {
                // Never moved aside: the live tree is the old one (or the swap had not reached it).
                continue;
            }

            var live = Path.Combine(root, directory);
            if (Path.Exists(live) || new FileInfo(live).LinkTarget is not null)
            {
                Directory.Move(live, Path.Combine(discard, directory));
            }

            Directory.Move(saved, live);
        }

        DeleteStage(stage);
    }

    private void Append(string line)
    {
        using var stream = new FileStream(Journal, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Encoding.UTF8.GetBytes(line + "\n"));
        stream.Flush(flushToDisk: true);
    }

    private static void DeleteStage(string stage)
    {
        // Recursive delete removes symlinks themselves, never what they point to; read-only directories are opened up first.
        StagingWriter.Remove(stage);
    }
}
