using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Benchmarks;

/// <summary>
/// The alert engine on a real SQLite file: one evaluation with a handful of open alerts (what happens on
/// every metrics change), a flood of 1,000 conditions firing at once, evaluation with 1,000 open, and the
/// alerts page's queries over 100,000 alerts of history.
/// </summary>
internal static class AlertBenchmark
{
    public static async Task<int> RunAsync()
    {
        var directory = Directory.CreateTempSubdirectory("om-alert-bench-").FullName;
        try
        {
            var database = new BenchDatabase(Path.Combine(directory, "bench.db"));
            await new DatabaseMigrator(database, NullLogger<DatabaseMigrator>.Instance).StartAsync(CancellationToken.None);
            var audit = new AuditLog(database, TimeProvider.System, NullLogger<AuditLog>.Instance);
            using var engine = new AlertEngine(database, [], new AccessGuard(database, audit, TimeProvider.System),
                Options.Create(new AlertOptions { HoldTime = TimeSpan.Zero, ClearTime = TimeSpan.Zero }), TimeProvider.System, NullLogger<AlertEngine>.Instance);

            var few = Conditions("steady", 10);
            await engine.EvaluateAsync(few, null, CancellationToken.None);
            Console.WriteLine(Invariant($"Evaluation, 10 open alerts, nothing changes: median {await MedianAsync(() => engine.EvaluateAsync(few, null, CancellationToken.None), 300):0.00} ms"));
            await engine.EvaluateAsync([], null, CancellationToken.None);

            var flood = Conditions("flood", 1_000);
            var watch = Stopwatch.StartNew();
            var fired = await engine.EvaluateAsync(flood, null, CancellationToken.None);
            Console.WriteLine(Invariant($"Flood: {fired:N0} conditions fire in one evaluation: {watch.Elapsed.TotalMilliseconds:0} ms (rows and their Fired events in one transaction)"));
            Console.WriteLine(Invariant($"Evaluation, 1,000 open alerts, nothing changes: median {await MedianAsync(() => engine.EvaluateAsync(flood, null, CancellationToken.None), 30):0.0} ms"));
            watch.Restart();
            var resolved = await engine.EvaluateAsync([], null, CancellationToken.None);
            Console.WriteLine(Invariant($"All {resolved:N0} clear at once: {watch.Elapsed.TotalMilliseconds:0} ms"));

            // History: 100 more floods, every one resolved.
            for (var round = 0; round < 99; round++)
            {
                var more = Conditions($"history{round}", 1_000);
                await engine.EvaluateAsync(more, null, CancellationToken.None);
                await engine.EvaluateAsync([], null, CancellationToken.None);
            }

            await engine.EvaluateAsync(few, null, CancellationToken.None);
            var queries = new AlertQueries(database);
            var open = await MedianAsync(() => queries.OpenAsync(CancellationToken.None), 50);
            var firstPage = await MedianAsync(() => queries.ListAsync(new AlertFilter(AlertStatusFilter.All), CancellationToken.None), 20);
            var deepPage = await MedianAsync(() => queries.ListAsync(new AlertFilter(AlertStatusFilter.Resolved, Page: 1_000), CancellationToken.None), 20);
            var search = await MedianAsync(() => queries.ListAsync(new AlertFilter(AlertStatusFilter.All, Text: "job 4242"), CancellationToken.None), 10);
            Console.WriteLine(Invariant($"With 100,010 alerts stored (medians): open list {open:0.00} ms; all, page 1 {firstPage:0.0} ms; resolved, page 1,000 {deepPage:0.0} ms; text search {search:0.0} ms"));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static AlertCondition[] Conditions(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new AlertCondition($"{prefix}:{i}", AlertKind.ScheduledRunFailed, AlertLevel.Warning, $"Scheduled run failed: job {i}", $"Run #{i} of job {i} ended failed."))];

    private static async Task<double> MedianAsync<T>(Func<Task<T>> action, int times)
    {
        await action();
        var samples = new List<double>(times);
        for (var i = 0; i < times; i++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }

        samples.Sort();
        return samples[samples.Count / 2];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
