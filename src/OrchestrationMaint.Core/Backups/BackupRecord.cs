namespace OrchestrationMaint.Core.Backups;

public enum BackupStatus
{
    /// <summary>Made by us, not verified since.</summary>
    Unverified,
    Verified,
    Corrupt,
    /// <summary>Found on disk without a manifest (made by hand, the seed's way): readable and safe, but nothing to check its content against.</summary>
    ReadableWithoutManifest,
    /// <summary>Registered, but no longer on disk.</summary>
    Missing,
}

/// <summary>One backup the dashboard knows of: made by it (with a manifest) or found in backups/ or at the root.</summary>
public sealed class BackupRecord
{
    public long Id { get; set; }

    /// <summary>The opaque id used by the API and the UI: 16 lowercase hex characters, never a path.</summary>
    public required string Key { get; set; }

    public required string Name { get; set; }

    /// <summary>Relative to the target root: <c>backups/NAME</c>, or <c>NAME</c> for one made by hand at the root.</summary>
    public required string RelativePath { get; set; }

    public BackupKind Kind { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public long SizeBytes { get; set; }

    public int FileCount { get; set; }

    /// <summary>
    /// SHA-256 of the archive file itself (system-state backups made by the dashboard, or found with a manifest
    /// inside). Kept here only: an archive cannot hold its own hash, so this is the one part of the manifest
    /// that is not also inside the backup.
    /// </summary>
    public string? Sha256 { get; set; }

    /// <summary>JSON list of every entry: path, kind, size, mode, SHA-256, link target; the same list is inside the backup (<see cref="BackupManifest"/>). Null for backups found without one.</summary>
    public string? Manifest { get; set; }

    public BackupStatus Status { get; set; }

    public DateTimeOffset? VerifiedAt { get; set; }

    public string? VerificationMessage { get; set; }

    /// <summary>Taken automatically before a restore; kept by retention for its age limit.</summary>
    public bool IsSafetyBackup { get; set; }

    public long? RunId { get; set; }

    /// <summary>The last restore drill: when, whether every file came back as recorded, and how long it took.</summary>
    public DateTimeOffset? LastDrillAt { get; set; }

    public bool? LastDrillPassed { get; set; }

    public double? LastDrillSeconds { get; set; }

    public bool IsRestorable => Status is BackupStatus.Verified or BackupStatus.Unverified or BackupStatus.ReadableWithoutManifest;
}
