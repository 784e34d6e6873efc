using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;

namespace OrchestrationMaint.Core.Backups;

/// <summary>
/// System-state backups (<c>backup_YYYYmmdd_HHMMSS.tar.gz</c> of scripts/, modules/, config/) that
/// cannot hurt the operator: written atomically and verified before they get their name, and
/// restored only once the whole archive has been checked (into a fresh staging directory, removed
/// entirely if any check fails).
/// <para>Policy, the same for writing and reading:</para>
/// <list type="bullet">
/// <item>Regular files and directories are stored, with their permission bits minus setuid and setgid
/// (owners are not stored; a restore belongs to whoever restores it).</item>
/// <item>A symlink is stored as a symlink when its target, resolved against its own directory and
/// through any other symlink in the tree, stays inside the archived directories; an absolute target
/// or one that climbs out is refused with a message naming the link.</item>
/// <item>FIFOs, sockets and devices are refused when creating, and refused (with hard links) when reading.</item>
/// <item>Restoring never sets setuid, setgid, sticky, group-write or world-write bits, and never
/// writes through a symlink.</item>
/// </list>
/// </summary>
public static class SafeArchive
{
    private const int Attempts = 3;

    /// <summary>What one entry adds to an archive beyond its content (PAX header, header, padding), for the free-space estimate.</summary>
    private const long EntryOverhead = 2048;

    /// <summary>What one entry adds to the manifest written at the end of a new archive (path, mode, size, SHA-256, in indented JSON).</summary>
    private const long ManifestBytesPerEntry = 512;

    /// <summary>
    /// Writes <paramref name="finalPath"/> (a .tar.gz, PAX format, gzip at the fastest level: measured
    /// against the optimal level in tests/perf/compare-backups-with-tar.sh) from the given top-level
    /// directories under <paramref name="root"/>; those that do not exist are skipped and listed in
    /// <see cref="ArchiveCreated.MissingDirectories"/>.
    /// <para>The archive is written under a hidden temporary name beside the final one, every file
    /// hashed (SHA-256) as it is read, then fsync'ed, read back with <see cref="Inspect(string, ArchiveLimits, IReadOnlyList{ArchiveEntry}?, CancellationToken)"/>
    /// against its own manifest and limits, and only then renamed, without replacing anything, to the
    /// final name: a crash or failure never leaves a file under the final name, and a failure removes
    /// the temporary file. A file whose size or modification time changes while it is read, or that
    /// yields a different number of bytes than its size, fails the attempt; after three attempts Create
    /// fails with an <see cref="IOException"/> naming the file.</para>
    /// </summary>
    /// <exception cref="UnsafeArchiveException">The tree breaks the policy or the limits.</exception>
    /// <exception cref="IOException">The final path exists, disk space is short or ran out, or a file kept changing.</exception>
    public static ArchiveCreated Create(string root, IReadOnlyList<string> directories, string finalPath, ArchiveLimits limits, CancellationToken ct) =>
        Create(root, directories, finalPath, limits, DateTimeOffset.UtcNow, ct);

    /// <param name="createdAt">The creation time written into the archive's manifest (<see cref="BackupManifest"/>).</param>
    public static ArchiveCreated Create(string root, IReadOnlyList<string> directories, string finalPath, ArchiveLimits limits, DateTimeOffset createdAt, CancellationToken ct) =>
        Create(root, directories, finalPath, limits, CompressionLevel.Fastest, afterOpen: null, createdAt, ct);

    internal static ArchiveCreated Create(string root, IReadOnlyList<string> directories, string finalPath, ArchiveLimits limits, CompressionLevel level, Action<string>? afterOpen, CancellationToken ct) =>
        Create(root, directories, finalPath, limits, level, afterOpen, DateTimeOffset.UtcNow, ct);

    /// <param name="afterOpen">Called with each file's archive path once it is open and before it is read: where tests change a file mid-read, fill the disk or cancel mid-way.</param>
    internal static ArchiveCreated Create(string root, IReadOnlyList<string> directories, string finalPath, ArchiveLimits limits, CompressionLevel level, Action<string>? afterOpen,
        DateTimeOffset createdAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(directories);
        ArgumentNullException.ThrowIfNull(limits);
        if (directories.FirstOrDefault(d => d is "" or "." or ".." || d.Contains('/', StringComparison.Ordinal)) is { } bad)
        {
            throw new ArgumentException($"'{bad}' is not the name of a top-level directory", nameof(directories));
        }

        var final = Path.GetFullPath(finalPath);
        var folder = Path.GetDirectoryName(final)!;
        ThrowIfExists(final);
        Directory.CreateDirectory(folder);
        return WithRetries(() =>
        {
            var plan = SourcePlan.Scan(Path.GetFullPath(root), directories, limits);
            CheckFreeSpace(folder, plan.Bytes + (plan.Items.Count * (EntryOverhead + ManifestBytesPerEntry)), new DriveInfo(folder).AvailableFreeSpace, "the backup");
            var temp = Path.Combine(folder, $".{Path.GetFileName(final)}.{Guid.NewGuid():N}.partial");
            try
            {
                var (sha, size, entries) = ArchiveWriter.Write(temp, plan, level, afterOpen, createdAt, ct);
                Verify(temp, limits, entries, ct);
                ThrowIfExists(final);
                File.Move(temp, final, overwrite: false);
                return new ArchiveCreated(final, sha, size, entries, plan.Missing);
            }
            catch (IOException e) when (IsDiskFull(e))
            {
                File.Delete(temp);
                throw DiskFull(e, folder, "the backup");
            }
            catch
            {
                File.Delete(temp);
                throw;
            }
        });
    }

    /// <summary>
    /// One attempt at copying a source tree, repeated while a file changes as it is read (three attempts
    /// in all, each cleaning up after itself); then an <see cref="IOException"/> naming the file.
    /// </summary>
    internal static T WithRetries<T>(Func<T> attempt)
    {
        SourceChangedException? changed = null;
        for (var i = 0; i < Attempts; i++)
        {
            try
            {
                return attempt();
            }
            catch (SourceChangedException e)
            {
                changed = e;
            }
        }

        throw new IOException($"'{changed!.Path}' changed while it was being read, on each of {Attempts} attempts; nothing was written.", changed);
    }

    /// <summary>The kernel's ENOSPC or EDQUOT, which .NET passes on as the exception's HResult.</summary>
    internal static bool IsDiskFull(IOException e) => e.HResult is 28 or 122;

    /// <summary>
    /// A full disk met while writing a backup, as a sentence: the kernel's "No space left on device" alone
    /// does not say which disk, or that the partial copy is gone (the caller removes it first).
    /// </summary>
    internal static IOException DiskFull(IOException e, string folder, string what) =>
        new($"the disk holding '{folder}' filled up while {what} was being written ({e.Message.TrimEnd('.', ' ')}); the partial copy was removed and nothing was written.", e);

    /// <summary>
    /// Reads the whole archive and checks it without writing anything: exactly one gzip member with a
    /// correct CRC-32 and length and nothing after it, valid tar headers, no absolute or ".." names (also
    /// after PAX and GNU long-name overrides), no hard links, devices, FIFOs or duplicate names, no
    /// symlink resolving outside the tree, no entry below a file or symlink, every declared size present
    /// and within <paramref name="limits"/>, and a compression ratio within the limit as it streams.
    /// With <paramref name="expected"/>, every entry must equal the manifest's (kind, size, mode, hash,
    /// target) and none may be missing or extra.
    /// </summary>
    /// <returns>The entries in archive order, each file with its SHA-256.</returns>
    /// <exception cref="UnsafeArchiveException">The archive fails a check; the message names it.</exception>
    public static IReadOnlyList<ArchiveEntry> Inspect(string archivePath, ArchiveLimits limits, IReadOnlyList<ArchiveEntry>? expected, CancellationToken ct) =>
        InspectContents(archivePath, limits, expected, ct).Entries;

    /// <summary>
    /// <see cref="Inspect(string, ArchiveLimits, IReadOnlyList{ArchiveEntry}?, CancellationToken)"/>, also giving the manifest the archive
    /// carries inside it (already checked against the content and, with <paramref name="expected"/>, refused
    /// when the two manifests disagree), the SHA-256 of the archive file as read, and its fingerprint.
    /// </summary>
    public static BackupContents InspectContents(string archivePath, ArchiveLimits limits, IReadOnlyList<ArchiveEntry>? expected, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return Read(archivePath, limits, expected, writer: null, ct);
    }

    /// <summary>Inspects an open, seekable archive stream (tests count what is read through it).</summary>
    internal static IReadOnlyList<ArchiveEntry> Inspect(Stream archive, ArchiveLimits limits, IReadOnlyList<ArchiveEntry>? expected, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return ArchiveReader.Read(archive, limits, expected, writer: null, ct).Entries;
    }

    /// <summary>
    /// Extracts the archive into <paramref name="stagingDirectory"/>, which must not exist and is created,
    /// in one streaming pass that makes every check of <see cref="Inspect(string, ArchiveLimits, IReadOnlyList{ArchiveEntry}?, CancellationToken)"/>
    /// (and refuses a hostile archive with the same message) while it writes; returns only once all of
    /// them have passed, and on any failure, cancellation included, removes the staging directory entirely.
    /// <para>Why writing before the end of validation is safe:</para>
    /// <list type="bullet">
    /// <item>Each entry is checked on its own (name, type, declared size, limits, ratio so far, duplicates,
    /// and, with <paramref name="expected"/>, kind, size and mode against the manifest) before anything of
    /// it is written; what the manifest does not expect is never written.</item>
    /// <item>Writes go only below the fresh staging directory: files with CreateNew (never replacing or
    /// following anything), directories checked not to be links, and no symlink exists there while
    /// writing: symlinks are made last, after the whole archive has passed.</item>
    /// <item>The checks that need the whole archive (gzip CRC-32 and length, trailing data, entries below a
    /// file or a link, links leaving the tree, every hash and no entry missing or extra against the
    /// manifest, free space) run at the end; their failure removes everything written.</item>
    /// <item>Declared content never exceeds the free space measured before the first write: writing stops
    /// when it would, and the restore fails with the same free-space message as before any write.</item>
    /// <item>A problem while writing (a name already taken, a full disk) stops the writing but not the
    /// validation, so a hostile archive is still refused for what it is.</item>
    /// </list>
    /// Modes are sanitized (see the class policy) and modification times restored. The archive is
    /// decompressed once (the earlier design inspected it in full first, then decompressed it again to write).
    /// </summary>
    /// <returns>What was extracted, with the manifest inside the archive and the fingerprint of the bytes read.</returns>
    public static BackupContents ExtractTo(string archivePath, string stagingDirectory, ArchiveLimits limits, IReadOnlyList<ArchiveEntry>? expected, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var staging = Path.GetFullPath(stagingDirectory);
        ThrowIfExists(staging);
        var spaceDirectory = NearestExisting(staging);
        var free = new DriveInfo(spaceDirectory).AvailableFreeSpace;
        Directory.CreateDirectory(staging);
        try
        {
            var writer = new StagingWriter(staging, free, EntryOverhead);
            var contents = Read(archivePath, limits, expected, writer, ct);
            CheckFreeSpace(spaceDirectory, contents.Entries.Sum(e => e.Size) + (contents.Entries.Count * EntryOverhead), free, "the restore");
            writer.Complete();
            return contents;
        }
        catch
        {
            StagingWriter.Remove(staging);
            throw;
        }
    }

    /// <summary>
    /// The single pass of Inspect and ExtractTo, hashing the archive file as it is read: the SHA-256 and the
    /// fingerprint are those of exactly the bytes checked (and written), never of a second read.
    /// </summary>
    private static BackupContents Read(string archivePath, ArchiveLimits limits, IReadOnlyList<ArchiveEntry>? expected, StagingWriter? writer, CancellationToken ct)
    {
        using var file = OpenArchive(archivePath);
        var size = file.Length;
        var modified = File.GetLastWriteTimeUtc(file.SafeFileHandle);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var (entries, embedded, newer) = ArchiveReader.Read(new HashingReadStream(file, sha), limits, expected, writer, ct);
        if (new FileInfo(archivePath).Length != size || File.GetLastWriteTimeUtc(file.SafeFileHandle) != modified)
        {
            throw new IOException($"'{archivePath}' changed while it was being read; read it again once nothing writes to it.");
        }

        var hex = Convert.ToHexStringLower(sha.GetHashAndReset());
        return new BackupContents(entries, embedded, newer, BackupFingerprint.OfArchive(size, modified, hex), hex);
    }

    private static FileStream OpenArchive(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);

    private static void Verify(string temp, ArchiveLimits limits, IReadOnlyList<ArchiveEntry> entries, CancellationToken ct)
    {
        try
        {
            using var file = OpenArchive(temp);
            ArchiveReader.Read(file, limits, entries, writer: null, ct);
        }
        catch (UnsafeArchiveException e)
        {
            throw new UnsafeArchiveException($"the new backup failed its own inspection ({e.Problem})", e);
        }
    }

    internal static void ThrowIfExists(string path)
    {
        // Path.Exists follows links; a dangling symlink still occupies the name.
        if (Path.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            throw new IOException($"'{path}' already exists and is never overwritten; nothing was written.");
        }
    }

    private static string NearestExisting(string path)
    {
        var directory = Path.GetDirectoryName(path);
        while (directory is not null && !Directory.Exists(directory))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? Path.GetPathRoot(path)!;
    }

    internal static void CheckFreeSpace(string directory, long needed, long free, string what)
    {
        if (needed > free)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture,
                $"not enough free space in '{directory}' for {what}: it may need {needed / 1048576.0:N1} MB and {free / 1048576.0:N1} MB are free; nothing was written."));
        }
    }
}

/// <summary>Hashes what is read on its way to the gzip reader, passing on the length and position it asks for.</summary>
internal sealed class HashingReadStream(FileStream inner, IncrementalHash hash) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        hash.AppendData(buffer[..read]);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A source file changed while it was being archived: the attempt is abandoned and retried.</summary>
internal sealed class SourceChangedException(string path) : IOException($"'{path}' changed while it was being read")
{
    public string Path { get; } = path;
}
