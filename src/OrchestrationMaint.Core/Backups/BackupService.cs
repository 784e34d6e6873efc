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

public sealed record RestorePlan(BackupRecord Backup, IReadOnlyList<string> Directories, IReadOnlyList<FileChange> Changes);

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
    public const string ManifestFileName = ".om-manifest.json";
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
            path = ConfigSnapshot.Create(Root, now, staging => WriteManifest(staging, HashTree(staging)))
                ?? throw new InvalidOperationException("config/ does not exist: there is nothing to snapshot.");
            entries = HashTree(path);
            size = entries.Sum(e => e.Size);
            log($"Configuration snapshot {Path.GetFileName(path)}: {entries.Count} file(s), {TargetInspector.FormatSize(size)}.");
        }
        else
        {
            path = FreeName(backups, now, stamp => $"backup_{stamp}.tar.gz");
            var created = await Task.Run(() => SafeArchive.Create(Root, SystemDirectories, path, options.Value.Limits, cancellationToken), cancellationToken);
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

    /// <summary>Re-reads the whole backup and checks it against its manifest; marks it Verified, Corrupt, or readable without a manifest.</summary>
    public async Task<BackupRecord> VerifyAsync(BackupRecord record, Action<string> log, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Root, record.RelativePath);
        var expected = record.Manifest is null ? null : JsonSerializer.Deserialize<List<ArchiveEntry>>(record.Manifest, Json);
        (BackupStatus Status, string Message) verdict;
        try
        {
            verdict = await Task.Run(() => Check(record, path, expected, cancellationToken), cancellationToken);
        }
        catch (UnsafeArchiveException ex)
        {
            verdict = (BackupStatus.Corrupt, ex.Problem + ".");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            verdict = (BackupStatus.Corrupt, ex.Message);
        }

        log($"{record.Name}: {verdict.Status}: {verdict.Message}");
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await db.Backups.Where(b => b.Id == record.Id).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.Status, verdict.Status)
            .SetProperty(b => b.VerifiedAt, now)
            .SetProperty(b => b.VerificationMessage, verdict.Message), cancellationToken);
        record.Status = verdict.Status;
        record.VerifiedAt = now;
        record.VerificationMessage = verdict.Message;
        _subscribers.Notify(true);
        return record;
    }

    private (BackupStatus, string) Check(BackupRecord record, string path, IReadOnlyList<ArchiveEntry>? expected, CancellationToken cancellationToken)
    {
        if (!Path.Exists(path))
        {
            return (BackupStatus.Missing, $"{record.RelativePath} is no longer in the target.");
        }

        if (record.Kind == BackupKind.SystemState)
        {
            if (record.Sha256 is { } sha && !string.Equals(sha, Sha256Of(path), StringComparison.OrdinalIgnoreCase))
            {
                return (BackupStatus.Corrupt, "The archive's SHA-256 differs from the one recorded when it was made.");
            }

            var entries = SafeArchive.Inspect(path, options.Value.Limits, expected, cancellationToken);
            return expected is null
                ? (BackupStatus.ReadableWithoutManifest, $"Readable and safe ({entries.Count} entries), but made without a manifest: its content cannot be checked.")
                : (BackupStatus.Verified, $"All {entries.Count} entries match the manifest; gzip CRC and length checked.");
        }

        var found = HashTree(path);
        if (expected is null)
        {
            return (BackupStatus.ReadableWithoutManifest, $"Readable ({found.Count} files), but made without a manifest: its content cannot be checked.");
        }

        var mismatch = CompareManifest(expected, found);
        return mismatch is null ? (BackupStatus.Verified, $"All {found.Count} files match the manifest.") : (BackupStatus.Corrupt, mismatch);
    }

    /// <summary>What a restore of this backup would change in the target, file by file, with a diff for changed config files.</summary>
    public async Task<RestorePlan> PlanRestoreAsync(BackupRecord record, CancellationToken cancellationToken)
    {
        var scratch = Path.Combine(location.DemoDirectory, "..", "restore-plans", Guid.NewGuid().ToString("N"));
        try
        {
            // Extracting and hashing both trees is disk work: off the caller's (a Blazor circuit's) thread.
            return await Task.Run(() =>
            {
                var (source, directories) = Materialize(record, scratch, cancellationToken);
                var changes = directories.SelectMany(d => Compare(Path.Combine(source, d), Path.Combine(Root, d), d)).OrderBy(c => c.Path, StringComparer.Ordinal).ToList();
                return new RestorePlan(record, directories, changes);
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
    /// Restores the backup. Refuses unless <paramref name="confirm"/> is the backup's name and the
    /// backup verifies; takes a safety backup; swaps the staged trees in; runs <paramref name="checks"/>
    /// before and after, and rolls back by itself when one that passed before fails after.
    /// </summary>
    public async Task<RestoreOutcome> RestoreAsync(BackupRecord record, string? confirm, string requestedBy, long runId,
        Func<CancellationToken, Task<IReadOnlyList<(string Key, bool Passed, string Message)>>> checks, Action<string> log, CancellationToken cancellationToken)
    {
        if (!string.Equals(confirm?.Trim(), record.Name, StringComparison.Ordinal))
        {
            return RestoreOutcome.Refused($"Refused: type the backup's name ({record.Name}) to confirm the restore. Nothing was changed.");
        }

        var verified = await VerifyAsync(record, log, cancellationToken);
        if (!verified.IsRestorable)
        {
            return RestoreOutcome.Refused($"Refused: {record.Name} is {verified.Status}: {verified.VerificationMessage} Nothing was changed.");
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
            var (source, present) = await Task.Run(() => Materialize(record, swap.NewTree, cancellationToken), cancellationToken);
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
        var scratch = Path.Combine(location.DemoDirectory, "..", "restore-drills", Guid.NewGuid().ToString("N"));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        DrillResult result;
        try
        {
            var (source, directories) = await Task.Run(() => Materialize(record, scratch, cancellationToken), cancellationToken);
            var files = directories.Sum(d => Files(Path.Combine(source, d)).Count);
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

    /// <summary>Puts the backup's trees under <paramref name="destination"/> (which must not exist), validated in full.</summary>
    private (string Source, IReadOnlyList<string> Directories) Materialize(BackupRecord record, string destination, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Root, record.RelativePath);
        var expected = record.Manifest is null ? null : JsonSerializer.Deserialize<List<ArchiveEntry>>(record.Manifest, Json);
        if (record.Kind == BackupKind.SystemState)
        {
            var extracted = destination + ".x";
            SafeArchive.ExtractTo(path, extracted, options.Value.Limits, expected, cancellationToken);
            Directory.CreateDirectory(destination);
            RefuseEscapes(extracted);
            var present = new List<string>();
            foreach (var directory in SystemDirectories.Where(d => Directory.Exists(Path.Combine(extracted, d))))
            {
                Directory.Move(Path.Combine(extracted, directory), Path.Combine(destination, directory));
                present.Add(directory);
            }

            StagingWriter.Remove(extracted);
            return (destination, present);
        }

        // A snapshot directory is copied file by file after the same checks an archive gets.
        var found = HashTree(path);
        if (expected is not null && CompareManifest(expected, found) is { } mismatch)
        {
            throw new UnsafeArchiveException($"{record.Name} no longer matches its manifest: {mismatch.TrimEnd('.')}");
        }

        var config = Path.Combine(destination, "config");
        Directory.CreateDirectory(config);
        foreach (var entry in found)
        {
            var target = Path.Combine(config, entry.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(path, entry.Path), target);
            File.SetUnixFileMode(target, SafeMode(entry.Mode));
        }

        return (destination, ["config"]);
    }

    /// <summary>
    /// What gets swapped into the target must stay inside scripts/, modules/ and config/: each present
    /// one a real directory (not a link to ".git" or "."), and every symlink in them resolving inside
    /// one of them (a hand-made archive may link to "../.git/hooks"). Refused before anything is swapped.
    /// </summary>
    private static void RefuseEscapes(string extracted)
    {
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

    /// <summary>Every regular file under a snapshot: relative path, size, mode, SHA-256. A link, FIFO or device makes the snapshot unsafe.</summary>
    private static List<ArchiveEntry> HashTree(string directory)
    {
        var entries = new List<ArchiveEntry>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var info in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", options))
        {
            var relative = Path.GetRelativePath(directory, info.FullName);
            if (info.LinkTarget is not null)
            {
                throw new UnsafeArchiveException($"{relative} is a symbolic link, and a configuration snapshot holds regular files only");
            }

            if (info is DirectoryInfo || relative == ManifestFileName)
            {
                continue;
            }

            if (Metrics.FileIdentity.Of(info.FullName).Kind != Metrics.FileKind.Regular)
            {
                throw new UnsafeArchiveException($"{relative} is not a regular file (a FIFO or device)");
            }

            var file = (FileInfo)info;
            entries.Add(new ArchiveEntry(relative, ArchiveEntryKind.File, file.Length, File.GetUnixFileMode(file.FullName), Sha256Of(file.FullName), null));
        }

        return [.. entries.OrderBy(e => e.Path, StringComparer.Ordinal)];
    }

    private static string? CompareManifest(IReadOnlyList<ArchiveEntry> expected, IReadOnlyList<ArchiveEntry> found)
    {
        var actual = found.ToDictionary(e => e.Path, StringComparer.Ordinal);
        foreach (var entry in expected.Where(e => e.Kind == ArchiveEntryKind.File))
        {
            if (!actual.Remove(entry.Path, out var present))
            {
                return $"{entry.Path} is missing.";
            }

            if (present.Size != entry.Size || !string.Equals(present.Sha256, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                return $"{entry.Path} differs from the manifest (size or SHA-256).";
            }
        }

        return actual.Count > 0 ? $"{actual.Keys.First()} is not in the manifest." : null;
    }

    private static IEnumerable<FileChange> Compare(string restored, string live, string prefix)
    {
        var from = Files(restored);
        var to = Files(live);
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
            else if (backup.Length != current.Length || Sha256Of(backup.FullName) != Sha256Of(current.FullName))
            {
                yield return new FileChange(shown, ChangeKind.Changed, prefix == "config" ? Diff(current.FullName, backup.FullName) : null);
            }
        }
    }

    private static Dictionary<string, FileInfo> Files(string directory) => !Directory.Exists(directory)
        ? new Dictionary<string, FileInfo>(StringComparer.Ordinal)
        : new DirectoryInfo(directory).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Where(f => f.Name != ManifestFileName)
            .ToDictionary(f => Path.GetRelativePath(directory, f.FullName), StringComparer.Ordinal);

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

        var files = new DirectoryInfo(path).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }).ToList();
        return (files.Sum(f => f.Length), files.Count);
    }

    private static long DirectorySize(string path) => Directory.Exists(path)
        ? new DirectoryInfo(path).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }).Sum(f => f.Length)
        : 0;

    private static void EnsureFreeSpace(string directory, long needed)
    {
        var free = new DriveInfo(directory).AvailableFreeSpace;
        if (free < needed * 2 + (16 << 20))
        {
            throw new IOException($"Not enough free space in {directory}: {TargetInspector.FormatSize(free)} free, the backup needs about {TargetInspector.FormatSize(needed)}. Free some space (log cleanup, older backups) and try again.");
        }
    }

    private static void WriteManifest(string directory, IReadOnlyList<ArchiveEntry> entries) =>
        File.WriteAllText(Path.Combine(directory, ManifestFileName), JsonSerializer.Serialize(entries, Json));

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

    /// <summary>setuid, setgid, sticky and group/world-write bits are never restored.</summary>
    internal static UnixFileMode SafeMode(UnixFileMode mode) =>
        mode & ~(UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.StickyBit | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);

    private string Relative(string path) => Path.GetRelativePath(Root, path);

    internal static string Sha256Of(string path)
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
