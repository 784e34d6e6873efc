using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Records;

/// <summary>
/// Stores a maintenance record (the system of record) and appends its line to the target's
/// logs/maintenance.log (the human-readable mirror, format in target-system.md).
/// </summary>
public sealed class MaintenanceRecorder(IDbContextFactory<MaintenanceDbContext> contextFactory, TargetLocation location, ILogger<MaintenanceRecorder> logger)
{
    private static readonly Lock LogGate = new();
    private readonly Subscribers<MaintenanceRecord> _subscribers = new(logger);

    public string LogPath => Path.Combine(location.Root, "logs", "maintenance.log");

    public async Task RecordAsync(MaintenanceRecord record, CancellationToken cancellationToken)
    {
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            db.MaintenanceRecords.Add(record);
            await db.SaveChangesAsync(cancellationToken);
        }

        AppendToLog(record);
        _subscribers.Notify(record);
    }

    /// <summary>Called on the writer's thread after each stored record; dispose to stop.</summary>
    public IDisposable Subscribe(Action<MaintenanceRecord> onRecord) => _subscribers.Add(onRecord);

    /// <summary>One tab-separated line; tabs and line breaks inside a field would break the format, so they become spaces.</summary>
    public static string FormatLine(MaintenanceRecord record)
    {
        var line = new StringBuilder()
            .Append(record.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append('\t')
            .Append(Clean(record.Task)).Append('\t')
            .Append(Clean(record.Outcome)).Append('\t')
            .Append("by=").Append(Clean(record.RequestedBy));
        if (record.Issues.Length > 0)
        {
            line.Append("\tissues=").Append(Clean(record.Issues));
        }

        return line.Append('\n').ToString();
    }

    private static string Clean(string text) => text.ReplaceLineEndings(" ").Replace('\t', ' ');

    private void AppendToLog(MaintenanceRecord record)
    {
        var directory = Path.GetDirectoryName(LogPath)!;
        if (new DirectoryInfo(directory).LinkTarget is not null || new FileInfo(LogPath).LinkTarget is not null)
        {
            // Appending through a symlink would write wherever it points.
            logger.LogWarning("Maintenance record {Id} is stored, but not mirrored: {Path} or its directory is a symbolic link.", record.Id, LogPath);
            return;
        }

        if (!Directory.Exists(directory))
        {
            // A missing logs/ is a health finding, not something to paper over by creating it here.
            logger.LogWarning("Maintenance record {Id} is stored, but not mirrored: {Directory} does not exist.", record.Id, directory);
            return;
        }

        try
        {
            lock (LogGate)
            {
                // One write call in append mode: lines from the scripts and from us never interleave mid-line.
                using var stream = new FileStream(LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                stream.Write(Encoding.UTF8.GetBytes(FormatLine(record)));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Maintenance record {Id} is stored, but could not be appended to {Path}.", record.Id, LogPath);
        }
    }
}
