using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using OrchestrationMaint.Benchmarks;
using OrchestrationMaint.Core.Metrics;

// dotnet run -c Release --project tests/OrchestrationMaint.Benchmarks -- [BenchmarkDotNet arguments]
//   generate FILE LINES   writes a demo-style metrics file
//   hugeline FILE MB      writes one metrics line of MB megabytes (plus one normal line)
//   ingest FILE           ingests FILE once with the real engine; prints time, figures and peak memory
//   queue                 the task queue: enqueue-to-start latency, throughput, memory, live output under load
//   alerts                the alert engine: evaluation, a flood of 1,000, the alerts page's queries over 100,000
//   backup generate|create|inspect|extract ...   the archive layer once (tests/perf/compare-backups-with-tar.sh)
switch (args.FirstOrDefault())
{
    case "generate":
        EngineHost.Generate(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
        return 0;
    case "hugeline":
        WriteHugeLine(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
        return 0;
    case "ingest":
        return Ingest(args[1]);
    case "queue":
        return await QueueBenchmark.RunAsync();
    case "alerts":
        return await AlertBenchmark.RunAsync();
    case "backup":
        return BackupBenchmark.Run(args[1..]);
    case "stages":
        return Stages(args[1]);
    default:
        BenchmarkSwitcher.FromAssembly(typeof(ColdIngestion).Assembly).Run(args);
        return 0;
}

static int Ingest(string file)
{
    using var host = new EngineHost(file);
    GC.Collect();
    var before = Process.GetCurrentProcess().WorkingSet64;
    var allocated = GC.GetTotalAllocatedBytes(precise: true);
    var watch = Stopwatch.StartNew();
    host.Engine.Poll();
    var summary = host.Engine.Summarize(MetricsWindow.All);
    watch.Stop();
    allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
    var lines = host.Engine.FileStatus.LinesRead;
    var process = Process.GetCurrentProcess();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"ingest_ms={watch.Elapsed.TotalMilliseconds:0} records={summary.Records} failures={summary.Failures} slow={summary.SlowOperations} malformed={summary.MalformedLines} " +
        $"success_rate={summary.SuccessRate:0.0000} rss_before_mb={before / 1048576.0:0} peak_rss_mb={process.PeakWorkingSet64 / 1048576.0:0} " +
        $"allocated_bytes_per_line={(lines == 0 ? "n/a" : (allocated / (double)lines).ToString("0.0", CultureInfo.InvariantCulture))}"));
    return 0;
}

// Where the ingestion time goes, on one thread: reading lines alone, then scanning them too, then
// aggregating; with the bytes allocated per line by scanning (none expected) and by aggregating
// (only the records kept in full, slow or failed, and the occasional new cell or histogram bin).
static int Stages(string file)
{
    var reader = new MetricsLineReader(1024 * 1024);
    var watch = Stopwatch.StartNew();
    using (var stream = File.OpenRead(file))
    {
        reader.ReadAppended(stream, (_, _, _) => { });
    }

    var read = watch.Elapsed;
    reader.Reset(0, 0);
    long records = 0;
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    watch.Restart();
    using (var stream = File.OpenRead(file))
    {
        reader.ReadAppended(stream, (line, _, _) => records += MetricLineParser.Scan(line, out _, out _) == ScanOutcome.Record ? 1 : 0);
    }

    var scanned = watch.Elapsed;
    var scanAllocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
    reader.Reset(0, 0);
    var aggregate = new MetricsAggregate();
    allocated = GC.GetAllocatedBytesForCurrentThread();
    watch.Restart();
    using (var stream = File.OpenRead(file))
    {
        reader.ReadAppended(stream, (line, number, _) =>
        {
            if (MetricLineParser.Scan(line, out var scan, out var error) == ScanOutcome.Record)
            {
                aggregate.AddRecord(scan, line, number, 10);
            }
        });
    }

    var aggregated = watch.Elapsed;
    var aggregateAllocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
    var lines = Math.Max(1, reader.LinesRead);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"read_ms={read.TotalMilliseconds:0} read_and_scan_ms={scanned.TotalMilliseconds:0} read_scan_aggregate_ms={aggregated.TotalMilliseconds:0} records={records} " +
        $"scan_bytes_per_line={scanAllocated / (double)lines:0.0} scan_aggregate_bytes_per_line={aggregateAllocated / (double)lines:0.0}"));
    return 0;
}

static void WriteHugeLine(string file, int megabytes)
{
    using var writer = new StreamWriter(file);
    writer.Write("{\"timestamp\": \"2026-11-28T09:00:00Z\", \"operation\": \"distribute\", \"status\": \"success\", \"duration_seconds\": 1, \"note\": \"");
    var chunk = new string('x', 1024 * 1024);
    for (var i = 0; i < megabytes; i++)
    {
        writer.Write(chunk);
    }

    writer.Write("\"}\n{\"timestamp\": \"2026-11-28T09:00:01Z\", \"operation\": \"distribute\", \"status\": \"failure\", \"duration_seconds\": 12}\n");
}
