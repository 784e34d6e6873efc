using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrchestrationMaint.Core.Backups;

/// <summary>
/// The identity of a backup's bytes at one moment, as 64 hex characters: for an archive its size,
/// modification time and SHA-256; for a snapshot directory, each entry's path, type, size, modification
/// time and SHA-256 (a symlink's target). A restore plan carries the fingerprint of what it was made
/// from, and the restore refuses if the backup no longer has it: nothing else ties a hand-made backup
/// (no manifest) to what the operator reviewed, and the seed's <c>tar -czf backup_$(date +%Y%m%d).tar.gz</c>
/// overwrites one in place the same day. A restore also extracts only bytes with the fingerprint it
/// verified, so a change between its own checks and its extraction is caught too.
/// </summary>
public static class BackupFingerprint
{
    public static bool IsWellFormed(string? value) => value is { Length: 64 } && value.All(char.IsAsciiHexDigitLower);

    internal static string OfArchive(long size, DateTime modifiedUtc, string sha256)
    {
        using var builder = new Builder();
        builder.Add(string.Create(CultureInfo.InvariantCulture, $"archive {size} {modifiedUtc.Ticks} {sha256}"));
        return builder.Finish();
    }

    /// <summary>Accumulates a snapshot's entries in the order they are read (the scan's, which is sorted).</summary>
    internal sealed class Builder : IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        /// <param name="modifiedUtc">A file's modification time; directories and links are identified by their names and targets alone.</param>
        public void Add(ArchiveEntry entry, DateTime modifiedUtc) =>
            // Lengths first: a name may hold spaces or newlines, and must not be able to pass for two fields.
            Add(string.Create(CultureInfo.InvariantCulture,
                $"{entry.Kind} {entry.Path.Length}:{entry.Path} {entry.Size} {(entry.Kind == ArchiveEntryKind.File ? modifiedUtc.Ticks : 0)} {entry.Sha256 ?? "-"} {entry.LinkTarget?.Length ?? 0}:{entry.LinkTarget}"));

        public void Add(string line) => _hash.AppendData(Encoding.UTF8.GetBytes(line + "\n"));

        public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        public void Dispose() => _hash.Dispose();
    }
}

/// <summary>The backup is no longer the one whose fingerprint the restore was given: nothing was restored from it.</summary>
public sealed class BackupChangedException(string message) : IOException(message);
