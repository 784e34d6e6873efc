using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Tasks.Permissions;

/// <summary>
/// The seed's "Permission Issues" fix (<c>chmod +x scripts/*.sh modules/*.sh</c>), safely: only regular
/// files directly in scripts/ and modules/, never through a symlink (lstat), execute bits added where
/// read bits are, and a report of exactly what changed.
/// </summary>
public sealed class FixPermissionsTask : IMaintenanceTask
{
    private static readonly string[] Directories = ["scripts", "modules"];

    public TaskDescriptor Descriptor { get; } = new(
        "fix-permissions", "Fix script permissions",
        "Sets the execute bit on scripts/*.sh and modules/*.sh (regular files only; symlinks are never followed) and lists every change.",
        TaskCadence.OnDemand, ChangesTarget: true, TimeSpan.FromMinutes(2), [],
        "chmod +x scripts/*.sh; chmod +x modules/*.sh");

    public Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var changed = new List<object>();
        var skipped = new List<string>();
        var unchanged = 0;
        foreach (var directory in Directories)
        {
            var path = Path.Combine(context.Root, directory);
            if (!Directory.Exists(path) || new DirectoryInfo(path).LinkTarget is not null)
            {
                skipped.Add($"{directory}/ is missing or a symlink; not touched");
                continue;
            }

            foreach (var file in Directory.GetFiles(path, "*.sh").Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var relative = $"{directory}/{Path.GetFileName(file)}";
                // A symlink is skipped, never followed to a file outside the target; so is a FIFO or device.
                if (new FileInfo(file).LinkTarget is not null || FileIdentity.Of(file).Kind != FileKind.Regular)
                {
                    skipped.Add($"{relative} is not a regular file; not touched");
                    context.Log($"  skipped {relative}: not a regular file");
                    continue;
                }

                var before = File.GetUnixFileMode(file);
                var after = before | ExecuteFor(before);
                if (after == before)
                {
                    unchanged++;
                    continue;
                }

                var beforeText = FileModes.Describe(file);
                File.SetUnixFileMode(file, after);
                var afterText = FileModes.Describe(file);
                context.Log($"  {relative}: {beforeText} -> {afterText}");
                changed.Add(new { file = relative, before = beforeText, after = afterText });
            }
        }

        context.Log($"{changed.Count} file(s) changed, {unchanged} already executable, {skipped.Count} skipped.");
        return Task.FromResult(TaskOutcome.Success(
            changed.Count == 0 ? $"Nothing to fix: {unchanged} script(s) already executable." : $"Made {changed.Count} script(s) executable.",
            skipped, new { changed, unchanged, skipped }));
    }

    /// <summary>chmod +x honours the umask; we add execute exactly where read is allowed, which is what people mean.</summary>
    private static UnixFileMode ExecuteFor(UnixFileMode mode) =>
        ((mode & UnixFileMode.UserRead) != 0 ? UnixFileMode.UserExecute : 0) |
        ((mode & UnixFileMode.GroupRead) != 0 ? UnixFileMode.GroupExecute : 0) |
        ((mode & UnixFileMode.OtherRead) != 0 ? UnixFileMode.OtherExecute : 0);
}
