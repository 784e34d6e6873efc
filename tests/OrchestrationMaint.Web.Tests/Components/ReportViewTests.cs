using Bunit;
using MudBlazor.Services;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Records.Checklist;
using OrchestrationMaint.Core.Reports;
using OrchestrationMaint.Web.Components.Reports;

namespace OrchestrationMaint.Web.Tests.Components;

/// <summary>The report view renders scripts' and people's free text as text, and "no data" where a figure is missing.</summary>
public sealed class ReportViewTests : IAsyncDisposable
{
    private const string Hostile = "<img src=x onerror=alert(1)><b>bold</b>";
    private static readonly DateTimeOffset Start = new(2026, 11, 15, 23, 0, 0, TimeSpan.Zero);
    private readonly BunitContext _context = new();

    public ReportViewTests()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
    }

    private static ReportModel Model(bool hasData)
    {
        var period = new ReportPeriod(ReportKind.Weekly, "2026-W47", "Week 47 · 16–22 Nov 2026", Start, Start.AddDays(7));
        var previous = new ReportPeriod(ReportKind.Weekly, "2026-W46", "Week 46 · 9–15 Nov 2026", Start.AddDays(-7), Start);
        var series = hasData ? Enumerable.Range(0, 7).Select(d => new SeriesPoint(Start.AddDays(d), 90, 10, 0, 1)).ToList() : [];
        var operations = hasData ? new List<OperationRow> { new(Hostile, 100, 90, 10, 10, 12, 5, true, 7) } : [];
        var counts = hasData ? new List<CountRow> { new(Hostile, 7, 3) } : [];
        var budget = ErrorBudget.Compute(95, "November 2026", new TimeRange(Start, Start.AddDays(30)), Start.AddDays(7),
            new MetricsSummary(MetricsWindow.All, Start, 0, 0, 0, 0, null, 0, 0, null, [], []),
            new MetricsSummary(MetricsWindow.All, Start, 0, 0, 0, 0, null, 0, 0, null, [], []),
            new MetricsSummary(MetricsWindow.All, Start, 0, 0, 0, 0, null, 0, 0, null, [], []));
        return new ReportModel(ReportKind.Weekly, period, previous, "Europe/Berlin", Start.AddDays(8), Hostile, hasData,
            new SuccessSection(hasData ? 700 : 0, hasData ? 630 : 0, hasData ? 70 : 0, 0, hasData ? 90 : null, 0, 0, null, null, 95, series),
            new SlowSection(10, hasData ? 7 : 0, 0, counts, hasData ? [new SlowRecord(Start.AddHours(5), Hostile, 42, 9)] : [], new KeptCoverage(hasData ? 1 : 0, hasData ? 7 : 0, 10_000)),
            operations,
            new FailureSection(hasData ? 70 : 0, 0, counts, counts, new KeptCoverage(hasData ? 70 : 0, hasData ? 70 : 0, 10_000)),
            DiskGrowth.Of([]),
            new MaintenanceSection(1, [new RunCount(Hostile, "Succeeded", 1)], 1, 0),
            [new ComplianceCount(ChecklistCadence.Daily, 7, 0, 0)],
            new IncidentSection(1, 1, 0, 2, 2, [new ResolvedIncident(3, Hostile, "Sev2", Start, Start.AddHours(2), 2)]),
            new BackupSection(0, 0, 0, null, new LatestVerification(Hostile, Start, "Corrupt", Hostile)),
            budget);
    }

    [Fact]
    public void ReportView_HostileNamesEverywhere_RenderedAsTextNeverAsMarkup()
    {
        var view = _context.Render<ReportView>(parameters => parameters.Add(v => v.Model, Model(hasData: true)));

        // The p95 chart's axis labels too: MudChart writes them as markup.
        Assert.Empty(view.FindAll("img").Select(i => i.OuterHtml));
        Assert.Contains(view.FindAll("[data-testid=p95-chart] text"), t => t.TextContent == "<img src=x onerro…");
        Assert.DoesNotContain(view.FindAll("td b"), b => b.TextContent == "bold");
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;bold&lt;/b&gt;", view.Markup, StringComparison.Ordinal);
        Assert.Equal("true", view.Find("[data-testid=operation-row]").GetAttribute("data-regression"));
        Assert.Contains("regression", view.Find("[data-testid=operation-row]").TextContent, StringComparison.Ordinal);
        Assert.Contains(Hostile, view.Find("[data-testid=section-failures]").TextContent, StringComparison.Ordinal);
        Assert.Contains(Hostile, view.Find("[data-testid=latest-verification]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportView_NoMetricsInThePeriod_SaysNoDataInsteadOfFigures()
    {
        var view = _context.Render<ReportView>(parameters => parameters.Add(v => v.Model, Model(hasData: false)));

        view.Find("[data-testid=report-no-data]");
        Assert.Equal("no data", view.Find("[data-testid=success-rate]").TextContent.Trim());
        Assert.Equal("no data", view.Find("[data-testid=slow-count]").TextContent.Trim());
        Assert.Equal("no data", view.Find("[data-testid=budget-spent]").TextContent.Trim());
        Assert.Equal("no data", view.Find("[data-testid=disk-forecast]").TextContent.Trim());
        Assert.DoesNotContain("NaN", view.Markup, StringComparison.Ordinal);
        Assert.Empty(view.FindAll("[data-testid=rate-chart]"));
    }

    public ValueTask DisposeAsync() => _context.DisposeAsync();
}
