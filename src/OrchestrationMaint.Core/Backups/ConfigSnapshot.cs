using System.Globalization;

namespace OrchestrationMaint.Core.Backups;

/// <summary>
/// The seed's configuration backup (<c>cp -r config/ config_backup_$(date +%Y%m%d_%H%M%S)/</c>), into
/// backups/. Never overwrites: a name already taken moves on to the next second. Symlinks inside
/// config/ are not followed; a FIFO or device is refused.
/// </summary>
public static class ConfigSnapshot
{
    /// <param name="beforeRename">Called with the complete staging copy before it gets its final name (the manifest goes in here).</param>
    /// <returns>The new snapshot's full path, or null when there is no config/ to copy.</returns>
    public static string? Create(string root, DateTimeOffset now, Action<string>? beforeRename = null)
    {
        var source = Path.Combine(root, "config");
        if (!Directory.Exists(source))
        {
            return null;
        }

        var backups = Path.Combine(root, "backups");
        Directory.CreateDirectory(backups);
        var stamp = now.UtcDateTime;
        string target;
        while (true)
        {
            target = Path.Combine(backups, "config_backup_" + stamp.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture));
            if (!Path.Exists(target))
            {
                break;
            }

            stamp = stamp.AddSeconds(1);
        }

        // Built beside its final name and renamed, so a half-copied snapshot is never listed as a backup.
        var staging = Path.Combine(backups, $".{Path.GetFileName(target)}.partial");
        try
        {
            Copy(new DirectoryInfo(source), staging);
            beforeRename?.Invoke(staging);
            Directory.Move(staging, target);
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw;
        }
        return target;
    }

    private static void Copy(DirectoryInfo source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var entry in source.EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null)
            {
                continue;
            }

            var destination = Path.Combine(target, entry.Name);
            if (entry is DirectoryInfo directory)
            {
                Copy(directory, destination);
            }
            else if (Metrics.FileIdentity.Of(entry.FullName).Kind != Metrics.FileKind.Regular)
            {
                // Opening a FIFO would block for ever; a device has no business in config/.
                throw new IOException($"config/{entry.Name} is not a regular file (a FIFO or device): refusing to snapshot it. Remove it from config/.");
            }
            else
            {
                ((FileInfo)entry).CopyTo(destination);
            }
        }
    }
}
