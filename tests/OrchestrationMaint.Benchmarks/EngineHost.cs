using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Core.Target.Demo;

namespace OrchestrationMaint.Benchmarks;

/// <summary>The real MetricsEngine on a throw-away target whose logs/metrics.jsonl is the given file.</summary>
internal sealed class EngineHost : IDisposable
{
    private sealed class Database(string path) : IDbContextFactory<MaintenanceDbContext>
    {
        public MaintenanceDbContext CreateDbContext() => new(new DbContextOptionsBuilder<MaintenanceDbContext>()
            .UseSqlite($"Data Source={path}", sqlite => sqlite.MigrationsAssembly(MaintenanceDbContext.MigrationsAssembly))
            .AddInterceptors(new SqliteConnectionSetup())
            .Options);
    }

    private readonly string _directory = Directory.CreateTempSubdirectory("om-bench-").FullName;

    public EngineHost(string metricsFile)
    {
        var logs = Directory.CreateDirectory(Path.Combine(_directory, "target", "logs")).FullName;
        File.CreateSymbolicLink(Path.Combine(logs, "metrics.jsonl"), Path.GetFullPath(metricsFile));
        var database = new Database(Path.Combine(_directory, "bench.db"));
        new DatabaseMigrator(database, NullLogger<DatabaseMigrator>.Instance).StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        var options = Options.Create(new MetricsOptions());
        var location = new TargetLocation(Options.Create(new TargetOptions { Root = Path.Combine(_directory, "target") }), Options.Create(new StorageOptions { DataDirectory = _directory }));
        var audit = new AuditLog(database, TimeProvider.System, NullLogger<AuditLog>.Instance);
        var thresholds = new ThresholdService(new SettingsStore(database, TimeProvider.System), new AccessGuard(database, audit, TimeProvider.System), audit, options, NullLogger<ThresholdService>.Instance);
        Engine = new MetricsEngine(location, thresholds, database, options, TimeProvider.System, NullLogger<MetricsEngine>.Instance);
        Engine.StartReadingAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public MetricsEngine Engine { get; }

    /// <summary>A metrics file as the demo writes it: 30 days, a few percent failures, slow tail, malformed lines.</summary>
    public static void Generate(string path, int lines, int days = 30)
    {
        using var file = File.Create(path);
        var to = DateTimeOffset.UtcNow;
        DemoTargetGenerator.WriteHistory(file, null, to.AddDays(-days), to, lines, new Random(1));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
