using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using LibGit2Sharp;

namespace OrchestrationMaint.Core.Target.Demo;

public sealed record DemoTargetSummary(int Records, int Failures, int Slow, int Malformed);

/// <summary>
/// Writes a complete, working Modular Orchestration Distribution System: scripts that run, modules
/// that source, valid configs, access profiles, ~30 days of metrics and a git working copy with a
/// local bare <c>origin</c>. Everything is built in a staging directory and renamed into place, so
/// a crash never leaves half a demo behind.
/// </summary>
public sealed class DemoTargetGenerator(TimeProvider clock)
{
    internal const string StagingPrefix = ".demo-staging-";
    private const string ResourcePrefix = "demo/";
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <param name="demoDirectory">Receives <c>target/</c> and <c>origin.git/</c>; must not exist yet.</param>
    public DemoTargetSummary Generate(string demoDirectory, DemoOptions options, int seed = 20261128)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(demoDirectory))!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, StagingPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            var target = Path.Combine(staging, "target");
            WriteEmbeddedFiles(target);
            CreateRepositories(target, Path.Combine(staging, "origin.git"), Path.Combine(demoDirectory, "origin.git"));
            var summary = WriteLogs(target, options, new Random(seed));
            WriteHistory(target, clock.GetUtcNow());
            Directory.Move(staging, demoDirectory);
            return summary;
        }
        catch
        {
            Delete(staging);
            throw;
        }
    }

    /// <summary>Removes staging directories that a crash during generation left behind.</summary>
    public static void CleanStaging(string demoDirectory)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(demoDirectory))!;
        if (Directory.Exists(parent))
        {
            foreach (var leftover in Directory.EnumerateDirectories(parent, StagingPrefix + "*"))
            {
                Delete(leftover);
            }
        }
    }

    private static void WriteEmbeddedFiles(string target)
    {
        var assembly = typeof(DemoTargetGenerator).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var relative = string.Join('/', name[ResourcePrefix.Length..].Split('/', '\\')
                .Select(segment => segment.StartsWith("dot-", StringComparison.Ordinal) ? "." + segment[4..] : segment));
            var path = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (var source = assembly.GetManifestResourceStream(name)!)
            using (var destination = File.Create(path))
            {
                source.CopyTo(destination);
            }

            File.SetUnixFileMode(path, relative.EndsWith(".sh", StringComparison.Ordinal)
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    private void CreateRepositories(string target, string stagingOrigin, string finalOrigin)
    {
        Repository.Init(target);
        // A fresh libgit2 repository points HEAD at "master"; the demo uses today's default.
        File.WriteAllText(Path.Combine(target, ".git", "HEAD"), "ref: refs/heads/main\n");
        using (var repo = new Repository(target))
        {
            var now = clock.GetUtcNow();
            Commit(repo, ["scripts/*", "modules/*", ".gitignore"], "Add distribution scripts and modules", now.AddDays(-45));
            Commit(repo, ["config/*"], "Add distribution configuration for 16 nodes", now.AddDays(-44));
            Commit(repo, [".context-control/*"], "Add access-control profiles", now.AddDays(-40));
        }

        Repository.Clone(target, stagingOrigin, new CloneOptions { IsBare = true });
        using (var origin = new Repository(stagingOrigin))
        {
            origin.Network.Remotes.Remove("origin");
        }

        using (var repo = new Repository(target))
        {
            repo.Network.Remotes.Add("origin", stagingOrigin);
            Commands.Fetch(repo, "origin", [], new FetchOptions(), logMessage: null);
            repo.Branches.Update(repo.Head, b => b.Remote = "origin", b => b.UpstreamBranch = "refs/heads/main");
            // The staging directory is renamed into place, so the remote must name the final path.
            repo.Network.Remotes.Update("origin", r => r.Url = finalOrigin);
        }
    }

    /// <summary>What weeks of hand maintenance leave behind: backups in both naming styles and the activity log.</summary>
    private static void WriteHistory(string target, DateTimeOffset now)
    {
        var snapshot = Path.Combine(target, $"config_backup_{now.AddDays(-12):yyyyMMdd_HHmmss}");
        Directory.CreateDirectory(snapshot);
        foreach (var file in Directory.GetFiles(Path.Combine(target, "config")))
        {
            File.Copy(file, Path.Combine(snapshot, Path.GetFileName(file)));
        }

        WriteSystemStateArchive(target, Path.Combine(target, $"backup_{now.AddDays(-20):yyyyMMdd}.tar.gz"), now.AddDays(-20));
        Directory.CreateDirectory(Path.Combine(target, "backups"));
        WriteSystemStateArchive(target, Path.Combine(target, "backups", $"backup_{now.AddDays(-3):yyyyMMdd_HHmmss}.tar.gz"), now.AddDays(-3));

        var log = new StringBuilder();
        for (var day = 14; day >= 1; day--)
        {
            var at = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-day).AddHours(9);
            log.Append(CultureInfo.InvariantCulture, $"{at:yyyy-MM-dd'T'HH:mm:ss'Z'}\tdaily-health-check\tsucceeded\tby=ops-team\tissues=none\n");
            if (day % 7 == 0)
            {
                log.Append(CultureInfo.InvariantCulture, $"{at.AddMinutes(20):yyyy-MM-dd'T'HH:mm:ss'Z'}\tweekly-backup-verification\tsucceeded\tby=ops-team\tissues=none\n");
            }
        }

        File.WriteAllText(Path.Combine(target, "logs", "maintenance.log"), log.ToString(), Utf8NoBom);
    }

    /// <summary>The seed's "tar -czf backup.tar.gz scripts/ modules/ config/", as of <paramref name="when"/>.</summary>
    private static void WriteSystemStateArchive(string target, string archive, DateTimeOffset when)
    {
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var directory in new[] { "scripts", "modules", "config" })
            {
                foreach (var path in Directory.GetFiles(Path.Combine(target, directory)).Order(StringComparer.Ordinal))
                {
                    tar.WriteEntry(path, $"{directory}/{Path.GetFileName(path)}");
                }
            }
        }

        File.SetLastWriteTimeUtc(archive, when.UtcDateTime);
    }

    private static void Commit(Repository repo, string[] paths, string message, DateTimeOffset when)
    {
        Commands.Stage(repo, paths);
        var author = new Signature("Orchestration Team", "ops@orchestration.invalid", when);
        repo.Commit(message, author, author);
    }

    private DemoTargetSummary WriteLogs(string target, DemoOptions options, Random random)
    {
        var logs = Path.Combine(target, "logs");
        Directory.CreateDirectory(logs);
        var to = clock.GetUtcNow();
        using var metrics = File.Create(Path.Combine(logs, "metrics.jsonl"));
        using var performance = File.Create(Path.Combine(logs, "performance.log"));
        return WriteHistory(metrics, performance, to.AddDays(-options.HistoryDays), to, options.HistoryRecords, random);
    }

    /// <summary>
    /// Realistic metrics (and the matching performance-log lines, when a stream is given) spread evenly
    /// from <paramref name="from"/> to <paramref name="to"/>, with eight malformed lines and two blank
    /// ones among them. Also what the benchmarks use to make files of any size.
    /// </summary>
    public static DemoTargetSummary WriteHistory(Stream metricsStream, Stream? performanceStream, DateTimeOffset from, DateTimeOffset to, int count, Random random)
    {
        var step = (to - from).Ticks / Math.Max(1, count);
        // One bad morning nine days ago: origin unreachable for two hours.
        var outageStart = new DateTimeOffset(to.UtcDateTime.Date, TimeSpan.Zero).AddDays(-9).AddHours(10);
        var outageEnd = outageStart.AddHours(2);
        var faker = new DemoMetricsFaker(random);
        var malformed = DemoMetricsFaker.MalformedSamples(to.AddDays(-3));
        int failures = 0, slow = 0, nextMalformed = 0;

        using var metrics = new StreamWriter(metricsStream, Utf8NoBom, bufferSize: 1 << 16) { NewLine = "\n" };
        using var performance = performanceStream is null ? null : new StreamWriter(performanceStream, Utf8NoBom, bufferSize: 1 << 16) { NewLine = "\n" };
        for (var i = 0; i < count; i++)
        {
            var timestamp = from.AddTicks((i * step) + (long)(random.NextDouble() * step * 0.9));
            var boost = timestamp >= outageStart && timestamp < outageEnd ? 0.4 : 0;
            var (metric, perf) = faker.Next(timestamp, boost);
            metrics.WriteLine(metric);
            performance?.WriteLine(perf);
            failures += faker.LastWasFailure ? 1 : 0;
            slow += faker.LastWasSlow ? 1 : 0;

            // Spread the malformed samples (and two blank lines) through the file.
            if (nextMalformed < malformed.Count && i == (long)count * (nextMalformed + 1) / (malformed.Count + 1))
            {
                metrics.WriteLine(malformed[nextMalformed++]);
                if (nextMalformed % 4 == 0)
                {
                    metrics.WriteLine();
                }
            }
        }

        return new DemoTargetSummary(count, failures, slow, nextMalformed);
    }

    /// <summary>Removes a directory the demo owns, git's read-only objects included; never throws.</summary>
    public static void Delete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                // git marks its object files read-only; clear that so the delete cannot fail on them.
                foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
                {
                    File.SetAttributes(file, FileAttributes.Normal);
                }

                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
