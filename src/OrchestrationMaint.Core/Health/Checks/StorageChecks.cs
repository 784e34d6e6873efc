using OrchestrationMaint.Core.Backups;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Health.Checks;

public sealed record DiskUsage(double UsedPercent, long TotalBytes, long FreeBytes, long LogsBytes, long BackupsBytes);

/// <summary>Sizes the dashboard shows: the target's file system (seed: "df -h ."), logs/ and backups (seed: "du -sh logs/").</summary>
public static class DiskMeasurements
{
    /// <summary>Null when the target cannot be measured right now (gone, unreadable): callers show that, never fail.</summary>
    public static DiskUsage? TryMeasure(string root)
    {
        try
        {
            return Directory.Exists(root) ? Measure(root) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    public static DiskUsage Measure(string root)
    {
        var (used, total, free, _) = FileSystem(root);
        var backups = BackupCatalog.List(root).Sum(b => SizeOf(b.Path));
        return new DiskUsage(used, total, free, SizeOf(Path.Combine(root, "logs")), backups);
    }

    /// <summary>The file system holding <paramref name="root"/>: used %, total and free bytes, mount point.</summary>
    public static (double UsedPercent, long TotalBytes, long FreeBytes, string MountPoint) FileSystem(string root)
    {
        var drive = new DriveInfo(root);
        var used = drive.TotalSize == 0 ? 0 : 100.0 * (drive.TotalSize - drive.AvailableFreeSpace) / drive.TotalSize;
        return (used, drive.TotalSize, drive.AvailableFreeSpace, drive.Name);
    }

    /// <summary>The bytes of a file, or of every file below a directory (links not followed).</summary>
    public static long SizeOf(string path)
    {
        if (File.Exists(path))
        {
            return new FileInfo(path).Length;
        }

        if (!Directory.Exists(path))
        {
            return 0;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        return new DirectoryInfo(path).EnumerateFiles("*", options).Sum(f => f.Length);
    }
}

public sealed class DiskCheck(ThresholdService thresholds) : ITargetCheck
{
    public string Key => "disk";

    public string Title => "Disk space";

    public Task<CheckOutcome> RunAsync(string root, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(root))
        {
            return Task.FromResult(CheckOutcome.Unhealthy("The target root does not exist, so its disk cannot be measured.", "Fix Target:Root first."));
        }

        var (used, total, free, mountPoint) = DiskMeasurements.FileSystem(root);
        var limits = thresholds.Current;
        var message = $"{used:0.#} % used, {TargetInspector.FormatSize(free)} free of {TargetInspector.FormatSize(total)} ({mountPoint}).";
        const string Remedy = "Free space: clean old logs (bash scripts/performance_monitor.sh clean 30), remove old backups, or grow the file system.";
        return Task.FromResult(
            used >= limits.DiskCriticalPercent ? CheckOutcome.Unhealthy(message, Remedy)
            : used >= limits.DiskWarningPercent ? CheckOutcome.Degraded(message, Remedy)
            : CheckOutcome.Healthy(message));
    }
}

public sealed class LogsSizeCheck : ITargetCheck
{
    /// <summary>Above this the logs need a clean-up; the seed's weekly cleanup keeps them far below.</summary>
    public const long WarningBytes = 1024L * 1024 * 1024;

    public string Key => "logs-size";

    public string Title => "Log size";

    public Task<CheckOutcome> RunAsync(string root, CancellationToken cancellationToken)
    {
        var logs = Path.Combine(root, "logs");
        if (!Directory.Exists(logs))
        {
            return Task.FromResult(CheckOutcome.Degraded("logs/ does not exist.", "The scripts create it on their next run; or mkdir logs"));
        }

        var files = new DirectoryInfo(logs).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }).ToList();
        var total = files.Sum(f => f.Length);
        var details = files.OrderByDescending(f => f.Length).Take(10).Select(f => $"{Path.GetRelativePath(root, f.FullName)}  {TargetInspector.FormatSize(f.Length)}").ToList();
        var message = $"logs/ holds {TargetInspector.FormatSize(total)} in {files.Count} file(s).";
        return Task.FromResult(total > WarningBytes
            ? CheckOutcome.Degraded(message, "Clean old logs: bash scripts/performance_monitor.sh clean 30", details)
            : CheckOutcome.Healthy(message, details));
    }
}

public sealed class BackupsCheck(ThresholdService thresholds, TimeProvider clock) : ITargetCheck
{
    public string Key => "backups";

    public string Title => "Backups";

    public Task<CheckOutcome> RunAsync(string root, CancellationToken cancellationToken)
    {
        var backups = BackupCatalog.List(root);
        const string Remedy = "Make a backup now: tar -czf backups/backup_$(date +%Y%m%d_%H%M%S).tar.gz scripts/ modules/ config/";
        if (backups.Count == 0)
        {
            return Task.FromResult(CheckOutcome.Degraded("No backups found in backups/ or at the target root.", Remedy));
        }

        var newest = backups[0];
        var age = clock.GetUtcNow() - newest.CreatedAt;
        var details = backups.Take(10).Select(b => $"{(b.AtRoot ? "" : "backups/")}{b.Name}  {b.CreatedAt:yyyy-MM-dd HH:mm} UTC").ToList();
        var message = $"Newest backup {newest.Name} is {FormatAge(age)} old ({backups.Count} in all).";
        return Task.FromResult(age.TotalDays > thresholds.Current.BackupMaxAgeDays
            ? CheckOutcome.Degraded(message, Remedy, details)
            : CheckOutcome.Healthy(message, details));
    }

    internal static string FormatAge(TimeSpan age) => age.TotalMinutes < 90 ? $"{Math.Max(0, age.TotalMinutes):0} min"
        : age.TotalHours < 48 ? $"{age.TotalHours:0} h"
        : $"{age.TotalDays:0} days";
}
