using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;

namespace OrchestrationMaint.Core.Backups;

/// <param name="Modified">Taken when the tree is scanned; the file must still have it, and its size, once read.</param>
internal sealed record SourceItem(string Path, string FullPath, ArchiveEntryKind Kind, long Size, UnixFileMode Mode, DateTime Modified, string? LinkTarget);

/// <summary>What Create will store, scanned and checked against the policy and limits before a byte is written.</summary>
internal sealed record SourcePlan(IReadOnlyList<SourceItem> Items, long Bytes, IReadOnlyList<string> Missing)
{
    private const UnixFileMode NotStored = UnixFileMode.SetUser | UnixFileMode.SetGroup;

    /// <summary>Symlink permission bits mean nothing on Linux; one fixed value keeps manifests comparable.</summary>
    private const UnixFileMode LinkMode = (UnixFileMode)0x1FF;

    public static SourcePlan Scan(string root, IReadOnlyList<string> directories, ArchiveLimits limits)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"the target root '{root}' does not exist; nothing was written.");
        }

        var items = new List<SourceItem>();
        var missing = new List<string>();
        long bytes = 0;
        foreach (var top in directories)
        {
            var full = System.IO.Path.Combine(root, top);
            if (SourceFileTypes.Of(full) == SourceFileType.Missing)
            {
                missing.Add(top);
                continue;
            }

            Add(top, full);
        }

        var entries = items.Select(i => new ArchiveEntry(i.Path, i.Kind, i.Size, i.Mode, null, i.LinkTarget)).ToList();
        if (ArchivePaths.FindEscapingLink(entries, directories.Except(missing).ToHashSet(StringComparer.Ordinal)) is var (link, problem))
        {
            throw new UnsafeArchiveException($"symlink '{link}' {problem}, and only links that stay inside them are stored");
        }

        return new SourcePlan(items, bytes, missing);

        void Add(string path, string full)
        {
            var type = SourceFileTypes.Of(full);
            switch (type)
            {
                case SourceFileType.Missing:
                    // Deleted since its directory was listed: not part of this snapshot.
                    return;
                case SourceFileType.Regular:
                    var file = new FileInfo(full);
                    if (file.Length > limits.MaxEntryBytes)
                    {
                        throw new UnsafeArchiveException(string.Create(CultureInfo.InvariantCulture,
                            $"'{path}' holds {file.Length:N0} bytes, more than the limit of {limits.MaxEntryBytes:N0} for one entry"));
                    }

                    bytes += file.Length;
                    items.Add(new SourceItem(path, full, ArchiveEntryKind.File, file.Length, file.UnixFileMode & ~NotStored, file.LastWriteTimeUtc, null));
                    break;
                case SourceFileType.Directory:
                    items.Add(new SourceItem(path, full, ArchiveEntryKind.Directory, 0, File.GetUnixFileMode(full) & ~NotStored, Directory.GetLastWriteTimeUtc(full), null));
                    foreach (var child in Directory.EnumerateFileSystemEntries(full).Order(StringComparer.Ordinal))
                    {
                        Add($"{path}/{System.IO.Path.GetFileName(child)}", child);
                    }

                    break;
                case SourceFileType.Symlink:
                    items.Add(new SourceItem(path, full, ArchiveEntryKind.Symlink, 0, LinkMode, DateTime.UnixEpoch, new FileInfo(full).LinkTarget!));
                    break;
                default:
                    throw new UnsafeArchiveException($"'{path}' is a {Describe(type)}, and FIFOs, sockets and devices are never archived");
            }

            if (items.Count > limits.MaxEntries || bytes > limits.MaxTotalBytes)
            {
                throw new UnsafeArchiveException(string.Create(CultureInfo.InvariantCulture,
                    $"the tree exceeds the archive limits at '{path}' ({items.Count:N0} entries of at most {limits.MaxEntries:N0}, {bytes:N0} bytes of at most {limits.MaxTotalBytes:N0})"));
            }
        }
    }

    private static string Describe(SourceFileType type) => type switch
    {
        SourceFileType.Fifo => "FIFO",
        SourceFileType.Socket => "socket",
        SourceFileType.CharacterDevice => "character device",
        _ => "block device",
    };
}

internal static class ArchiveWriter
{
    private const UnixFileMode ArchiveMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    /// <summary>Mode of the manifest entry (and a snapshot's manifest file): readable by whoever may read the backup.</summary>
    internal const UnixFileMode ManifestMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <returns>The archive file's SHA-256 and size, and the manifest with every file's SHA-256 (also written as the archive's last entry, <see cref="BackupManifest.FileName"/>).</returns>
    public static (string Sha256, long Size, IReadOnlyList<ArchiveEntry> Entries) Write(string temp, SourcePlan plan, CompressionLevel level, Action<string>? afterOpen, DateTimeOffset createdAt, CancellationToken ct)
    {
        using var archiveHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var entries = new List<ArchiveEntry>(plan.Items.Count);
        using var file = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = ArchiveMode,
            BufferSize = 1 << 16,
        });
        using (var gzip = new GZipStream(new HashingWriteStream(file, archiveHash), level))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var item in plan.Items)
            {
                ct.ThrowIfCancellationRequested();
                entries.Add(item.Kind switch
                {
                    ArchiveEntryKind.File => WriteFile(tar, item, afterOpen, ct),
                    ArchiveEntryKind.Directory => WriteOther(tar, new PaxTarEntry(TarEntryType.Directory, item.Path + "/"), item),
                    _ => WriteOther(tar, new PaxTarEntry(TarEntryType.SymbolicLink, item.Path) { LinkName = item.LinkTarget! }, item),
                });
            }

            // Last, because only now is every file's hash known.
            var manifest = new BackupManifest(BackupKind.SystemState, createdAt, BackupManifest.CurrentAppVersion, entries).ToJson();
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, BackupManifest.FileName)
            {
                Mode = ManifestMode,
                ModificationTime = createdAt,
                DataStream = new MemoryStream(manifest),
            });
        }

        // Durable before it is renamed to its final name.
        file.Flush(flushToDisk: true);
        return (Convert.ToHexStringLower(archiveHash.GetHashAndReset()), file.Length, entries);
    }

    private static ArchiveEntry WriteOther(TarWriter tar, PaxTarEntry entry, SourceItem item)
    {
        entry.Mode = item.Mode;
        entry.ModificationTime = item.Modified;
        tar.WriteEntry(entry);
        return new ArchiveEntry(item.Path, item.Kind, 0, item.Mode, null, item.LinkTarget);
    }

    private static ArchiveEntry WriteFile(TarWriter tar, SourceItem item, Action<string>? afterOpen, CancellationToken ct) =>
        ReadSource(item, afterOpen, content => tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, item.Path) { Mode = item.Mode, ModificationTime = item.Modified, DataStream = content }), ct);

    /// <summary>
    /// Hands a scanned file's content, exactly as many bytes as the scan saw, to <paramref name="consume"/>,
    /// hashing it on the way; the file must still have its scanned size and time afterwards. Shared by
    /// the archive and the configuration snapshot, so both read a changing file the same way.
    /// </summary>
    /// <exception cref="SourceChangedException">The file vanished, changed, or yielded more or fewer bytes.</exception>
    internal static ArchiveEntry ReadSource(SourceItem item, Action<string>? afterOpen, Action<Stream> consume, CancellationToken ct)
    {
        FileStream source;
        try
        {
            source = new FileStream(item.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SourceChangedException(item.Path);
        }

        using (source)
        {
            afterOpen?.Invoke(item.Path);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var content = new SourceContentStream(source, item, hash, ct);
            consume(content);
            content.ThrowIfGrown();
            var after = new FileInfo(item.FullPath);
            if (!after.Exists || after.Length != item.Size || after.LastWriteTimeUtc != item.Modified)
            {
                throw new SourceChangedException(item.Path);
            }

            return new ArchiveEntry(item.Path, ArchiveEntryKind.File, item.Size, item.Mode, Convert.ToHexStringLower(hash.GetHashAndReset()), null);
        }
    }

    /// <summary>Hashes what passes on its way to the file: the archive's own SHA-256 without reading it again.</summary>
    private sealed class HashingWriteStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>
    /// A source file as TarWriter reads it: exactly the size seen when scanning (TarWriter writes the
    /// header from <see cref="Length"/> before the data), hashed on the way; a file that ends early or
    /// has more to give has changed, and the attempt is abandoned.
    /// </summary>
    private sealed class SourceContentStream(FileStream source, SourceItem item, IncrementalHash hash, CancellationToken ct) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => item.Size;

        public override long Position
        {
            get => _read;
            set
            {
                if (value != _read)
                {
                    throw new NotSupportedException();
                }
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            ct.ThrowIfCancellationRequested();
            var wanted = (int)Math.Min(buffer.Length, item.Size - _read);
            if (wanted == 0)
            {
                return 0;
            }

            var read = source.Read(buffer[..wanted]);
            if (read == 0)
            {
                throw new SourceChangedException(item.Path);
            }

            hash.AppendData(buffer[..read]);
            _read += read;
            return read;
        }

        public void ThrowIfGrown()
        {
            Span<byte> probe = stackalloc byte[1];
            if (_read != item.Size || source.Read(probe) != 0)
            {
                throw new SourceChangedException(item.Path);
            }
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
