using System.Globalization;
using OrchestrationMaint.Core.Health.Checks;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Tasks.Storage;

/// <summary>
/// The seed's daily "Disk Space Monitoring" (<c>df -h .</c>, <c>du -sh logs/</c>): filesystem usage, the
/// sizes of logs/ and backups/, and the growth since the previous disk check run.
/// </summary>
public sealed class DiskCheckTask(ThresholdService thresholds, Queue.RunHistory history) : IMaintenanceTask
{
    public TaskDescriptor Descriptor { get; } = new(
        "disk-check", "Disk space check",
        "Measures the target's filesystem, logs/ and backups/, and how much they grew since the last disk check.",
        TaskCadence.Daily, ChangesTarget: false, TimeSpan.FromMinutes(5), [],
        "df -h .; du -sh logs/");

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var usage = await Task.Run(() => DiskMeasurements.Measure(context.Root), cancellationToken);
        var (_, _, _, mount) = DiskMeasurements.FileSystem(context.Root);
        var previous = await history.LastResultAsync<DiskResult>(Descriptor.Key, context.RunId, cancellationToken);
        var result = new DiskResult(usage.UsedPercent, usage.TotalBytes, usage.FreeBytes, usage.LogsBytes, usage.BackupsBytes, mount);
        context.Log(string.Create(CultureInfo.InvariantCulture, $"filesystem {mount}: {usage.UsedPercent:0.0} % used, {TargetInspector.FormatSize(usage.FreeBytes)} free of {TargetInspector.FormatSize(usage.TotalBytes)}"));
        context.Log($"logs/     {TargetInspector.FormatSize(usage.LogsBytes)}{Growth(usage.LogsBytes, previous?.LogsBytes)}");
        context.Log($"backups/  {TargetInspector.FormatSize(usage.BackupsBytes)}{Growth(usage.BackupsBytes, previous?.BackupsBytes)}");
        var limits = thresholds.Current;
        var issues = new List<string>();
        if (usage.UsedPercent >= limits.DiskWarningPercent)
        {
            issues.Add(string.Create(CultureInfo.InvariantCulture, $"Disk {usage.UsedPercent:0.0} % used (alert at {limits.DiskWarningPercent:0} %): run log cleanup or remove old backups"));
        }

        if (usage.LogsBytes >= LogsSizeCheck.WarningBytes)
        {
            issues.Add($"logs/ holds {TargetInspector.FormatSize(usage.LogsBytes)}: consider log cleanup");
        }

        return TaskOutcome.Success(
            string.Create(CultureInfo.InvariantCulture, $"Disk {usage.UsedPercent:0.0} % used, {TargetInspector.FormatSize(usage.FreeBytes)} free; logs {TargetInspector.FormatSize(usage.LogsBytes)}, backups {TargetInspector.FormatSize(usage.BackupsBytes)}."),
            issues, result);
    }

    private static string Growth(long now, long? before) => before is not { } previous ? "" : now == previous
        ? "  (unchanged since the last disk check)"
        : $"  ({(now > previous ? "+" : "−")}{TargetInspector.FormatSize(Math.Abs(now - previous))} since the last disk check)";

    public sealed record DiskResult(double UsedPercent, long TotalBytes, long FreeBytes, long LogsBytes, long BackupsBytes, string MountPoint);
}
