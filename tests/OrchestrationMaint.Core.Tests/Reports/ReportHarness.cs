using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Records.Checklist;
using OrchestrationMaint.Core.Reports;
using OrchestrationMaint.Core.Tests.Scheduling;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Reports;

/// <summary>One generated metrics record, as the test knows it independently of the engine.</summary>
internal sealed record GeneratedRecord(DateTimeOffset At, string Operation, string Status, double Seconds, string? Error = null)
{
    public string Line => string.Create(CultureInfo.InvariantCulture,
        $"{{\"timestamp\": \"{At.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\", \"operation\": {Json(Operation)}, \"status\": \"{Status}\", \"duration_seconds\": {Seconds.ToString("R", CultureInfo.InvariantCulture)}{(Error is null ? "" : ", \"error\": " + Json(Error))}}}");

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}

/// <summary>The real engine over a real metrics file in a temp target, a real SQLite file, and the report services around them.</summary>
internal sealed class ReportHarness : IDisposable
{
    private readonly TempDirectory _temp = new("om-reports");

    private ReportHarness(string zone, DateTimeOffset now)
    {
        Clock = new ManualClock(now);
        Zone = TimeZoneInfo.FindSystemTimeZoneById(zone);
        ZoneId = zone;
        Directory.CreateDirectory(Path.Combine(Root, "logs"));
    }

    public string Root => _temp.Combine("target");

    public string MetricsPath => Path.Combine(Root, "logs", "metrics.jsonl");

    public ManualClock Clock { get; }

    public TimeZoneInfo Zone { get; }

    public string ZoneId { get; }

    public TestDatabase Database { get; private set; } = null!;

    public ThresholdService Thresholds { get; private set; } = null!;

    public MetricsEngine Engine { get; private set; } = null!;

    public ChecklistCalendar Calendar { get; private set; } = null!;

    public ErrorBudgetService Budgets { get; private set; } = null!;

    public ReportBuilder Builder { get; private set; } = null!;

    public ReportService Service { get; private set; } = null!;

    public static async Task<ReportHarness> StartAsync(IEnumerable<GeneratedRecord> records, DateTimeOffset now, string zone = "Europe/Berlin", MetricsOptions? metricsOptions = null, TestDatabase? database = null)
    {
        var harness = new ReportHarness(zone, now);
        await File.WriteAllLinesAsync(harness.MetricsPath, records.Select(r => r.Line), TestContext.Current.CancellationToken);
        harness.Database = database ?? await TestDatabase.MigratedAsync(harness._temp.Combine("app.db"));
        var options = Options.Create(metricsOptions ?? new MetricsOptions());
        harness.Thresholds = new ThresholdService(new SettingsStore(harness.Database, harness.Clock), harness.Database.Guard, harness.Database.Audit, options, NullLogger<ThresholdService>.Instance);
        harness.Engine = new MetricsEngine(TestTarget.Location(harness.Root, harness._temp.Path), harness.Thresholds, harness.Database, options, harness.Clock, NullLogger<MetricsEngine>.Instance);
        await harness.Engine.StartReadingAsync(TestContext.Current.CancellationToken);
        harness.Engine.Poll();
        harness.Calendar = new ChecklistCalendar(Options.Create(new ChecklistOptions { TimeZone = zone }), harness.Clock);
        harness.Budgets = new ErrorBudgetService(harness.Engine, harness.Thresholds, harness.Calendar);
        harness.Builder = new ReportBuilder(harness.Engine, harness.Calendar, harness.Budgets, harness.Database);
        harness.Service = new ReportService(harness.Builder, harness.Database, harness.Database.Guard, harness.Clock, NullLogger<ReportService>.Instance);
        return harness;
    }

    public void Dispose() => _temp.Dispose();
}
