using System.Globalization;
using Microsoft.Playwright;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Tests;
using static Microsoft.Playwright.Assertions;

namespace OrchestrationMaint.E2E;

/// <summary>The morning look and the 3 a.m. one: the dashboard follows the metrics file live, and the thresholds.</summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private readonly BrowserApp _browser = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });

    private string MetricsPath => Path.Combine(_browser.App.DataDirectory, "demo", "target", "logs", "metrics.jsonl");

    public ValueTask InitializeAsync() => _browser.InitializeAsync();

    private static string Line(string operation, string status, double seconds, string target) =>
        $"{{\"timestamp\": \"{DateTimeOffset.UtcNow:yyyy-MM-dd'T'HH:mm:ss'Z'}\", \"operation\": \"{operation}\", \"status\": \"{status}\", " +
        $"\"duration_seconds\": {seconds.ToString(CultureInfo.InvariantCulture)}, \"target\": \"{target}\", \"error\": \"Git operation failed: remote unavailable\"}}\n";

    [Fact]
    public async Task Dashboard_FailuresAndSlowRecordsAppended_FiguresAndAlertsChangeWithoutReload()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync("/");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("success-rate")).Not.ToContainTextAsync("No data");
        await Expect(page.Locator("[data-alert=success-rate]")).ToHaveCountAsync(0);
        var navigations = 0;
        page.FrameNavigated += (_, _) => navigations++;

        // An outage: 200 failures, one of them very slow, as the scripts would append them.
        var outage = string.Concat(Enumerable.Range(0, 199).Select(_ => Line("git_push", "failure", 1.5, "node-07")))
            + Line("git_push", "failure", 42.5, "node-e2e");
        await File.AppendAllTextAsync(MetricsPath, outage, TestContext.Current.CancellationToken);

        await Expect(page.Locator("[data-alert=success-rate]")).ToContainTextAsync("Success rate below threshold", new() { Timeout = 10_000 });
        await Expect(page.GetByTestId("success-rate").Locator(".mud-error-text")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("slow-table")).ToContainTextAsync("node-e2e");
        await Expect(page.GetByTestId("slow-table")).ToContainTextAsync("42.50 s");
        // The app bar follows within seconds: the success-rate check runs again when the metrics change.
        await Expect(page.GetByTestId("target-badge")).ToHaveAttributeAsync("data-health", "Unhealthy", new() { Timeout = 15_000 });
        await Expect(page.Locator("[data-check=success-rate]")).ToHaveAttributeAsync("data-status", "Unhealthy");
        Assert.Equal(0, navigations);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "dashboard-outage.png"), FullPage = true });
    }

    [Fact]
    public async Task Settings_SlowThresholdRaised_DashboardFiguresFollow()
    {
        await File.AppendAllTextAsync(MetricsPath, Line("distribute", "success", 42.5, "node-e2e"), TestContext.Current.CancellationToken);
        var page = await _browser.NewPageAsync();
        await page.GotoAsync("/");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("slow-table")).ToContainTextAsync("node-e2e", new() { Timeout = 10_000 });
        var slowBefore = long.Parse(await page.GetByTestId("slow-count").Locator("h3").InnerTextAsync(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

        await page.Locator(".mud-drawer").GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await Expect(page).ToHaveTitleAsync("Settings · OrchestrationMaint");
        var slowField = page.GetByLabel("Slow operation above (seconds)");
        await slowField.FillAsync("45");
        await page.GetByTestId("save-thresholds").ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Thresholds saved");
        await page.Locator(".mud-drawer").GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();

        await Expect(page.GetByTestId("slow-count")).ToContainTextAsync("over 45 s", new() { Timeout = 10_000 });
        await Expect(page.GetByTestId("slow-table")).Not.ToContainTextAsync("node-e2e");
        var slowAfter = long.Parse(await page.GetByTestId("slow-count").Locator("h3").InnerTextAsync(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.True(slowAfter < slowBefore, $"slow count {slowAfter} should drop below {slowBefore}");
        Assert.Equal(MetricsTruth.Of(MetricsPath, 45, MetricsWindow.Last24Hours.Start(DateTimeOffset.UtcNow)).Slow, slowAfter);
    }

    public ValueTask DisposeAsync() => _browser.DisposeAsync();
}
