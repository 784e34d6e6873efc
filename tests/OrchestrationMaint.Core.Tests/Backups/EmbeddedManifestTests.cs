using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrchestrationMaint.Core.Backups;

namespace OrchestrationMaint.Core.Tests.Backups;

/// <summary>
/// The manifest every backup carries inside itself: what it holds, that a backup found without a database
/// record is hash-checked against it, that it never reaches the target, and that backups made by the
/// first version (manifest in the database only) still verify and restore.
/// </summary>
public sealed class EmbeddedManifestTests : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly BackupHarness _harness = new();

    private static CancellationToken Token => BackupHarness.Token;

    private string Root => _harness.Root;

    [Fact]
    public async Task Create_SystemState_CarriesItsManifestAsTheLastEntryAtTheArchiveRoot()
    {
        var backups = await _harness.StartAsync();

        var backup = await backups.CreateAsync(BackupKind.SystemState, "tester", null, false, _ => { }, Token);

        var entries = ReadArchive(Path.Combine(Root, backup.RelativePath));
        Assert.Equal(BackupManifest.FileName, entries[^1].Name);
        var manifest = JsonNode.Parse(entries[^1].Data)!;
        Assert.Equal(BackupManifest.Format, (string?)manifest["format"]);
        Assert.Equal(1, (int?)manifest["version"]);
        Assert.Equal("system-state", (string?)manifest["kind"]);
        Assert.Equal(backup.CreatedAt, DateTimeOffset.Parse((string)manifest["createdAt"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(string.IsNullOrWhiteSpace((string?)manifest["appVersion"]));
        var script = manifest["entries"]!.AsArray().Single(e => (string?)e!["path"] == "scripts/distribute-orchestration-files.sh")!;
        Assert.Equal(("file", "0755"), ((string?)script["type"], (string?)script["mode"]));
        var bytes = File.ReadAllBytes(Path.Combine(Root, "scripts", "distribute-orchestration-files.sh"));
        Assert.Equal(bytes.Length, (long)script["size"]!);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), (string?)script["sha256"]);
        Assert.Equal(Recorded(backup), BackupManifest.Parse(entries[^1].Data, out _)!.Entries);
    }

    [Fact]
    public async Task Create_ConfigSnapshot_CarriesItsManifestAtItsRoot()
    {
        var backups = await _harness.StartAsync();

        var backup = await backups.CreateAsync(BackupKind.ConfigurationSnapshot, "tester", null, false, _ => { }, Token);

        var manifest = BackupManifest.Parse(File.ReadAllBytes(Path.Combine(Root, backup.RelativePath, BackupManifest.FileName)), out _)!;
        Assert.Equal(BackupKind.ConfigurationSnapshot, manifest.Kind);
        Assert.Equal(Recorded(backup), manifest.Entries);
        Assert.Contains(manifest.Entries, e => e.Path == "distribution.json" && e.Sha256 is { Length: 64 });
        Assert.False(File.Exists(Path.Combine(Root, backup.RelativePath, BackupManifest.LegacySnapshotFileName)));
    }

    [Fact]
    public async Task Verify_DatabaseLost_BackupsCarryingAManifestAreRegisteredAndHashChecked()
    {
        var first = await _harness.StartAsync();
        var archive = await first.CreateAsync(BackupKind.SystemState, "tester", null, false, _ => { }, Token);
        var snapshot = await first.CreateAsync(BackupKind.ConfigurationSnapshot, "tester", null, false, _ => { }, Token);

        var second = await _harness.WithFreshDatabaseAsync("other.db");
        var found = await second.ListAsync(Token);
        var verified = new List<BackupRecord>();
        foreach (var record in found.Where(b => b.Name == archive.Name || b.Name == snapshot.Name))
        {
            Assert.Equal(("found on disk", null), (record.CreatedBy, record.Manifest));
            verified.Add(await second.VerifyAsync(record, _ => { }, Token));
        }

        Assert.Equal(2, verified.Count);
        Assert.All(verified, v => Assert.Equal(BackupStatus.Verified, v.Status));
        Assert.All(verified, v => Assert.Contains("match the manifest inside the backup", v.VerificationMessage, StringComparison.Ordinal));
        var stored = await second.FindAsync(verified.Single(v => v.Name == archive.Name).Key, Token);
        Assert.Equal(Recorded(archive), Recorded(stored!));
        Assert.Equal(archive.Sha256, stored!.Sha256);
        Assert.Equal(archive.FileCount, stored.FileCount);
        // The seed's hand-made ones carry nothing to check against: readable, no more.
        var handMade = await second.VerifyAsync(found.Single(b => b.Name.StartsWith("backup_", StringComparison.Ordinal) && !b.RelativePath.StartsWith("backups/", StringComparison.Ordinal)), _ => { }, Token);
        Assert.Equal(BackupStatus.ReadableWithoutManifest, handMade.Status);

        // Hash-checked, not just readable: a changed byte in a found snapshot is caught.
        var file = Path.Combine(Root, snapshot.RelativePath, "distribution.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace('"', '\''));
        var again = await second.VerifyAsync(verified.Single(v => v.Name == snapshot.Name), _ => { }, Token);
        Assert.Equal(BackupStatus.Corrupt, again.Status);
        Assert.StartsWith("it no longer matches", again.VerificationMessage, StringComparison.Ordinal);
        Assert.Contains("'distribution.json' differs", again.VerificationMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_FoundArchiveWhoseContentDisagreesWithItsManifest_IsCorruptWithTheEntryNamed()
    {
        var first = await _harness.StartAsync();
        var archive = await first.CreateAsync(BackupKind.SystemState, "tester", null, false, _ => { }, Token);
        var path = Path.Combine(Root, archive.RelativePath);
        RewriteArchive(path, (name, data) => name == "config/default.json" ? Encoding.UTF8.GetBytes("{\"tampered\": true}") : data);

        var second = await _harness.WithFreshDatabaseAsync("other.db");
        var found = (await second.ListAsync(Token)).Single(b => b.Name == archive.Name);
        var verified = await second.VerifyAsync(found, _ => { }, Token);
        var restore = await second.RestoreAsync(found, found.Name, null, "tester", 3, _harness.ConfigParses, _ => { }, Token);

        Assert.Equal(BackupStatus.Corrupt, verified.Status);
        Assert.Contains("entry 'config/default.json' differs from the manifest inside the archive", verified.VerificationMessage, StringComparison.Ordinal);
        Assert.Null((await second.FindAsync(found.Key, Token))!.Manifest);
        Assert.False(restore.Restored);
    }

    [Fact]
    public async Task Verify_ManifestInsideAnArchiveDisagreesWithTheDatabase_IsCorrupt()
    {
        var backups = await _harness.StartAsync();
        var archive = await backups.CreateAsync(BackupKind.SystemState, "tester", null, false, _ => { }, Token);
        var path = Path.Combine(Root, archive.RelativePath);
        // The content still matches the database's manifest; only the embedded one is changed.
        RewriteArchive(path, (name, data) => name == BackupManifest.FileName ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(data).Replace("\"0644\"", "\"0600\"", StringComparison.Ordinal)) : data);

        var verified = await backups.VerifyAsync(archive, _ => { }, Token);

        Assert.Equal(BackupStatus.Corrupt, verified.Status);
        Assert.StartsWith("the manifest inside it disagrees with the one recorded in the database: '", verified.VerificationMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ManifestInsideASnapshotDisagreesWithTheDatabase_IsCorrupt()
    {
        var backups = await _harness.StartAsync();
        var snapshot = await backups.CreateAsync(BackupKind.ConfigurationSnapshot, "tester", null, false, _ => { }, Token);
        var manifestPath = Path.Combine(Root, snapshot.RelativePath, BackupManifest.FileName);
        var manifest = BackupManifest.Parse(File.ReadAllBytes(manifestPath), out _)!;
        File.WriteAllBytes(manifestPath, (manifest with { Entries = [.. manifest.Entries.Where(e => e.Path != "default.json")] }).ToJson());

        var verified = await backups.VerifyAsync(snapshot, _ => { }, Token);

        Assert.Equal(BackupStatus.Corrupt, verified.Status);
        Assert.Equal("the manifest inside it disagrees with the one recorded in the database: 'default.json' is in the database's manifest but not in the one inside the backup.", verified.VerificationMessage);
    }

    [Theory]
    [InlineData("{\"format\": \"orchestrationmaint-backup-manifest\", \"version\": 1, \"kind\": \"system-state\"}", BackupStatus.Corrupt, "is unreadable: it lacks its creation time")]
    [InlineData("not json at all", BackupStatus.Corrupt, "is unreadable: it is not valid JSON")]
    [InlineData("{\"format\": \"orchestrationmaint-backup-manifest\", \"version\": 2, \"whatever\": []}", BackupStatus.ReadableWithoutManifest, "a manifest of a newer format (version 2)")]
    public async Task Verify_FoundArchiveWithAManifestItCannotUse_SaysWhy(string manifest, BackupStatus status, string says)
    {
        await _harness.StartAsync();
        var path = Path.Combine(Root, "backups", "backup_20261101_120000.tar.gz");
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "config/a.json") { DataStream = new MemoryStream("{}"u8.ToArray()) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, BackupManifest.FileName) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(manifest)) });
        }

        var backups = await _harness.WithFreshDatabaseAsync("other.db");
        var found = (await backups.ListAsync(Token)).Single(b => b.Name == Path.GetFileName(path));
        var verified = await backups.VerifyAsync(found, _ => { }, Token);

        Assert.Equal(status, verified.Status);
        Assert.Contains(says, verified.VerificationMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BackupKind.SystemState)]
    [InlineData(BackupKind.ConfigurationSnapshot)]
    public async Task Restore_BackupCarryingAManifest_NeverWritesTheManifestIntoTheTarget(BackupKind kind)
    {
        var backups = await _harness.StartAsync();
        var original = File.ReadAllText(_harness.ConfigFile);
        var backup = await backups.CreateAsync(kind, "tester", null, false, _ => { }, Token);
        File.WriteAllText(_harness.ConfigFile, "{\"changed\": true}\n");

        var plan = await backups.PlanRestoreAsync(backup, Token);
        var outcome = await backups.RestoreAsync(backup, backup.Name, plan.Fingerprint, "tester", 5, _harness.ConfigParses, _ => { }, Token);

        Assert.True(outcome.Restored, outcome.Summary);
        Assert.Equal(original, File.ReadAllText(_harness.ConfigFile));
        Assert.DoesNotContain(plan.Changes, c => c.Path.Contains("manifest", StringComparison.Ordinal));
        Assert.DoesNotContain(Directory.EnumerateFiles(Root, "*manifest*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }),
            f => !f.StartsWith(Path.Combine(Root, "backups"), StringComparison.Ordinal));
    }

    /// <summary>
    /// What the first version wrote: an archive without a manifest entry and a snapshot with a bare list in
    /// .om-manifest.json, each with its manifest (files only for the snapshot) in the database.
    /// </summary>
    [Fact]
    public async Task VerifyAndRestore_BackupsMadeByTheFirstVersion_StillWork()
    {
        var backups = await _harness.StartAsync();
        var original = File.ReadAllText(_harness.ConfigFile);
        var archivePath = Path.Combine(Root, "backups", "backup_20261101_090000.tar.gz");
        using (var file = File.Create(archivePath))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var directory in BackupService.SystemDirectories)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, directory + "/") { Mode = File.GetUnixFileMode(Path.Combine(Root, directory)) });
                foreach (var path in Directory.GetFiles(Path.Combine(Root, directory)).Order(StringComparer.Ordinal))
                {
                    tar.WriteEntry(path, $"{directory}/{Path.GetFileName(path)}");
                }
            }
        }

        var archiveEntries = SafeArchive.Inspect(archivePath, new ArchiveLimits(), null, Token);
        var snapshotPath = Path.Combine(Root, "backups", "config_backup_20261101_090000");
        Directory.CreateDirectory(snapshotPath);
        foreach (var path in Directory.GetFiles(Path.Combine(Root, "config")))
        {
            File.Copy(path, Path.Combine(snapshotPath, Path.GetFileName(path)));
        }

        var snapshotEntries = Directory.GetFiles(snapshotPath).Order(StringComparer.Ordinal).Select(f => new ArchiveEntry(Path.GetFileName(f), ArchiveEntryKind.File,
            new FileInfo(f).Length, File.GetUnixFileMode(f), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))), null)).ToList();
        File.WriteAllText(Path.Combine(snapshotPath, BackupManifest.LegacySnapshotFileName), JsonSerializer.Serialize(snapshotEntries, Web));
        await using (var db = _harness.Database.CreateDbContext())
        {
            db.Backups.Add(FirstVersionRecord("backup_20261101_090000.tar.gz", BackupKind.SystemState, archiveEntries, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(archivePath)))));
            db.Backups.Add(FirstVersionRecord("config_backup_20261101_090000", BackupKind.ConfigurationSnapshot, snapshotEntries, null));
            await db.SaveChangesAsync(Token);
        }

        var all = await backups.ListAsync(Token);
        foreach (var name in new[] { "backup_20261101_090000.tar.gz", "config_backup_20261101_090000" })
        {
            var record = all.Single(b => b.Name == name);
            var verified = await backups.VerifyAsync(record, _ => { }, Token);
            Assert.True(verified.Status == BackupStatus.Verified, $"{name}: {verified.VerificationMessage}");
            File.WriteAllText(_harness.ConfigFile, "{\"changed\": true}\n");

            var outcome = await backups.RestoreAsync(record, name, (await backups.PlanRestoreAsync(record, Token)).Fingerprint, "tester", 6, _harness.ConfigParses, _ => { }, Token);

            Assert.True(outcome.Restored, outcome.Summary);
            Assert.Equal(original, File.ReadAllText(_harness.ConfigFile));
            Assert.False(File.Exists(Path.Combine(Root, "config", BackupManifest.LegacySnapshotFileName)));
        }
    }

    /// <summary>The same legacy snapshot, its database record lost: its .om-manifest.json still makes it hash-checkable.</summary>
    [Fact]
    public async Task Verify_FirstVersionSnapshotFoundWithoutARecord_IsCheckedAgainstItsOldManifest()
    {
        await _harness.StartAsync();
        var snapshotPath = Path.Combine(Root, "backups", "config_backup_20261101_090000");
        Directory.CreateDirectory(snapshotPath);
        File.WriteAllText(Path.Combine(snapshotPath, "a.json"), "{}");
        var entry = new ArchiveEntry("a.json", ArchiveEntryKind.File, 2, File.GetUnixFileMode(Path.Combine(snapshotPath, "a.json")), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("{}"u8)), null);
        File.WriteAllText(Path.Combine(snapshotPath, BackupManifest.LegacySnapshotFileName), JsonSerializer.Serialize(new[] { entry }, Web));
        var backups = await _harness.WithFreshDatabaseAsync("other.db");
        var found = (await backups.ListAsync(Token)).Single(b => b.Name == "config_backup_20261101_090000");

        // One record object, updated by each verification: its first verdict is read before the second.
        var verified = await backups.VerifyAsync(found, _ => { }, Token);
        var (status, message) = (verified.Status, verified.VerificationMessage);
        File.WriteAllText(Path.Combine(snapshotPath, "a.json"), "[]");
        var changed = await backups.VerifyAsync(found, _ => { }, Token);

        Assert.True(status == BackupStatus.Verified, message);
        Assert.Equal(1, found.FileCount);
        Assert.Equal(BackupStatus.Corrupt, changed.Status);
    }

    private static BackupRecord FirstVersionRecord(string name, BackupKind kind, IReadOnlyList<ArchiveEntry> entries, string? sha) => new()
    {
        Key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)),
        Name = name,
        RelativePath = "backups/" + name,
        Kind = kind,
        CreatedAt = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero),
        CreatedBy = "run #1",
        FileCount = entries.Count(e => e.Kind == ArchiveEntryKind.File),
        Sha256 = sha,
        Manifest = JsonSerializer.Serialize(entries, Web),
        Status = BackupStatus.Verified,
    };

    private static List<ArchiveEntry> Recorded(BackupRecord record) => JsonSerializer.Deserialize<List<ArchiveEntry>>(record.Manifest!, Web)!;

    private static List<(string Name, byte[] Data)> ReadArchive(string path)
    {
        var entries = new List<(string, byte[])>();
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry(copyData: true) is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            entries.Add((entry.Name, data.ToArray()));
        }

        return entries;
    }

    /// <summary>The archive written again, entry by entry, with the content <paramref name="transform"/> gives each file.</summary>
    private static void RewriteArchive(string path, Func<string, byte[], byte[]> transform)
    {
        var copy = path + ".rewritten";
        using (var input = File.OpenRead(path))
        using (var gunzip = new GZipStream(input, CompressionMode.Decompress))
        using (var reader = new TarReader(gunzip))
        using (var output = File.Create(copy))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            while (reader.GetNextEntry(copyData: true) is { } entry)
            {
                if (entry.EntryType == TarEntryType.RegularFile)
                {
                    using var data = new MemoryStream();
                    entry.DataStream!.CopyTo(data);
                    entry.DataStream = new MemoryStream(transform(entry.Name, data.ToArray()));
                }

                writer.WriteEntry(entry);
            }
        }

        File.Move(copy, path, overwrite: true);
    }

    public void Dispose() => _harness.Dispose();
}
