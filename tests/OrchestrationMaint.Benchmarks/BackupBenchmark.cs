using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using OrchestrationMaint.Core.Backups;

namespace OrchestrationMaint.Benchmarks;

/// <summary>The archive layer timed from the command line, for tests/perf/compare-backups-with-tar.sh.</summary>
internal static class BackupBenchmark
{
    private static readonly string[] Directories = ["scripts", "modules", "config"];

    public static int Run(string[] args)
    {
        var watch = Stopwatch.StartNew();
        string summary;
        switch (args[0])
        {
            case "generate":
                summary = Generate(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
                break;
            case "create":
                var level = args.Length > 3 && args[3] == "optimal" ? CompressionLevel.Optimal : CompressionLevel.Fastest;
                var created = SafeArchive.Create(args[1], Directories, args[2], new ArchiveLimits(), level, afterOpen: null, CancellationToken.None);
                summary = $"entries={created.Entries.Count} archive_bytes={created.SizeBytes}";
                break;
            case "inspect":
                summary = $"entries={SafeArchive.Inspect(args[1], new ArchiveLimits(), null, CancellationToken.None).Count}";
                break;
            case "extract":
                SafeArchive.ExtractTo(args[1], args[2], new ArchiveLimits(), null, CancellationToken.None);
                summary = "extracted";
                break;
            default:
                Console.Error.WriteLine("backup generate ROOT MB | create ROOT ARCHIVE [fastest|optimal] | inspect ARCHIVE | extract ARCHIVE STAGING");
                return 2;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{args[0]}_ms={watch.Elapsed.TotalMilliseconds:0} {summary} peak_rss_mb={Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0}"));
        return 0;
    }

    /// <summary>
    /// A target-like tree of about <paramref name="megabytes"/> MB: thousands of small scripts and configs,
    /// some medium modules, a few large files; text with repetition, so gzip has real work to do.
    /// </summary>
    private static string Generate(string root, int megabytes)
    {
        var random = new Random(20261128);
        var words = new[] { "distribute", "orchestration", "module", "config", "echo", "local", "fi", "then", "status", "success", "failure", "node", "git", "push", "timeout", "retry" };
        long total = 0;
        var files = 0;
        while (total < megabytes * 1048576L)
        {
            var bucket = random.Next(100);
            var size = bucket < 95 ? random.Next(512, 16_384) : bucket < 99 ? random.Next(65_536, 524_288) : random.Next(2 << 20, 8 << 20);
            var directory = Path.Combine(root, Directories[files % 3], $"d{files % 37}");
            Directory.CreateDirectory(directory);
            var text = new StringBuilder(size + 128);
            while (text.Length < size)
            {
                text.Append(CultureInfo.InvariantCulture, $"{words[random.Next(words.Length)]} {words[random.Next(words.Length)]} \"$node_{random.Next(500)}\" {random.Next(100_000)} # {random.NextDouble():0.0000}\n");
            }

            File.WriteAllText(Path.Combine(directory, $"f{files}.sh"), text.ToString(0, size));
            total += size;
            files++;
        }

        return $"files={files} bytes={total}";
    }
}
