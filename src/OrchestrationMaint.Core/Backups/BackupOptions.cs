namespace OrchestrationMaint.Core.Backups;

public sealed class BackupOptions
{
    public const string SectionName = "Backups";

    /// <summary>Retention keeps at least this many of the newest backups...</summary>
    public int KeepNewest { get; set; } = 10;

    /// <summary>...and every backup younger than this many days (safety backups included).</summary>
    public int KeepDays { get; set; } = 30;

    /// <summary>Caps on what a backup may hold; an archive over them is refused before anything is written.</summary>
    public int MaxEntries { get; set; } = 20_000;

    public long MaxTotalBytes { get; set; } = 4L << 30;

    public ArchiveLimits Limits => new(MaxEntries, MaxTotalBytes, Math.Min(MaxTotalBytes, 1L << 30));
}
