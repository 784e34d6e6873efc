using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Backups;

public enum ChangeKind
{
    Added,
    Changed,
    Removed,
}

/// <param name="Diff">For a changed text file under config/: the lines, each prefixed "+ ", "- " or "  ".</param>
public sealed record FileChange(string Path, ChangeKind Kind, IReadOnlyList<string>? Diff = null);

/// <param name="Fingerprint">The identity of the bytes the plan was made from (<see cref="BackupFingerprint"/>): hand it to the restore, which refuses if the backup changed since.</param>
public sealed record RestorePlan(BackupRecord Backup, IReadOnlyList<string> Directories, IReadOnlyList<FileChange> Changes, string Fingerprint);

/// <summary>
/// The backups of the target: registering what is on disk, creating (with a manifest), verifying,
/// planning and performing restores. Restores are the one action that can destroy work, so every
/// one is validated in full first, preceded by a safety backup, staged and swapped in with renames,
/// and rolled back by itself when the configuration or module loading breaks because of it.
/// </summary>
public sealed partial class BackupService(
    IDbContextFactory<MaintenanceDbContext> contextFactory,
    TargetLocation location,
    IOptions<BackupOptions> options,
    TimeProvider clock,
    ILogger<BackupService> logger) : IDisposable
{
    // Registration of what is on disk and creation of a new backup take turns: a sync that ran between
    // a new archive's rename and its record would register it as "found on disk" and break the insert.
    private readonly SemaphoreSlim _registry = new(1, 1);

    public static readonly IReadOnlyList<string> SystemDirectories = ["scripts", "modules", "config"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const int MaxDiffBytes = 256 * 1024;
    private readonly Subscribers<bool> _subscribers = new(logger);

    public string Root => location.Root;

    public IDisposable Subscribe(Action onChange) => _subscribers.Add(_ => onChange());

    public async Task<IReadOnlyList<BackupRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await SyncAsync(cancellationToken);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Backups.AsNoTracking().OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id).ToListAsync(cancellationToken);
    }

    public static bool IsKey(string? key) => key is not null && KeyPattern().IsMatch(key);

    /// <summary>The backup with this opaque id; anything that is not one (a path, say) finds nothing.</summary>
    public async Task<BackupRecord?> FindAsync(string? key, CancellationToken cancellationToken)
    {
        if (!IsKey(key))
        {
            return null;
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Backups.AsNoTracking().FirstOrDefaultAsync(b => b.Key == key, cancellationToken);
    }

    /// <summary>
    /// Removes what a crash left of a backup being written (<c>backups/.NAME….partial</c>: never under a
    /// final name, never listed). Only at start-up, when no backup can be in progress.
    /// </summary>
    public IReadOnlyList<string> RemovePartialBackups()
    {
        var backups = Path.Combine(Root, "backups");
        if (!Directory.Exists(backups) || new DirectoryInfo(backups).LinkTarget is not null)
        {
            return [];
        }

        var removed = new List<string>();
        foreach (var entry in new DirectoryInfo(backups).EnumerateFileSystemInfos(".*.partial"))
        {
            if (entry is DirectoryInfo directory && directory.LinkTarget is null)
            {
                directory.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }

            removed.Add(Relative(entry.FullName));
        }

        return removed;
    }

    /// <summary>Registers backups people made by hand (seed naming) and marks registered ones that vanished as Missing.</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        await _registry.WaitAsync(cancellationToken);
        try
        {
            await SyncCoreAsync(cancellationToken);
        }
        finally
        {
            _registry.Release();
        }
    }

    private async Task SyncCoreAsync(CancellationToken cancellationToken)
    {
        var onDisk = BackupCatalog.List(Root).ToDictionary(b => Relative(b.Path), StringComparer.Ordinal);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var known = await db.Backups.ToListAsync(cancellationToken);
        var changed = false;
        foreach (var record in known)
        {
            var present = onDisk.Remove(record.RelativePath);
            if (!present && record.Status != BackupStatus.Missing)
            {
                record.Status = BackupStatus.Missing;
                record.VerificationMessage = $"{record.RelativePath} is no longer in the target.";
                changed = true;
            }
        }

        foreach (var (relative, entry) in onDisk)
        {
            var (size, files) = Measure(entry.Path, entry.Kind);
            db.Backups.Add(new BackupRecord
            {
                Key = NewKey(),
                Name = entry.Name,
                RelativePath = relative,
                Kind = entry.Kind,
                CreatedAt = entry.CreatedAt,
                CreatedBy = "found on disk",
                SizeBytes = size,
                FileCount = files,
                Status = BackupStatus.Unverified,
                VerificationMessage = "Found on disk; not verified yet.",
            });
            changed = true;
        }

        if (changed)
        {
            await db.SaveChangesAsync(cancellationToken);
            _subscribers.Notify(true);
        }
    }

    /// <summary>Makes a backup under backups/ with a manifest (in the database and inside the backup), then verifies it.</summary>
    public async Task<BackupRecord> CreateAsync(BackupKind kind, string createdBy, long? runId, bool safety, Action<string> log, CancellationToken cancellationToken)
    {
        BackupRecord record;
        await _registry.WaitAsync(cancellationToken);
        try
        {
            record = await WriteAndRegisterAsync(kind, createdBy, runId, safety, log, cancellationToken);
        }
        finally
        {
            _registry.Release();
        }

        return await VerifyAsync(record, log, cancellationToken);
    }

    private async Task<BackupRecord> WriteAndRegisterAsync(BackupKind kind, string createdBy, long? runId, bool safety, Action<string> log, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var backups = Path.Combine(Root, "backups");
        Directory.CreateDirectory(backups);
        string path;
        IReadOnlyList<ArchiveEntry> entries;
        string? sha256 = null;
        long size;
        if (kind == BackupKind.ConfigurationSnapshot)
        {
            EnsureFreeSpace(backups, DirectorySize(Path.Combine(Root, "config")));
            var snapshot = await Task.Run(() => ConfigSnapshot.Create(Root, now, options.Value.Limits, cancellationToken), cancellationToken)
                ?? throw new InvalidOperationException("config/ does not exist: there is nothing to snapshot.");
            path = snapshot.Path;
            entries = snapshot.Entries;
            size = entries.Sum(e => e.Size);
            log($"Configuration snapshot {Path.GetFileName(path)}: {entries.Count} file(s), {TargetInspector.FormatSize(size)}.");
        }
        else
        {
            path = FreeName(backups, now, stamp => $"backup_{stamp}.tar.gz");
            var created = await Task.Run(() => SafeArchive.Create(Root, SystemDirectories, path, options.Value.Limits, now, cancellationToken), cancellationToken);
            entries = created.Entries;
            sha256 = created.Sha256;
            size = created.SizeBytes;
            log($"System-state archive {Path.GetFileName(path)}: {entries.Count} entries, {TargetInspector.FormatSize(size)}, SHA-256 {sha256}.");
        }

        var record = new BackupRecord
        {
            Key = NewKey(),
            Name = Path.GetFileName(path),
            RelativePath = Relative(path),
            Kind = kind,
            CreatedAt = now,
            CreatedBy = createdBy,
            SizeBytes = size,
            FileCount = entries.Count(e => e.Kind == ArchiveEntryKind.File),
            Sha256 = sha256,
            Manifest = JsonSerializer.Serialize(entries, Json),
            Status = BackupStatus.Unverified,
            IsSafetyBackup = safety,
            RunId = runId,
        };
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            db.Backups.Add(record);
            await db.SaveChangesAsync(CancellationToken.None);
        }

        return record;
    }

    /// <summary>
    /// Re-reads the whole backup and checks it against its manifests (the database's and the one inside it);
    /// marks it Verified, Corrupt, or readable without a manifest. A backup with no record of its own (found
    /// on disk) that carries a manifest inside it is checked against that one, which is then recorded.
    /// </summary>
    public async Task<BackupRecord> VerifyAsync(BackupRecord record, Action<string> log, CancellationToken cancellationToken) =>
        (await VerifyReadingAsync(record, log, cancellationToken)).Record;

    /// <returns>The record as verified, and the fingerprint of the bytes read (null when they could not be read through).</returns>
    private async Task<(BackupRecord Record, string? Fingerprint)> VerifyReadingAsync(BackupRecord record, Action<string> log, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Root, record.RelativePath);
        Verdict verdict;
        try
        {
            verdict = await Task.Run(() => Check(record, path, Recorded(record), cancellationToken), cancellationToken);
        }
        catch (UnsafeArchiveException ex)
        {
            verdict = new Verdict(BackupStatus.Corrupt, ex.Problem + ".");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            verdict = new Verdict(BackupStatus.Corrupt, ex.Message);
        }

        log($"{record.Name}: {verdict.Status}: {verdict.Message}");
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await db.Backups.Where(b => b.Id == record.Id).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.Status, verdict.Status)
            .SetProperty(b => b.VerifiedAt, now)
            .SetProperty(b => b.VerificationMessage, verdict.Message), cancellationToken);
        if (verdict.Adopted is { } adopted)
        {
            var manifest = JsonSerializer.Serialize(adopted, Json);
            var files = adopted.Count(e => e.Kind == ArchiveEntryKind.File);
            await db.Backups.Where(b => b.Id == record.Id).ExecuteUpdateAsync(s => s
                .SetProperty(b => b.Manifest, manifest)
                .SetProperty(b => b.Sha256, verdict.Contents!.ArchiveSha256)
                .SetProperty(b => b.FileCount, files), cancellationToken);
            (record.Manifest, record.Sha256, record.FileCount) = (manifest, verdict.Contents!.ArchiveSha256, files);
        }

        record.Status = verdict.Status;
        record.VerifiedAt = now;
        record.VerificationMessage = verdict.Message;
        _subscribers.Notify(true);
        return (record, verdict.Contents?.Fingerprint);
    }

    /// <param name="Adopted">The manifest found inside a backup that had none in the database: to be recorded.</param>
    private sealed record Verdict(BackupStatus Status, string Message, BackupContents? Contents = null, IReadOnlyList<ArchiveEntry>? Adopted = null);

    private Verdict Check(BackupRecord record, string path, IReadOnlyList<ArchiveEntry>? expected, CancellationToken cancellationToken)
    {
        if (!Path.Exists(path))
        {
            return new Verdict(BackupStatus.Missing, $"{record.RelativePath} is no longer in the target.");
        }

        var archive = record.Kind == BackupKind.SystemState;
        var contents = archive
            ? SafeArchive.InspectContents(path, options.Value.Limits, expected, cancellationToken)
            : ConfigSnapshot.Read(path, options.Value.Limits, expected, writer: null, cancellationToken);
        if (archive && record.Sha256 is { } sha && !string.Equals(sha, contents.ArchiveSha256, StringComparison.OrdinalIgnoreCase))
        {
            return new Verdict(BackupStatus.Corrupt, "The archive's SHA-256 differs from the one recorded when it was made.");
        }

        var all = $"All {contents.Entries.Count} {(archive ? "entries" : "files, directories and links")}";
        var gzip = archive ? "; gzip CRC and length checked" : "";
        if (expected is not null)
        {
            var both = contents.EmbeddedManifest is null ? "the manifest" : "the manifest (the database's and the one inside the backup)";
            return new Verdict(BackupStatus.Verified, $"{all} match {both}{gzip}.", contents);
        }

        if (contents.EmbeddedManifest is { } embedded)
        {
            return new Verdict(BackupStatus.Verified,
                $"{all} match the manifest inside the backup{gzip}. It had no record here (found on disk: the database was lost, or it came from elsewhere), so that manifest is now recorded.",
                contents, embedded);
        }

        var newer = contents.NewerManifestVersion is { } version
            ? $" It carries a manifest of a newer format (version {version}) than this version of OrchestrationMaint reads; upgrade to check its content."
            : " Made without a manifest: its content cannot be checked.";
        return new Verdict(BackupStatus.ReadableWithoutManifest,
            $"Readable and safe ({contents.Entries.Count} {(archive ? "entries" : "files, directories and links")}).{newer}", contents);
    }

    private static List<ArchiveEntry>? Recorded(BackupRecord record) =>
        record.Manifest is null ? null : JsonSerializer.Deserialize<List<ArchiveEntry>>(record.Manifest, Json);

    /// <summary>What a restore of this backup would change in the target, file by file, with a diff for changed config files.</summary>
    public async Task<RestorePlan> PlanRestoreAsync(BackupRecord record, CancellationToken cancellationToken)
    {
        var scratch = Path.GetFullPath(Path.Combine(location.DemoDirectory, "..", "restore-plans", Guid.NewGuid().ToString("N")));
        try
        {
            // Extracting and hashing both trees is disk work: off the caller's (a Blazor circuit's) thread.
            return await Task.Run(() =>
            {
                var (source, directories, fingerprint) = Materialize(record, scratch, fingerprint: null, cancellationToken);
                var changes = directories.SelectMany(d => Compare(Path.Combine(source, d), Path.Combine(Root, d), d)).OrderBy(c => c.Path, StringComparer.Ordinal).ToList();
                return new RestorePlan(record, directories, changes, fingerprint);
            }, cancellationToken);
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                StagingWriter.Remove(scratch);
            }
        }
    }

    /// <summary>
    /// Restores the backup. Refuses unless <paramref name="confirm"/> is the backup's name, the backup
    /// verifies, and (when given) it still has the <paramref name="fingerprint"/> of the restore plan the
    /// operator reviewed; takes a safety backup; extracts only the bytes it verified; swaps the staged
    /// trees in; runs <paramref name="checks"/> before and after, and rolls back by itself when one that
    /// passed before fails after.
    /// </summary>
    /// <param name="fingerprint">From <see cref="RestorePlan.Fingerprint"/>; null or empty when no plan was reviewed (an API call without one).</param>
    public async Task<RestoreOutcome> RestoreAsync(BackupRecord record, string? confirm, string? fingerprint, string requestedBy, long runId,
        Func<CancellationToken, Task<IReadOnlyList<(string Key, bool Passed, string Message)>>> checks, Action<string> log, CancellationToken cancellationToken)
    {
        if (!string.Equals(confirm?.Trim(), record.Name, StringComparison.Ordinal))
        {
            return RestoreOutcome.Refused($"Refused: type the backup's name ({record.Name}) to confirm the restore. Nothing was changed.");
        }

        var reviewed = string.IsNullOrEmpty(fingerprint) ? null : fingerprint;
        if (reviewed is not null && !BackupFingerprint.IsWellFormed(reviewed))
        {
            return RestoreOutcome.Refused($"Refused: '{reviewed}' is not a backup fingerprint (64 lowercase hexadecimal characters, from the restore plan). Nothing was changed.");
        }

        var (verified, current) = await VerifyReadingAsync(record, log, cancellationToken);
        if (!verified.IsRestorable || current is null)
        {
            return RestoreOutcome.Refused($"Refused: {record.Name} is {verified.Status}: {verified.VerificationMessage} Nothing was changed.");
        }

        if (reviewed is not null)
        {
            if (!string.Equals(reviewed, current, StringComparison.Ordinal))
            {
                log($"{record.Name} now has the fingerprint {current}; the restore plan was made from {reviewed}.");
                return RestoreOutcome.Refused($"Refused: {record.Name} changed after you reviewed it: review the changes again. Nothing was changed.");
            }

            log($"{record.Name} is exactly what the reviewed restore plan was made from (fingerprint {current}).");
        }

        var before = await checks(cancellationToken);
        var directories = record.Kind == BackupKind.ConfigurationSnapshot ? ["config"] : SystemDirectories;
        BackupRecord? safety = null;
        if (directories.Any(d => Directory.Exists(Path.Combine(Root, d))))
        {
            log($"Safety backup of the current {string.Join(", ", directories)} …");
            safety = await CreateAsync(record.Kind, $"safety before restoring {record.Name}", runId, safety: true, log, cancellationToken);
            if (safety.Status != BackupStatus.Verified)
            {
                return RestoreOutcome.Refused($"Refused: the safety backup {safety.Name} did not verify ({safety.VerificationMessage}). Nothing was changed.");
            }
        }
        else
        {
            // The disaster the restore is for: nothing is left to save.
            log($"None of {string.Join(", ", directories)} exists: there is nothing to take a safety backup of.");
        }

        var swap = RestoreSwap.Begin(Root, runId.ToString(CultureInfo.InvariantCulture), directories);
        try
        {
            // Only the bytes just verified (and reviewed) are restored: a change since is refused, not restored.
            var (_, present, _) = await Task.Run(() => Materialize(record, swap.NewTree, current, cancellationToken), cancellationToken);
            log($"Staged {string.Join(", ", present)} from {record.Name}; swapping them in.");
            cancellationToken.ThrowIfCancellationRequested();
            swap.Apply();
        }
        catch
        {
            swap.RollBack();
            throw;
        }

        IReadOnlyList<(string Key, bool Passed, string Message)> after;
        try
        {
            after = await checks(CancellationToken.None);
        }
        catch
        {
            // Unsure is not committed: back to the state before, now, not at some later start-up.
            swap.RollBack();
            throw;
        }

        var broken = after.Where(a => !a.Passed && before.Any(b => b.Key == a.Key && b.Passed)).ToList();
        if (broken.Count > 0)
        {
            swap.RollBack();
            var reasons = string.Join("; ", broken.Select(b => $"{b.Key}: {b.Message}"));
            log($"After the restore: {reasons}. Rolled back to the state before it ({(safety is null ? "there was nothing before" : $"the same content as safety backup {safety.Name}")}).");
            return RestoreOutcome.RolledBack($"Rolled back: the restored state broke {string.Join(", ", broken.Select(b => b.Key))} ({reasons}). The target is as it was before{(safety is null ? "" : $" (safety backup {safety.Name})")}.", safety);
        }

        swap.Commit();
        logger.LogWarning("{User} restored {Backup} (safety backup {Safety})", requestedBy, record.Name, safety?.Name ?? "none: nothing to save");
        _subscribers.Notify(true);
        return RestoreOutcome.Done($"Restored {string.Join(", ", directories)} from {record.Name}. {(safety is null ? "There was no previous state to back up." : $"Safety backup of the previous state: {safety.Name}.")}", safety);
    }

    /// <summary>Restores into a scratch directory outside the target, checks it, times it, removes it, and records the result on the backup.</summary>
    public async Task<DrillResult> DrillAsync(BackupRecord record, Action<string> log, CancellationToken cancellationToken)
    {
        var scratch = Path.GetFullPath(Path.Combine(location.DemoDirectory, "..", "restore-drills", Guid.NewGuid().ToString("N")));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        DrillResult result;
        try
        {
            var (source, directories, _) = await Task.Run(() => Materialize(record, scratch, fingerprint: null, cancellationToken), cancellationToken);
            var files = directories.Sum(d => Listing(Path.Combine(source, d)).Count);
            result = new DrillResult(true, files, watch.Elapsed, $"{files} file(s) restored and checked");
        }
        catch (Exception ex) when (ex is UnsafeArchiveException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            result = new DrillResult(false, 0, watch.Elapsed, ex.Message);
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                StagingWriter.Remove(scratch);
            }
        }

        log($"Restore drill of {record.Name}: {(result.Passed ? "passed" : "FAILED")} in {result.Elapsed.TotalSeconds:0.00} s: {result.Message}");
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await db.Backups.Where(b => b.Id == record.Id).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.LastDrillAt, now)
            .SetProperty(b => b.LastDrillPassed, result.Passed)
            .SetProperty(b => b.LastDrillSeconds, result.Elapsed.TotalSeconds), cancellationToken);
        _subscribers.Notify(true);
        return result;
    }

    /// <summary>Deletes a backup under backups/ and its record. Backups made by hand at the root are never deleted here.</summary>
    public async Task DeleteAsync(BackupRecord record, CancellationToken cancellationToken)
    {
        if (!record.RelativePath.StartsWith("backups/", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{record.RelativePath} is not in backups/; it is left alone.");
        }

        var path = Path.Combine(Root, record.RelativePath);
        if (Directory.Exists(path))
        {
            StagingWriter.Remove(path);
        }
        else if (File.Exists(path))
        {
            File.Delete(path);
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await db.Backups.Where(b => b.Id == record.Id).ExecuteDeleteAsync(cancellationToken);
        _subscribers.Notify(true);
    }

    /// <summary>
    /// Puts the backup's trees under <paramref name="destination"/>, validated in full in the same pass that
    /// writes them (archive or snapshot alike: links made last, modes sanitized), and refuses them when the
    /// bytes read do not have <paramref name="fingerprint"/>.
    /// </summary>
    /// <returns>Where the trees are, which of scripts/, modules/ and config/ the backup holds, and the fingerprint of what was read.</returns>
    private (string Source, IReadOnlyList<string> Directories, string Fingerprint) Materialize(BackupRecord record, string destination, string? fingerprint, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Root, record.RelativePath);
        var expected = Recorded(record);
        if (record.Kind == BackupKind.SystemState)
        {
            var extracted = destination + ".x";
            try
            {
                var contents = SafeArchive.ExtractTo(path, extracted, options.Value.Limits, expected, cancellationToken);
                ThrowIfChanged(record, contents, fingerprint);
                Directory.CreateDirectory(destination);
                RefuseEscapes(extracted);
                var present = new List<string>();
                foreach (var directory in SystemDirectories.Where(d => Directory.Exists(Path.Combine(extracted, d))))
                {
                    Directory.Move(Path.Combine(extracted, directory), Path.Combine(destination, directory));
                    present.Add(directory);
                }

                return (destination, present, contents.Fingerprint);
            }
            finally
            {
                StagingWriter.Remove(extracted);
            }
        }

        var config = Path.Combine(destination, "config");
        Directory.CreateDirectory(config);
        var writer = new StagingWriter(config);
        var read = ConfigSnapshot.Read(path, options.Value.Limits, expected, writer, cancellationToken);
        ThrowIfChanged(record, read, fingerprint);
        writer.Complete();
        RefuseEscapes(destination);
        return (destination, ["config"], read.Fingerprint);
    }

    private static void ThrowIfChanged(BackupRecord record, BackupContents contents, string? fingerprint)
    {
        if (fingerprint is not null && !string.Equals(contents.Fingerprint, fingerprint, StringComparison.Ordinal))
        {
            throw new BackupChangedException($"{record.Name} changed after it was checked, while it was being read to restore it; nothing was restored from it: review the changes again.");
        }
    }

    /// <summary>
    /// What gets swapped into the target must stay inside scripts/, modules/ and config/: each present
    /// one a real directory (not a link to ".git" or "."), and every symlink in them resolving inside
    /// one of them (a hand-made archive may link to "../.git/hooks"). Refused before anything is swapped.
    /// </summary>
    private static void RefuseEscapes(string staged)
    {
        // Compared with normalized link targets below, so normalized too (a scratch path may hold "..").
        var extracted = Path.GetFullPath(staged);
        var allowed = SystemDirectories.Select(d => Path.Combine(extracted, d) + Path.DirectorySeparatorChar).ToList();
        foreach (var directory in SystemDirectories.Select(d => new DirectoryInfo(Path.Combine(extracted, d))).Where(d => d.Exists || d.LinkTarget is not null))
        {
            if (directory.LinkTarget is not null)
            {
                throw new UnsafeArchiveException($"{directory.Name} in the backup is a symbolic link, not a directory; it is never restored");
            }

            var pending = new Stack<DirectoryInfo>([directory]);
            while (pending.TryPop(out var current))
            {
                // Walked by hand: a link is checked, never descended into.
                foreach (var entry in current.EnumerateFileSystemInfos())
                {
                    if (entry.LinkTarget is { } target)
                    {
                        var lexical = Path.GetFullPath(Path.Combine(current.FullName, target));
                        var final = entry.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? lexical;
                        if (!Inside(lexical) || !Inside(final))
                        {
                            throw new UnsafeArchiveException($"{Path.GetRelativePath(extracted, entry.FullName)} links to {target}, outside scripts/, modules/ and config/; it is never restored");
                        }
                    }
                    else if (entry is DirectoryInfo child)
                    {
                        pending.Push(child);
                    }
                }
            }
        }

        bool Inside(string path) => allowed.Any(a => (path + Path.DirectorySeparatorChar).StartsWith(a, StringComparison.Ordinal));
    }

    private static IEnumerable<FileChange> Compare(string restored, string live, string prefix)
    {
        var from = Listing(restored);
        var to = Listing(live);
        foreach (var path in from.Keys.Union(to.Keys, StringComparer.Ordinal))
        {
            var shown = $"{prefix}/{path}";
            if (!to.TryGetValue(path, out var current))
            {
                yield return new FileChange(shown, ChangeKind.Added);
            }
            else if (!from.TryGetValue(path, out var backup))
            {
                yield return new FileChange(shown, ChangeKind.Removed);
            }
            else if (!Same(backup, current))
            {
                var bothFiles = IsRegular(backup) && IsRegular(current);
                yield return new FileChange(shown, ChangeKind.Changed, prefix == "config" && bothFiles ? Diff(current.FullName, backup.FullName) : null);
            }
        }
    }

    /// <summary>Symlinks compare by target; regular files by size and SHA-256; anything else (a FIFO in the live tree) always differs, unread.</summary>
    private static bool Same(FileSystemInfo backup, FileSystemInfo current) =>
        backup.LinkTarget is not null || current.LinkTarget is not null
            ? backup.LinkTarget == current.LinkTarget
            : IsRegular(backup) && IsRegular(current) && ((FileInfo)backup).Length == ((FileInfo)current).Length && Sha256Of(backup.FullName) == Sha256Of(current.FullName);

    private static bool IsRegular(FileSystemInfo entry) => entry.LinkTarget is null && entry is FileInfo && SourceFileTypes.Of(entry.FullName) == SourceFileType.Regular;

    /// <summary>Every file and symlink under a directory, by relative path; a symlink to a directory is listed, never descended into.</summary>
    private static Dictionary<string, FileSystemInfo> Listing(string directory)
    {
        var found = new Dictionary<string, FileSystemInfo>(StringComparer.Ordinal);
        if (!Directory.Exists(directory))
        {
            return found;
        }

        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(directory)]);
        while (pending.TryPop(out var current))
        {
            foreach (var entry in current.EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo child && entry.LinkTarget is null)
                {
                    pending.Push(child);
                }
                else
                {
                    found[Path.GetRelativePath(directory, entry.FullName)] = entry;
                }
            }
        }

        return found;
    }

    /// <summary>Line diff from the live file to the restored one (DiffPlex), or a note when either is too big to show.</summary>
    private static IReadOnlyList<string> Diff(string current, string restored)
    {
        if (new FileInfo(current).Length > MaxDiffBytes || new FileInfo(restored).Length > MaxDiffBytes)
        {
            return ["(too large to show a diff)"];
        }

        var model = InlineDiffBuilder.Diff(File.ReadAllText(current), File.ReadAllText(restored));
        return [.. model.Lines.Select(l => l.Type switch
        {
            ChangeType.Inserted => "+ " + l.Text,
            ChangeType.Deleted => "- " + l.Text,
            _ => "  " + l.Text,
        })];
    }

    private static (long Size, int Files) Measure(string path, BackupKind kind)
    {
        if (kind == BackupKind.SystemState)
        {
            return (new FileInfo(path).Length, 0);
        }

        // A manifest is at the root (its name alone as the relative path), and is not one of the backup's files.
        var files = RegularFiles(Listing(path).Where(f => !BackupManifest.IsReservedName(f.Key)).Select(f => f.Value)).ToList();
        return (files.Sum(f => f.Length), files.Count);
    }

    private static long DirectorySize(string path) => RegularFiles(Listing(path).Values).Sum(f => f.Length);

    /// <summary>Files, not links: a link to ".." would otherwise count (or, recursing, walk) the tree again and again.</summary>
    private static IEnumerable<FileInfo> RegularFiles(IEnumerable<FileSystemInfo> entries) => entries.OfType<FileInfo>().Where(f => f.LinkTarget is null);

    private static void EnsureFreeSpace(string directory, long needed)
    {
        var free = new DriveInfo(directory).AvailableFreeSpace;
        if (free < needed * 2 + (16 << 20))
        {
            throw new IOException($"Not enough free space in {directory}: {TargetInspector.FormatSize(free)} free, the backup needs about {TargetInspector.FormatSize(needed)}. Free some space (log cleanup, older backups) and try again.");
        }
    }

    /// <summary>Never overwrite a backup: a name already taken moves on to the next second.</summary>
    private static string FreeName(string directory, DateTimeOffset now, Func<string, string> name)
    {
        var stamp = now.UtcDateTime;
        while (Path.Exists(Path.Combine(directory, name(stamp.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)))))
        {
            stamp = stamp.AddSeconds(1);
        }

        return Path.Combine(directory, name(stamp.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)));
    }

    private string Relative(string path) => Path.GetRelativePath(Root, path);

    private static string Sha256Of(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public void Dispose() => _registry.Dispose();

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9a-f]{16}\z")]
    private static partial System.Text.RegularExpressions.Regex KeyPattern();
}

public sealed record DrillResult(bool Passed, int Files, TimeSpan Elapsed, string Message);

public sealed record RestoreOutcome(bool Restored, bool RolledBackAfterwards, string Summary, BackupRecord? SafetyBackup)
{
    public static RestoreOutcome Refused(string summary) => new(false, false, summary, null);

    public static RestoreOutcome RolledBack(string summary, BackupRecord? safety) => new(false, true, summary, safety);

    public static RestoreOutcome Done(string summary, BackupRecord? safety) => new(true, false, summary, safety);
}
