using Microsoft.Extensions.Options;

namespace OrchestrationMaint.Core.Target;

/// <summary>
/// Looks at the target's layout without changing anything. Never throws for a broken target:
/// every problem becomes a sentence that says what is wrong and what to do.
/// </summary>
public sealed class TargetInspector(TargetLocation location, TimeProvider clock)
{
    public TargetStatus Inspect()
    {
        var root = location.Root;
        var problem = RootProblem(root, location.IsDemo);
        var entries = problem is null
            ? TargetLayout.Entries.Select(entry => InspectEntry(root, entry)).ToList()
            : TargetLayout.Entries.Select(entry => new LayoutEntryStatus(entry, EntryState.Missing, "Not checked: the target root cannot be read.")).ToList();
        return new TargetStatus(root, location.Name, location.IsDemo, clock.GetUtcNow(), problem, entries);
    }

    private static string? RootProblem(string root, bool isDemo)
    {
        const string Remedy = "Set Target:Root (environment variable Target__Root) to the orchestration system's directory, or leave it empty to use the built-in demo target.";
        try
        {
            if (File.Exists(root))
            {
                return $"The target root '{root}' is a file, not a directory. {Remedy}";
            }

            if (!Directory.Exists(root))
            {
                return isDemo
                    ? $"The demo target '{root}' does not exist: it could not be created at start-up (see the app log). Restart the app to try again."
                    : $"The target root '{root}' does not exist. {Remedy}";
            }

            using var entries = Directory.EnumerateFileSystemEntries(root).GetEnumerator();
            entries.MoveNext();
            return null;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return $"The target root '{root}' cannot be read: {ex.Message} Give the app's user read access to it (and write access for maintenance tasks).";
        }
    }

    private static LayoutEntryStatus InspectEntry(string root, LayoutEntry entry)
    {
        try
        {
            var path = Path.Combine(root, entry.Path);
            return entry.Kind switch
            {
                LayoutEntryKind.Directory => InspectDirectory(path, entry),
                LayoutEntryKind.FilePattern => InspectPattern(root, entry),
                _ => InspectFile(path, entry),
            };
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return new(entry, EntryState.Problem, $"Cannot be read: {ex.Message}");
        }
    }

    private static LayoutEntryStatus InspectFile(string path, LayoutEntry entry)
    {
        if (Directory.Exists(path))
        {
            return new(entry, EntryState.Problem, "Is a directory, not a file.");
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return Missing(entry);
        }

        if (entry.Kind == LayoutEntryKind.ExecutableFile && !FileModes.IsExecutable(path))
        {
            return new(entry, EntryState.Problem, $"Not executable. Fix with: chmod +x {entry.Path}");
        }

        return new(entry, EntryState.Present, FormatSize(info.Length));
    }

    private static LayoutEntryStatus InspectDirectory(string path, LayoutEntry entry)
    {
        if (File.Exists(path))
        {
            return new(entry, EntryState.Problem, "Is a file, not a directory.");
        }

        if (!Directory.Exists(path))
        {
            return Missing(entry);
        }

        var count = Directory.EnumerateFileSystemEntries(path).Count();
        return new(entry, EntryState.Present, count == 1 ? "1 entry" : $"{count} entries");
    }

    private static LayoutEntryStatus InspectPattern(string root, LayoutEntry entry)
    {
        var directory = Path.Combine(root, Path.GetDirectoryName(entry.Path)!);
        if (!Directory.Exists(directory))
        {
            return Missing(entry);
        }

        var files = Directory.GetFiles(directory, Path.GetFileName(entry.Path)).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            return Missing(entry);
        }

        var notExecutable = files.Where(f => !FileModes.IsExecutable(f)).Select(Path.GetFileName).ToList();
        return notExecutable.Count == 0
            ? new(entry, EntryState.Present, files.Count == 1 ? "1 file" : $"{files.Count} files")
            : new(entry, EntryState.Problem, $"{notExecutable.Count} of {files.Count} not executable ({string.Join(", ", notExecutable)}). Fix with: chmod +x {entry.Path}");
    }

    private static LayoutEntryStatus Missing(LayoutEntry entry) =>
        new(entry, EntryState.Missing, entry switch
        {
            { Required: false } => "Not created yet.",
            { Remedy: null } => "Missing.",
            _ => $"Missing. {entry.Remedy}",
        });

    public static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.##} GiB",
    };
}
