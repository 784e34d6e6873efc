using System.Reflection;
using System.Text.Json;

namespace OrchestrationMaint.Core.Backups;

/// <summary>
/// The manifest a backup carries inside itself, so that it can be checked without the database (the
/// database lost, the backup copied from another machine): <see cref="FileName"/>, the last entry at
/// the root of a system-state archive (written last because every hash is known only once every file
/// has been read) and a file at the root of a configuration snapshot. It lists every entry: path, type,
/// size, mode, the SHA-256 of each file and the target of each symlink, with the format version, the
/// time it was made, its kind and the app's version. The archive's own SHA-256 cannot be inside the
/// archive it describes: the database keeps that one.
/// <para>The names are reserved: a manifest is never compared as content, never restored, and a
/// config/ holding a file of that name is refused rather than shadowed.</para>
/// </summary>
public sealed record BackupManifest(BackupKind Kind, DateTimeOffset CreatedAt, string AppVersion, IReadOnlyList<ArchiveEntry> Entries)
{
    public const string FileName = ".orchestrationmaint-manifest.json";

    /// <summary>Where the first version put a snapshot's manifest, as a bare list of entries: read, never written.</summary>
    public const string LegacySnapshotFileName = ".om-manifest.json";

    public const string Format = "orchestrationmaint-backup-manifest";

    /// <summary>Raised only for a change older readers would misread; new fields alone do not raise it.</summary>
    public const int Version = 1;

    /// <summary>A manifest larger than this is not one (20,000 entries take about 4 MB).</summary>
    public const int MaxBytes = 64 << 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly JsonSerializerOptions LegacyJson = new(JsonSerializerDefaults.Web);

    public static string CurrentAppVersion { get; } =
        typeof(BackupManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static bool IsReservedName(string name) => name is FileName or LegacySnapshotFileName;

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(
        new Document(Format, Version, KindName(Kind), CreatedAt, AppVersion, [.. Entries.Select(ToItem)]), Json);

    /// <summary>Reads a manifest, checking that it is one and that it does not contradict itself.</summary>
    /// <param name="newerVersion">Set, with null returned, when the manifest has a newer format version than this app reads.</param>
    /// <exception cref="InvalidDataException">Not a manifest of this format, or a malformed one; the message says what is wrong.</exception>
    public static BackupManifest? Parse(ReadOnlySpan<byte> json, out int? newerVersion)
    {
        newerVersion = null;
        Document? document;
        try
        {
            document = JsonSerializer.Deserialize<Document>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"it is not valid JSON ({e.Message.TrimEnd('.')})", e);
        }

        if (document is null || document.Format != Format)
        {
            throw new InvalidDataException($"it does not say \"format\": \"{Format}\"");
        }

        if (document.Version > Version)
        {
            newerVersion = document.Version;
            return null;
        }

        if (document.Version < 1)
        {
            throw new InvalidDataException($"its format version {document.Version} does not exist");
        }

        var kind = document.Kind switch
        {
            "system-state" => BackupKind.SystemState,
            "configuration-snapshot" => BackupKind.ConfigurationSnapshot,
            _ => throw new InvalidDataException($"its kind '{document.Kind}' is neither system-state nor configuration-snapshot"),
        };
        if (document.CreatedAt is not { } createdAt || document.Entries is null)
        {
            throw new InvalidDataException("it lacks its creation time or its list of entries");
        }

        var entries = document.Entries.Select(ToEntry).ToList();
        return new BackupManifest(kind, createdAt, document.AppVersion ?? "unknown", CheckUnique(entries));
    }

    /// <summary>The first version's snapshot manifest: the database's JSON list of entries.</summary>
    /// <exception cref="InvalidDataException">It is not such a list.</exception>
    public static IReadOnlyList<ArchiveEntry> ParseLegacy(ReadOnlySpan<byte> json)
    {
        List<ArchiveEntry?>? entries;
        try
        {
            entries = JsonSerializer.Deserialize<List<ArchiveEntry?>>(json, LegacyJson);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"it is not a valid list of entries ({e.Message.TrimEnd('.')})", e);
        }

        if (entries is null || entries.Any(e => e is null || e.Path is null || ArchivePaths.Normalize(e.Path, out _) != e.Path || e.Path.Length == 0))
        {
            throw new InvalidDataException("it is not a list of entries with relative paths");
        }

        return CheckUnique([.. entries.OfType<ArchiveEntry>()]);
    }

    /// <summary>
    /// How two manifests of the same backup (the database's and the one inside it) disagree, as a phrase
    /// naming the first entry that differs; null when they list the same entries.
    /// </summary>
    public static string? Disagreement(IReadOnlyList<ArchiveEntry> recorded, IReadOnlyList<ArchiveEntry> embedded)
    {
        var inside = embedded.ToDictionary(e => e.Path, StringComparer.Ordinal);
        foreach (var entry in recorded)
        {
            if (!inside.Remove(entry.Path, out var other))
            {
                return $"'{entry.Path}' is in the database's manifest but not in the one inside the backup";
            }

            if (other != entry)
            {
                return $"'{entry.Path}' is recorded differently in each";
            }
        }

        return inside.Count > 0 ? $"'{inside.Keys.Order(StringComparer.Ordinal).First()}' is in the manifest inside the backup but not in the database's" : null;
    }

    /// <summary>
    /// The entries of a manifest found inside a backup of <paramref name="kind"/> (null with the version
    /// when it is of a newer format), refused when it is unreadable, of the other kind, or disagrees
    /// with the manifest <paramref name="recorded"/> in the database. <paramref name="legacy"/>: the
    /// first version's snapshot manifest.
    /// </summary>
    /// <exception cref="UnsafeArchiveException">The reason, naming the manifest.</exception>
    internal static (IReadOnlyList<ArchiveEntry>? Entries, int? NewerVersion) ReadEmbedded(ReadOnlySpan<byte> json, BackupKind kind, IReadOnlyList<ArchiveEntry>? recorded, bool legacy = false)
    {
        IReadOnlyList<ArchiveEntry> entries;
        try
        {
            if (legacy)
            {
                entries = ParseLegacy(json);
            }
            else if (Parse(json, out var newer) is { } manifest)
            {
                if (manifest.Kind != kind)
                {
                    throw new UnsafeArchiveException($"its manifest ({FileName}) says it is a {KindName(manifest.Kind)} backup, but it is a {KindName(kind)} one");
                }

                entries = manifest.Entries;
            }
            else
            {
                return (null, newer);
            }
        }
        catch (InvalidDataException e)
        {
            throw new UnsafeArchiveException($"its manifest ({(legacy ? LegacySnapshotFileName : FileName)}) is unreadable: {e.Message}", e);
        }

        if (recorded is not null && Disagreement(recorded, entries) is { } disagreement)
        {
            throw new UnsafeArchiveException($"the manifest inside it disagrees with the one recorded in the database: {disagreement}");
        }

        return (entries, null);
    }

    private static string KindName(BackupKind kind) => kind == BackupKind.SystemState ? "system-state" : "configuration-snapshot";

    private static List<ArchiveEntry> CheckUnique(List<ArchiveEntry> entries)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return entries.FirstOrDefault(e => !seen.Add(e.Path)) is { } twice ? throw new InvalidDataException($"it lists '{twice.Path}' twice") : entries;
    }

    private static Item ToItem(ArchiveEntry e) => new(
        e.Path,
        e.Kind switch { ArchiveEntryKind.File => "file", ArchiveEntryKind.Directory => "directory", _ => "symlink" },
        e.Size,
        Convert.ToString((int)e.Mode, 8).PadLeft(4, '0'),
        e.Sha256,
        e.LinkTarget);

    private static ArchiveEntry ToEntry(Item? item)
    {
        if (item?.Path is not { Length: > 0 } path || ArchivePaths.Normalize(path, out _) != path)
        {
            throw new InvalidDataException($"it lists an entry without a normalized relative path ('{item?.Path}')");
        }

        var kind = item.Type switch
        {
            "file" => ArchiveEntryKind.File,
            "directory" => ArchiveEntryKind.Directory,
            "symlink" => ArchiveEntryKind.Symlink,
            _ => throw new InvalidDataException($"entry '{path}' has the unknown type '{item.Type}'"),
        };
        if (item.Mode is not { Length: > 0 and <= 5 } mode || !mode.All(c => c is >= '0' and <= '7') || Convert.ToInt32(mode, 8) > 0xFFF)
        {
            throw new InvalidDataException($"entry '{path}' has no octal mode");
        }

        var valid = kind switch
        {
            ArchiveEntryKind.File => item.Size >= 0 && item.Sha256 is { Length: 64 } sha && sha.All(char.IsAsciiHexDigitLower) && item.Target is null,
            ArchiveEntryKind.Directory => item.Size == 0 && item.Sha256 is null && item.Target is null,
            _ => item.Size == 0 && item.Sha256 is null && item.Target is { Length: > 0 },
        };
        if (!valid)
        {
            throw new InvalidDataException($"entry '{path}' does not have the size, sha256 and target its type '{item.Type}' calls for");
        }

        return new ArchiveEntry(path, kind, item.Size, (UnixFileMode)Convert.ToInt32(mode, 8), item.Sha256, item.Target);
    }

    private sealed record Document(string? Format, int Version, string? Kind, DateTimeOffset? CreatedAt, string? AppVersion, List<Item?>? Entries);

    private sealed record Item(string? Path, string? Type, long Size, string? Mode, string? Sha256, string? Target);
}
