using System.Buffers;
using System.Globalization;

namespace OrchestrationMaint.Core.Backups;

/// <param name="Path">The new snapshot's full path.</param>
/// <param name="Entries">What it holds, relative to it (its manifest aside).</param>
public sealed record SnapshotCreated(string Path, IReadOnlyList<ArchiveEntry> Entries);

/// <summary>
/// The seed's configuration backup (<c>cp -r config/ config_backup_$(date +%Y%m%d_%H%M%S)/</c>), into
/// backups/, under the system-state archive's policy and with its scanner (<see cref="SourcePlan"/>):
/// regular files and directories keep their modes minus setuid/setgid; a symlink is copied as a symlink
/// when it stays inside config/ (through any chain of links) and refused with a sentence otherwise; a
/// FIFO, socket or device is refused; a file that changes while it is copied fails the attempt (three
/// attempts). Never overwrites: a name already taken moves on to the next second. Built under a hidden
/// temporary name, every file flushed, its manifest (<see cref="BackupManifest"/>) at its root, and
/// renamed only when complete, so a half-copied snapshot is never listed as a backup.
/// </summary>
public static class ConfigSnapshot
{
    private const UnixFileMode WhileWriting = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode NotCompared = UnixFileMode.SetUser | UnixFileMode.SetGroup;

    /// <returns>The new snapshot, or null when there is no config/ to copy.</returns>
    /// <exception cref="UnsafeArchiveException">config/ breaks the policy (a link leaving it, a FIFO or device, a reserved name) or the limits.</exception>
    /// <exception cref="IOException">The disk filled up, or a file kept changing.</exception>
    public static SnapshotCreated? Create(string root, DateTimeOffset now, ArchiveLimits limits, CancellationToken ct) =>
        Create(root, now, limits, afterOpen: null, ct);

    /// <param name="afterOpen">Called with each file's path once it is open and before it is read: where tests change a file or fill the disk mid-copy.</param>
    internal static SnapshotCreated? Create(string root, DateTimeOffset now, ArchiveLimits limits, Action<string>? afterOpen, CancellationToken ct)
    {
        if (SourceFileTypes.Of(Path.Combine(root, "config")) == SourceFileType.Missing)
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

        var staging = Path.Combine(backups, $".{Path.GetFileName(target)}.partial");
        return SafeArchive.WithRetries(() =>
        {
            try
            {
                var entries = Copy(SourcePlan.Scan(root, ["config"], limits), staging, afterOpen, now, ct);
                SafeArchive.ThrowIfExists(target);
                Directory.Move(staging, target);
                return new SnapshotCreated(target, entries);
            }
            catch (IOException e) when (SafeArchive.IsDiskFull(e))
            {
                StagingWriter.Remove(staging);
                throw SafeArchive.DiskFull(e, backups, "the configuration snapshot");
            }
            catch
            {
                StagingWriter.Remove(staging);
                throw;
            }
        });
    }

    /// <summary>
    /// Reads a whole snapshot directory under the same policy it was made with (a link leaving it, a FIFO or
    /// device is refused), each file hashed as it is read and, given a <paramref name="writer"/>, copied
    /// into staging as it is read (links recorded, made by the caller's <see cref="StagingWriter.Complete"/>
    /// once every check has passed). Checks the content against the manifest inside the snapshot and
    /// against <paramref name="expected"/> (the database's), and the two manifests against each other.
    /// </summary>
    /// <exception cref="UnsafeArchiveException">A check failed; the message says which.</exception>
    /// <exception cref="IOException">A file changed while it was read.</exception>
    internal static BackupContents Read(string snapshot, ArchiveLimits limits, IReadOnlyList<ArchiveEntry>? expected, StagingWriter? writer, CancellationToken ct)
    {
        var full = Path.GetFullPath(snapshot);
        var name = Path.GetFileName(full);
        var plan = SourcePlan.Scan(Path.GetDirectoryName(full)!, [name], limits);
        if (plan.Items.Count == 0 || plan.Items[0].Kind != ArchiveEntryKind.Directory)
        {
            throw new UnsafeArchiveException($"{name} is not a directory (a symlink, a file, or gone)");
        }

        var entries = new List<ArchiveEntry>();
        using var fingerprint = new BackupFingerprint.Builder();
        byte[]? manifest = null, legacy = null;
        foreach (var item in plan.Items)
        {
            ct.ThrowIfCancellationRequested();
            var relative = item.Path == name ? "" : item.Path[(name.Length + 1)..];
            if (relative.Length == 0)
            {
                writer?.Directory("", item.Mode);
                continue;
            }

            if (BackupManifest.IsReservedName(relative))
            {
                var bytes = ReadManifest(item, relative, fingerprint, ct);
                (relative == BackupManifest.FileName ? ref manifest : ref legacy) = bytes;
                continue;
            }

            var entry = item.Kind switch
            {
                ArchiveEntryKind.File => ArchiveWriter.ReadSource(item, null, content => CopyToStaging(content, writer, relative, item), ct) with { Path = relative },
                ArchiveEntryKind.Directory => new ArchiveEntry(relative, ArchiveEntryKind.Directory, 0, item.Mode, null, null),
                _ => new ArchiveEntry(relative, ArchiveEntryKind.Symlink, 0, item.Mode, null, item.LinkTarget),
            };
            if (entry.Kind == ArchiveEntryKind.Directory)
            {
                writer?.Directory(relative, item.Mode);
            }
            else if (entry.Kind == ArchiveEntryKind.Symlink)
            {
                writer?.Symlink(relative, item.LinkTarget!);
            }

            entries.Add(entry);
            fingerprint.Add(entry, item.Modified);
        }

        var (embedded, newer) = manifest is not null ? BackupManifest.ReadEmbedded(manifest, BackupKind.ConfigurationSnapshot, expected)
            : legacy is not null ? BackupManifest.ReadEmbedded(legacy, BackupKind.ConfigurationSnapshot, expected, legacy: true)
            : (null, null);
        if (embedded is not null && Mismatch(embedded, entries) is { } inside)
        {
            throw new UnsafeArchiveException($"it no longer matches the manifest inside it: {inside}");
        }

        if (expected is not null && Mismatch(expected, entries) is { } recorded)
        {
            throw new UnsafeArchiveException($"it no longer matches its manifest: {recorded}");
        }

        return new BackupContents(entries, embedded, newer, fingerprint.Finish(), null);
    }

    /// <summary>
    /// The first difference between a snapshot's manifest and what it holds, or null. Files and symlinks must
    /// match exactly (setuid/setgid aside: the first version recorded them as they were); a directory the
    /// manifest lists must be there, but one it does not list is no difference, because the first version
    /// listed files only.
    /// </summary>
    private static string? Mismatch(IReadOnlyList<ArchiveEntry> manifest, IReadOnlyList<ArchiveEntry> found)
    {
        var actual = found.ToDictionary(e => e.Path, StringComparer.Ordinal);
        foreach (var wanted in manifest)
        {
            if (!actual.Remove(wanted.Path, out var present))
            {
                return $"'{wanted.Path}' is missing";
            }

            if (Comparable(present) != Comparable(wanted))
            {
                return $"'{wanted.Path}' differs ({ArchiveReader.Describe(present)} instead of {ArchiveReader.Describe(wanted)})";
            }
        }

        return actual.Values.FirstOrDefault(e => e.Kind != ArchiveEntryKind.Directory) is { } extra ? $"'{extra.Path}' is not in the manifest" : null;

        static ArchiveEntry Comparable(ArchiveEntry e) => e with { Mode = e.Kind == ArchiveEntryKind.Directory ? 0 : e.Mode & ~NotCompared };
    }

    private static List<ArchiveEntry> Copy(SourcePlan plan, string staging, Action<string>? afterOpen, DateTimeOffset now, CancellationToken ct)
    {
        if (plan.Items.Count == 0 || plan.Items[0].Kind != ArchiveEntryKind.Directory)
        {
            throw new UnsafeArchiveException("config is not a directory");
        }

        var entries = new List<ArchiveEntry>();
        var directories = new List<(string Path, UnixFileMode Mode)>();
        foreach (var item in plan.Items)
        {
            ct.ThrowIfCancellationRequested();
            var relative = item.Path == "config" ? "" : item.Path["config/".Length..];
            var destination = Path.Combine(staging, relative);
            if (BackupManifest.IsReservedName(relative))
            {
                // A hand restore (cp -r config_backup_*/ config/) brings a snapshot's manifest into config/.
                throw new UnsafeArchiveException($"'{item.Path}' has the name a snapshot's manifest takes at its root; remove or rename it (a hand restore may have copied it there)");
            }

            switch (item.Kind)
            {
                case ArchiveEntryKind.Directory:
                    Directory.CreateDirectory(destination, WhileWriting);
                    directories.Add((destination, item.Mode));
                    if (relative.Length > 0)
                    {
                        entries.Add(new ArchiveEntry(relative, ArchiveEntryKind.Directory, 0, item.Mode, null, null));
                    }

                    break;
                case ArchiveEntryKind.File:
                    entries.Add(ArchiveWriter.ReadSource(item, afterOpen, content => WriteFile(content, destination, item.Mode, item.Modified), ct) with { Path = relative });
                    break;
                default:
                    File.CreateSymbolicLink(destination, item.LinkTarget!);
                    entries.Add(new ArchiveEntry(relative, ArchiveEntryKind.Symlink, 0, item.Mode, null, item.LinkTarget));
                    break;
            }
        }

        using (var manifest = new MemoryStream(new BackupManifest(BackupKind.ConfigurationSnapshot, now, BackupManifest.CurrentAppVersion, entries).ToJson()))
        {
            WriteFile(manifest, Path.Combine(staging, BackupManifest.FileName), ArchiveWriter.ManifestMode, now.UtcDateTime);
        }

        // Deepest first, the snapshot itself last: a read-only directory does not stop what goes inside it.
        foreach (var (path, mode) in directories.OrderByDescending(d => d.Path.Length))
        {
            File.SetUnixFileMode(path, mode);
        }

        return entries;
    }

    /// <summary>A new file with its content, flushed to disk, then its mode and time.</summary>
    private static void WriteFile(Stream content, string path, UnixFileMode mode, DateTime modified)
    {
        using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            BufferSize = 0,
        });
        content.CopyTo(file, 1 << 16);
        file.Flush(flushToDisk: true);
        File.SetUnixFileMode(file.SafeFileHandle, mode);
        File.SetLastWriteTimeUtc(file.SafeFileHandle, modified);
    }

    private static byte[] ReadManifest(SourceItem item, string relative, BackupFingerprint.Builder fingerprint, CancellationToken ct)
    {
        if (item.Kind != ArchiveEntryKind.File || item.Size > BackupManifest.MaxBytes)
        {
            throw new UnsafeArchiveException($"'{item.Path}' has the name reserved for the backup's manifest but is not a file of at most {BackupManifest.MaxBytes:N0} bytes");
        }

        using var bytes = new MemoryStream((int)item.Size);
        var entry = ArchiveWriter.ReadSource(item, null, content => content.CopyTo(bytes), ct);
        fingerprint.Add(entry with { Path = relative }, item.Modified);
        return bytes.ToArray();
    }

    /// <summary>A file's content on its way through: into a new staging file when restoring, nowhere when verifying.</summary>
    private static void CopyToStaging(Stream content, StagingWriter? writer, string path, SourceItem item)
    {
        if (writer is null)
        {
            content.CopyTo(Stream.Null, 1 << 16);
            return;
        }

        var file = writer.CreateFile(path, item.Size);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int read;
            while ((read = content.Read(buffer)) > 0)
            {
                file = file is null ? null : writer.Write(file, buffer.AsSpan(0, read));
            }

            if (file is not null)
            {
                writer.CompleteFile(file, item.Mode, item.Modified);
                file = null;
            }
        }
        finally
        {
            if (file is not null)
            {
                writer.Close(file);
            }

            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
