using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Core.Tasks;

namespace OrchestrationMaint.Benchmarks;

/// <summary>
/// The task queue on a real SQLite file: enqueue-to-start latency and throughput of 1,000 no-op runs,
/// memory before and after 10,000 finished runs, and a run streaming 10,000 lines a second to a
/// watcher that renders as the run page does (throttled to one render per 100 ms).
/// </summary>
internal static class QueueBenchmark
{
    private sealed class NoOpTask : IMaintenanceTask
    {
        public TaskDescriptor Descriptor { get; } = new("noop", "No-op", "", TaskCadence.OnDemand, false, TimeSpan.FromMinutes(1),
            [new TaskParameter("n", "n", ParameterKind.Number, JsonValue.Create(0), Min: 0, Max: int.MaxValue)], "");

        public Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken) => Task.FromResult(TaskOutcome.Success("done"));
    }

    private sealed class StreamTask(int linesPerSecond, TimeSpan duration) : IMaintenanceTask
    {
        public long Written;

        public TaskDescriptor Descriptor { get; } = new("stream", "Stream", "", TaskCadence.OnDemand, false, TimeSpan.FromMinutes(5), [], "");

        public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < duration)
            {
                // Paced in 10 ms slices, as a chatty script's output arrives.
                var due = (long)(watch.Elapsed.TotalSeconds * linesPerSecond);
                while (Written < due)
                {
                    context.Log($"line {Written:D8} of a chatty script: rsync node-{Written % 40:D2} ok");
                    Written++;
                }

                await Task.Delay(10, cancellationToken);
            }

            return TaskOutcome.Success($"{Written} lines");
        }
    }

    public static async Task<int> RunAsync()
    {
        var directory = Directory.CreateTempSubdirectory("om-queue-bench-").FullName;
        try
        {
            var database = new BenchDatabase(Path.Combine(directory, "bench.db"));
            await new DatabaseMigrator(database, NullLogger<DatabaseMigrator>.Instance).StartAsync(CancellationToken.None);
            Directory.CreateDirectory(Path.Combine(directory, "target", "logs"));
            var location = new TargetLocation(Options.Create(new TargetOptions { Root = Path.Combine(directory, "target") }), Options.Create(new StorageOptions { DataDirectory = directory }));
            var stream = new StreamTask(10_000, TimeSpan.FromSeconds(10));
            var audit = new AuditLog(database, TimeProvider.System, NullLogger<AuditLog>.Instance);
            using var queue = new TaskQueue(new TaskCatalog([new NoOpTask(), stream]), database, location,
                new MaintenanceRecorder(database, location, NullLogger<MaintenanceRecorder>.Instance), new AccessGuard(database, audit, TimeProvider.System), audit,
                Options.Create(new QueueOptions { OutputCapChars = 16 * 1024 * 1024 }), TimeProvider.System, NullLogger<TaskQueue>.Instance);
            await queue.StartAsync(CancellationToken.None);

            await EnqueueNoOpsAsync(queue, database, 0, 200); // warm-up: JIT, SQLite pages
            var first = await EnqueueNoOpsAsync(queue, database, 1_000, 1_000);
            var latencies = first.Select(r => (r.StartedAt!.Value - r.QueuedAt).TotalMilliseconds).Order().ToList();
            var span = (first.Max(r => r.FinishedAt!.Value) - first.Min(r => r.QueuedAt)).TotalSeconds;
            Console.WriteLine(Invariant($"1,000 no-op runs: enqueue→start median {Percentile(latencies, 0.5):0.0} ms, p95 {Percentile(latencies, 0.95):0.0} ms, max {latencies[^1]:0.0} ms; throughput {1000 / span:0} runs/s ({span:0.00} s in all)"));

            // One at a time on an idle queue: the latency a person pressing Run sees.
            var idle = new List<double>();
            for (var i = 0; i < 100; i++)
            {
                var run = (await EnqueueNoOpsAsync(queue, database, 100_000 + i, 1))[0];
                idle.Add((run.StartedAt!.Value - run.QueuedAt).TotalMilliseconds);
            }

            idle.Sort();
            Console.WriteLine(Invariant($"100 runs one at a time on an idle queue: enqueue→start median {Percentile(idle, 0.5):0.0} ms, p95 {Percentile(idle, 0.95):0.0} ms"));

            var before = Memory();
            await EnqueueNoOpsAsync(queue, database, 10_000, 10_000);
            var after = Memory();
            Console.WriteLine(Invariant($"memory before 10,000 more finished runs: managed {before.Managed:0.0} MiB, RSS {before.Rss:0} MiB; after: managed {after.Managed:0.0} MiB, RSS {after.Rss:0} MiB"));

            await StreamAsync(queue, stream);
            await queue.StopAsync(CancellationToken.None);
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<List<TaskRun>> EnqueueNoOpsAsync(TaskQueue queue, BenchDatabase database, int start, int count)
    {
        var ids = new List<long>(count);
        for (var i = 0; i < count; i++)
        {
            var result = await queue.EnqueueAsync("noop", new JsonObject { ["n"] = start + i }, Actor.System, CancellationToken.None);
            ids.Add(result.Run!.Id);
        }

        long firstId = ids[0], lastId = ids[^1];
        while (true)
        {
            await using var db = database.CreateDbContext();
            var runs = await db.Runs.AsNoTracking().Where(r => r.Id >= firstId && r.Id <= lastId).ToListAsync();
            if (runs.All(r => r.State == RunState.Succeeded))
            {
                return runs;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>A watcher that renders like the run page: lines collected on the task's thread, drained at most every 100 ms.</summary>
    private static async Task StreamAsync(TaskQueue queue, StreamTask stream)
    {
        var run = (await queue.EnqueueAsync("stream", null, Actor.System, CancellationToken.None)).Run!;
        LiveRun? live = null;
        IDisposable? watch = null;
        while (watch is null)
        {
            watch = queue.Watch(run.Id, _ => { }, out _, out live);
            await Task.Delay(1);
        }

        watch.Dispose();
        long received = 0, pending = 0, renders = 0, maxLag = 0;
        var renderGate = new Lock();
        using var throttle = new Throttle(() =>
        {
            lock (renderGate)
            {
                received += Interlocked.Exchange(ref pending, 0);
                renders++;
                maxLag = Math.Max(maxLag, Interlocked.Read(ref stream.Written) - received);
            }

            return Task.CompletedTask;
        }, TimeSpan.FromMilliseconds(100));
        using var subscription = live!.Watch(line => { if (line is not null) { Interlocked.Increment(ref pending); throttle.Request(); } }, out var soFar);
        Interlocked.Add(ref pending, soFar.Count);

        // Meanwhile, how late does a 50 ms timer fire? That is what every other page of the app feels.
        var lateness = new List<double>();
        var watchClock = Stopwatch.StartNew();
        while (live.LineCount == 0 || queue.ActiveCount > 0)
        {
            var before = watchClock.Elapsed;
            await Task.Delay(50);
            lateness.Add((watchClock.Elapsed - before).TotalMilliseconds - 50);
        }

        await Task.Delay(300);
        lateness.Sort();
        Console.WriteLine(Invariant($"streaming 10,000 lines/s for 10 s: {stream.Written} written, {received} delivered to the watcher in {renders} renders ({renders / 10.0:0} per second), largest backlog at a render {maxLag} lines"));
        Console.WriteLine(Invariant($"meanwhile a 50 ms timer fired late by median {Percentile(lateness, 0.5):0.0} ms, p95 {Percentile(lateness, 0.95):0.0} ms"));
    }

    private static (double Managed, double Rss) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(true) / 1048576.0, process.WorkingSet64 / 1048576.0);
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A real SQLite file configured as the app configures it.</summary>
internal sealed class BenchDatabase(string path) : IDbContextFactory<MaintenanceDbContext>
{
    public MaintenanceDbContext CreateDbContext() => new(new DbContextOptionsBuilder<MaintenanceDbContext>()
        .UseSqlite($"Data Source={path}", sqlite => sqlite.MigrationsAssembly(MaintenanceDbContext.MigrationsAssembly))
        .AddInterceptors(new SqliteConnectionSetup())
        .Options);
}
