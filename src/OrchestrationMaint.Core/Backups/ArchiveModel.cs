namespace OrchestrationMaint.Core.Backups;

/// <summary>
/// What an archive may hold before it is refused. The defaults fit a target's scripts, modules and
/// configuration with a wide margin; the ratio is compressed-to-plain as read so far (gzip cannot
/// honestly exceed about 1,032:1, so 1,000 only stops data that is almost all one repeated byte).
/// </summary>
public sealed record ArchiveLimits(int MaxEntries = 10_000, long MaxTotalBytes = 2L << 30, long MaxEntryBytes = 1L << 30, double MaxCompressionRatio = 1000);

public enum ArchiveEntryKind
{
    File,
    Directory,
    Symlink,
}

/// <param name="Path">Normalized: relative, '/'-separated, no "." or ".." segments, no trailing slash.</param>
/// <param name="Size">Bytes of content; 0 for directories and symlinks.</param>
/// <param name="Mode">Permission bits as stored in the archive (setuid/setgid never stored by <see cref="SafeArchive.Create"/>).</param>
/// <param name="Sha256">Lower-case hex SHA-256 of a file's content; null for directories and symlinks.</param>
/// <param name="LinkTarget">A symlink's target exactly as stored; null otherwise.</param>
public sealed record ArchiveEntry(string Path, ArchiveEntryKind Kind, long Size, UnixFileMode Mode, string? Sha256, string? LinkTarget);

/// <param name="Path">The final path of the archive.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the .tar.gz file itself.</param>
/// <param name="SizeBytes">Size of the .tar.gz file.</param>
/// <param name="Entries">What was stored, in archive order; the manifest to hand back to Inspect/ExtractTo.</param>
/// <param name="MissingDirectories">Requested top-level directories that did not exist and were skipped.</param>
public sealed record ArchiveCreated(string Path, string Sha256, long SizeBytes, IReadOnlyList<ArchiveEntry> Entries, IReadOnlyList<string> MissingDirectories);

/// <summary>What reading a whole backup (archive or snapshot directory) found, every check passed.</summary>
/// <param name="Entries">Every entry but the manifest, in the backup's order.</param>
/// <param name="EmbeddedManifest">The entries of the manifest the backup carries inside it (<see cref="BackupManifest"/>), already checked against <paramref name="Entries"/>; null without one.</param>
/// <param name="NewerManifestVersion">The backup carries a manifest of a newer format than this version reads; it was left unused.</param>
/// <param name="Fingerprint">The identity of exactly the bytes read (<see cref="BackupFingerprint"/>).</param>
/// <param name="ArchiveSha256">SHA-256 of the archive file as read; null for a snapshot directory.</param>
public sealed record BackupContents(IReadOnlyList<ArchiveEntry> Entries, IReadOnlyList<ArchiveEntry>? EmbeddedManifest, int? NewerManifestVersion, string Fingerprint, string? ArchiveSha256);

/// <summary>
/// An archive (or, for <see cref="SafeArchive.Create"/>, a source tree) that breaks the safety policy.
/// The message is one sentence naming the problem and the entry, and saying that nothing was written.
/// </summary>
public sealed class UnsafeArchiveException : Exception
{
    public UnsafeArchiveException()
        : this("the archive is unsafe")
    {
    }

    public UnsafeArchiveException(string problem)
        : base($"{problem}; nothing was written.")
    {
        Problem = problem;
    }

    public UnsafeArchiveException(string problem, Exception innerException)
        : base($"{problem}; nothing was written.", innerException)
    {
        Problem = problem;
    }

    /// <summary>The message without its closing clause, for wrapping in a larger sentence.</summary>
    public string Problem { get; }
}
