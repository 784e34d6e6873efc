using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using OrchestrationMaint.Core.Metrics;

namespace OrchestrationMaint.Benchmarks;

/// <summary>Cold ingestion of a 1,000,000-line file (~150 MB), the whole exact summary included.</summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class ColdIngestion
{
    private string _file = default!;
    private EngineHost? _host;

    [GlobalSetup]
    public void Setup()
    {
        _file = Path.Combine(Path.GetTempPath(), "om-bench-1m.jsonl");
        if (!File.Exists(_file))
        {
            EngineHost.Generate(_file, 1_000_000);
        }
    }

    [IterationSetup]
    public void NewEngine() => _host = new EngineHost(_file);

    [Benchmark]
    public long IngestMillionLines()
    {
        _host!.Engine.Poll();
        return _host.Engine.Summarize(MetricsWindow.All).Records;
    }

    [IterationCleanup]
    public void Cleanup() => _host?.Dispose();
}

/// <summary>Picking up 1,000 appended lines on top of 1,000,000 lines of history.</summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 20)]
[MemoryDiagnoser]
public class IncrementalAppend
{
    private string _file = default!;
    private EngineHost _host = default!;
    private string _batch = default!;

    [GlobalSetup]
    public void Setup()
    {
        _file = Path.Combine(Path.GetTempPath(), "om-bench-append.jsonl");
        EngineHost.Generate(_file, 1_000_000);
        _host = new EngineHost(_file);
        _host.Engine.Poll();
        var batch = Path.Combine(Path.GetTempPath(), "om-bench-batch.jsonl");
        EngineHost.Generate(batch, 1_000, days: 1);
        _batch = File.ReadAllText(batch);
    }

    [IterationSetup]
    public void Append() => File.AppendAllText(_file, _batch);

    [Benchmark]
    public bool PickUpThousandLines() => _host.Engine.Poll();

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.Dispose();
        File.Delete(_file);
    }
}

/// <summary>What a dashboard render asks of the engine, with a small and a large history.</summary>
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
public class DashboardQueries
{
    private EngineHost _host = default!;
    private string _file = default!;

    [Params(1_000, 1_000_000)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _file = Path.Combine(Path.GetTempPath(), $"om-bench-dash-{Records}.jsonl");
        EngineHost.Generate(_file, Records);
        _host = new EngineHost(_file);
        _host.Engine.Poll();
    }

    /// <summary>Everything Dashboard.razor's Load() reads for the default 24 h view.</summary>
    [Benchmark]
    public int DashboardLoad24h()
    {
        var summary = _host.Engine.Summarize(MetricsWindow.Last24Hours);
        var slow = _host.Engine.SlowOperations(MetricsWindow.Last24Hours, null, 1000);
        return summary.Operations.Count + summary.Series.Count + slow.Count;
    }

    [Benchmark]
    public int DashboardLoadAll()
    {
        var summary = _host.Engine.Summarize(MetricsWindow.All);
        var day = _host.Engine.Summarize(MetricsWindow.Last24Hours);
        var slow = _host.Engine.SlowOperations(MetricsWindow.All, null, 1000);
        return summary.Operations.Count + summary.Series.Count + day.Operations.Count + slow.Count;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.Dispose();
        File.Delete(_file);
    }
}
