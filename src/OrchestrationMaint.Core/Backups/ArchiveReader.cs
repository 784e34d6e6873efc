using System.Buffers;
using System.Formats.Tar;
using System.Globalization;
using System.Security.Cryptography;

namespace OrchestrationMaint.Core.Backups;

/// <summary>
/// One streaming pass over a .tar.gz: every check of <see cref="SafeArchive.Inspect(string, ArchiveLimits, IReadOnlyList{ArchiveEntry}?, CancellationToken)"/>,
/// and, given a <see cref="StagingWriter"/>, the writing of each entry as it passes (ExtractTo's only pass).
/// The checks and their order are the same with or without a writer, so ExtractTo refuses an archive
/// with Inspect's message: each entry is checked on its own (name, type, sizes, limits, duplicates,
/// and against the expected manifest) before anything of it is written, each file is hashed as it is
/// written, and the whole-archive checks (gzip trailer, trailing data, tree, links, manifest) run at the
/// end, before the writer is told to <see cref="StagingWriter.Complete"/> (make symlinks). A problem
/// met while writing only stops the writing; the pass goes on validating.
/// </summary>
internal static class ArchiveReader
{
    /// <summary>GNU tar pads to 10 KiB records; a little more is tolerated, a lot is something hidden.</summary>
    private const long MaxEndPadding = 1L << 20;

    /// <returns>The entries (the manifest entry aside), and the manifest the archive carries inside it (see <see cref="BackupManifest"/>), if any.</returns>
    public static (IReadOnlyList<ArchiveEntry> Entries, IReadOnlyList<ArchiveEntry>? Embedded, int? NewerManifestVersion) Read(
        Stream file, ArchiveLimits limits, IReadOnlyList<ArchiveEntry>? expected, StagingWriter? writer, CancellationToken ct)
    {
        using var gzip = new GzipMemberStream(file, limits.MaxCompressionRatio);
        var expectedByPath = expected?.ToDictionary(e => e.Path, StringComparer.Ordinal);
        var entries = new List<ArchiveEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        var count = 0;
        MemoryStream? manifest = null;
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 17);
        try
        {
            using var tar = new TarReader(new TarFramingGuard(gzip), leaveOpen: true);
            while (NextEntry(tar, gzip, entries) is { } raw)
            {
                ct.ThrowIfCancellationRequested();
                if (++count > limits.MaxEntries)
                {
                    throw new UnsafeArchiveException(string.Create(CultureInfo.InvariantCulture, $"the archive holds more than {limits.MaxEntries:N0} entries"));
                }

                if (raw.EntryType == TarEntryType.GlobalExtendedAttributes)
                {
                    continue;
                }

                var header = Describe(raw, limits, ref total);
                if (header is null)
                {
                    continue;
                }

                if (!seen.Add(header.Path))
                {
                    throw new UnsafeArchiveException($"entry '{header.Path}' appears twice in the archive");
                }

                if (header.Path == BackupManifest.FileName)
                {
                    // Kept in memory, checked at the end, never written: the manifest is not part of what is restored.
                    manifest = ReadManifest(raw, header, buffer, ct);
                    continue;
                }

                var write = writer is not null && Admit(header, expectedByPath, writer);
                var entry = header.Kind == ArchiveEntryKind.File ? header with { Sha256 = CopyData(raw, header, write ? writer : null, null, buffer, ct) } : header;
                if (write && entry.Kind == ArchiveEntryKind.Directory)
                {
                    writer!.Directory(entry.Path, entry.Mode);
                }
                else if (write && entry.Kind == ArchiveEntryKind.Symlink)
                {
                    // Only recorded: made by Complete, after every check below has passed.
                    writer!.Symlink(entry.Path, entry.LinkTarget!);
                }

                entries.Add(entry);
            }

            gzip.ReadPaddingToEnd(MaxEndPadding);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        CheckTree(entries);
        var (embedded, newer) = manifest is null ? (null, null)
            : BackupManifest.ReadEmbedded(manifest.GetBuffer().AsSpan(0, (int)manifest.Length), BackupKind.SystemState, expected);
        if (embedded is not null)
        {
            CheckManifest(entries, embedded.ToDictionary(e => e.Path, StringComparer.Ordinal), "the manifest inside the archive");
        }

        if (expectedByPath is not null)
        {
            CheckManifest(entries, expectedByPath, "the expected manifest");
        }

        return (entries, embedded, newer);
    }

    private static MemoryStream ReadManifest(TarEntry raw, ArchiveEntry header, byte[] buffer, CancellationToken ct)
    {
        if (header.Kind != ArchiveEntryKind.File)
        {
            throw new UnsafeArchiveException($"entry '{header.Path}' has the name reserved for the backup's manifest but is a {header.Kind.ToString().ToLowerInvariant()}");
        }

        if (header.Size > BackupManifest.MaxBytes)
        {
            throw new UnsafeArchiveException(string.Create(CultureInfo.InvariantCulture,
                $"the manifest entry '{header.Path}' declares {header.Size:N0} bytes, more than the {BackupManifest.MaxBytes:N0} a manifest may take"));
        }

        var content = new MemoryStream((int)header.Size);
        CopyData(raw, header, null, content, buffer, ct);
        return content;
    }

    /// <summary>
    /// Whether an entry that passed the per-entry checks may be written. One the expected manifest does
    /// not hold, or holds differently (the hash aside, which is known only once the data has passed), is
    /// not: writing stops, and the manifest check at the end refuses the archive, unless a check in
    /// between refuses it first (as Inspect would).
    /// </summary>
    private static bool Admit(ArchiveEntry header, Dictionary<string, ArchiveEntry>? expected, StagingWriter writer)
    {
        if (expected is not null && !writer.Stopped
            && (!expected.TryGetValue(header.Path, out var wanted) || wanted != header with { Sha256 = wanted.Sha256 }))
        {
            writer.Stop(new UnsafeArchiveException($"entry '{header.Path}' does not match the expected manifest"));
        }

        return writer.Admit(header);
    }

    /// <summary>
    /// TarReader's own complaints (bad checksum, bad number, short header) become an
    /// <see cref="UnsafeArchiveException"/>; but a broken tar stream is often the symptom of a broken
    /// gzip stream, so the rest is decompressed first to report the cause when there is one.
    /// </summary>
    private static TarEntry? NextEntry(TarReader tar, GzipMemberStream gzip, List<ArchiveEntry> entries)
    {
        try
        {
            return tar.GetNextEntry(copyData: false);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or InvalidOperationException or NotSupportedException or ArgumentException or OverflowException)
        {
            // Throws the gzip layer's own UnsafeArchiveException when that is what broke the tar stream.
            gzip.CopyTo(Stream.Null);
            var after = entries.Count == 0 ? "at the start of the archive" : $"after entry '{entries[^1].Path}'";
            throw new UnsafeArchiveException($"the archive has a bad tar header {after} ({e.Message.TrimEnd('.')})", e);
        }
    }

    /// <summary>The entry as the policy sees it, refused if the policy forbids it; null for the archive root ("./").</summary>
    private static ArchiveEntry? Describe(TarEntry raw, ArchiveLimits limits, ref long total)
    {
        var overridden = raw is PaxTarEntry pax && pax.ExtendedAttributes.ContainsKey("path") ? " (a name set by a PAX header)"
            : raw.Format == TarEntryFormat.Gnu && raw.Name.Length > 100 ? " (a GNU long name)" : "";
        var path = ArchivePaths.Normalize(raw.Name, out var problem);
        if (path is null)
        {
            throw new UnsafeArchiveException($"entry '{raw.Name}'{overridden} {problem}");
        }

        var kind = raw.EntryType switch
        {
            TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => ArchiveEntryKind.File,
            TarEntryType.Directory => ArchiveEntryKind.Directory,
            TarEntryType.SymbolicLink => ArchiveEntryKind.Symlink,
            TarEntryType.HardLink => throw new UnsafeArchiveException($"entry '{path}' is a hard link (to '{raw.LinkName}'), which is never restored"),
            TarEntryType.CharacterDevice or TarEntryType.BlockDevice => throw new UnsafeArchiveException($"entry '{path}' is a device node, which is never restored"),
            TarEntryType.Fifo => throw new UnsafeArchiveException($"entry '{path}' is a FIFO, which is never restored"),
            _ => throw new UnsafeArchiveException($"entry '{path}' has the unsupported tar type '{(char)raw.EntryType}'"),
        };
        if (path.Length == 0)
        {
            return kind == ArchiveEntryKind.Directory ? null : throw new UnsafeArchiveException($"entry '{raw.Name}' names the archive root but is not a directory");
        }

        if (raw.Length > limits.MaxEntryBytes)
        {
            throw new UnsafeArchiveException(string.Create(CultureInfo.InvariantCulture,
                $"entry '{path}' declares {raw.Length:N0} bytes, more than the limit of {limits.MaxEntryBytes:N0} for one entry"));
        }

        total += raw.Length;
        if (total > limits.MaxTotalBytes)
        {
            throw new UnsafeArchiveException(string.Create(CultureInfo.InvariantCulture,
                $"entry '{path}' brings the archive's declared content to {total:N0} bytes, more than the limit of {limits.MaxTotalBytes:N0}"));
        }

        if (kind == ArchiveEntryKind.Symlink && raw.LinkName.Length == 0)
        {
            throw new UnsafeArchiveException($"symlink '{path}' has an empty target");
        }

        return new ArchiveEntry(path, kind, kind == ArchiveEntryKind.File ? raw.Length : 0, raw.Mode, null, kind == ArchiveEntryKind.Symlink ? raw.LinkName : null);
    }

    /// <summary>Reads a file's data (writing it when extracting, keeping it in <paramref name="capture"/> when given), checks its length, and returns its SHA-256.</summary>
    private static string CopyData(TarEntry raw, ArchiveEntry entry, StagingWriter? writer, MemoryStream? capture, byte[] buffer, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var destination = writer?.CreateFile(entry.Path, entry.Size);
        long copied = 0;
        try
        {
            if (raw.DataStream is { } data)
            {
                int read;
                try
                {
                    while ((read = data.Read(buffer)) > 0)
                    {
                        ct.ThrowIfCancellationRequested();
                        sha.AppendData(buffer, 0, read);
                        capture?.Write(buffer, 0, read);
                        destination = destination is null ? null : writer!.Write(destination, buffer.AsSpan(0, read));
                        copied += read;
                    }
                }
                catch (EndOfStreamException)
                {
                    // The tar layer ran out of data: reported below with the counts.
                }
            }

            if (copied != entry.Size)
            {
                throw new UnsafeArchiveException(string.Create(CultureInfo.InvariantCulture,
                    $"entry '{entry.Path}' declares {entry.Size:N0} bytes but the archive holds only {copied:N0} of them"));
            }

            if (destination is not null)
            {
                writer!.CompleteFile(destination, entry.Mode, raw.ModificationTime);
                destination = null;
            }
        }
        finally
        {
            if (destination is not null)
            {
                writer!.Close(destination);
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static void CheckTree(List<ArchiveEntry> entries)
    {
        if (ArchivePaths.FindEntryBelowNonDirectory(entries) is var (below, ancestor))
        {
            throw new UnsafeArchiveException($"entry '{below}' lies below '{ancestor}', which is not a directory in the archive");
        }

        if (ArchivePaths.FindEscapingLink(entries, allowedTops: null) is var (link, problem))
        {
            throw new UnsafeArchiveException($"symlink '{link}' {problem}");
        }
    }

    private static void CheckAgainstExpected(ArchiveEntry actual, Dictionary<string, ArchiveEntry> expected, string which)
    {
        if (!expected.TryGetValue(actual.Path, out var wanted))
        {
            throw new UnsafeArchiveException($"entry '{actual.Path}' is not in {which}");
        }

        if (wanted != actual)
        {
            throw new UnsafeArchiveException(string.Create(CultureInfo.InvariantCulture,
                $"entry '{actual.Path}' differs from {which} ({Describe(actual)} instead of {Describe(wanted)})"));
        }
    }

    private static void CheckManifest(List<ArchiveEntry> entries, Dictionary<string, ArchiveEntry> expected, string which)
    {
        foreach (var entry in entries)
        {
            CheckAgainstExpected(entry, expected, which);
        }

        if (expected.Keys.Except(entries.Select(e => e.Path), StringComparer.Ordinal).FirstOrDefault() is { } missing)
        {
            throw new UnsafeArchiveException($"entry '{missing}' of {which} is missing from the archive");
        }
    }

    internal static string Describe(ArchiveEntry e) => string.Create(CultureInfo.InvariantCulture,
        $"{e.Kind.ToString().ToLowerInvariant()}, {e.Size:N0} bytes, mode {Convert.ToString((int)e.Mode, 8)}, sha256 {e.Sha256 ?? "-"}, target {e.LinkTarget ?? "-"}");
}
