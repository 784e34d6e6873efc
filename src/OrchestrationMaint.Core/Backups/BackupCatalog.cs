using System.Globalization;
using System.Text.RegularExpressions;

namespace OrchestrationMaint.Core.Backups;

public enum BackupKind
{
    ConfigurationSnapshot,
    SystemState,
}

/// <param name="CreatedAt">From the name (the seed's naming); a date-only name counts from midnight UTC.</param>
public sealed record BackupEntry(string Path, string Name, BackupKind Kind, DateTimeOffset CreatedAt, bool AtRoot);

/// <summary>
/// Finds backups by the target's naming: <c>config_backup_YYYYmmdd_HHMMSS/</c> directories and
/// <c>backup_YYYYmmdd[_HHMMSS].tar.gz</c> archives, in <c>backups/</c> and (made by hand) at the root.
/// </summary>
public static partial class BackupCatalog
{
    public static IReadOnlyList<BackupEntry> List(string root)
    {
        var found = new List<BackupEntry>();
        foreach (var (directory, atRoot) in new[] { (Path.Combine(root, "backups"), false), (root, true) })
        {
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFileSystemEntries(directory))
            {
                var name = Path.GetFileName(path);
                if (Parse(name) is { } parsed && (parsed.Kind == BackupKind.ConfigurationSnapshot ? Directory.Exists(path) : File.Exists(path)))
                {
                    found.Add(new BackupEntry(path, name, parsed.Kind, parsed.CreatedAt, atRoot));
                }
            }
        }

        return [.. found.OrderByDescending(b => b.CreatedAt)];
    }

    internal static (BackupKind Kind, DateTimeOffset CreatedAt)? Parse(string name)
    {
        if (ConfigSnapshot().Match(name) is { Success: true } config && TryStamp(config.Groups["stamp"].Value, out var configAt))
        {
            return (BackupKind.ConfigurationSnapshot, configAt);
        }

        if (SystemState().Match(name) is { Success: true } state && TryStamp(state.Groups["stamp"].Value, out var stateAt))
        {
            return (BackupKind.SystemState, stateAt);
        }

        return null;
    }

    private static bool TryStamp(string stamp, out DateTimeOffset at) =>
        DateTimeOffset.TryParseExact(stamp, ["yyyyMMdd_HHmmss", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);

    [GeneratedRegex(@"^config_backup_(?<stamp>\d{8}_\d{6})$")]
    private static partial Regex ConfigSnapshot();

    [GeneratedRegex(@"^backup_(?<stamp>\d{8}(_\d{6})?)\.tar\.gz$")]
    private static partial Regex SystemState();
}
