using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrchestrationMaint.Tests;
using static Microsoft.Playwright.Assertions;

namespace OrchestrationMaint.E2E;

/// <summary>The weekly report as an operator gets it: generated, read with its charts, downloaded, printed; and the error budget on the dashboard.</summary>
public sealed partial class ReportsTests : IAsyncLifetime
{
    private readonly BrowserApp _browser = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false", ["Checklist:TimeZone"] = "Europe/Berlin" });

    public ValueTask InitializeAsync() => _browser.InitializeAsync();

    public ValueTask DisposeAsync() => _browser.DisposeAsync();

    [GeneratedRegex(@"^\d{1,3}\.\d %$")]
    private static partial Regex Percent();

    [Fact]
    public async Task WeeklyReport_GenerateOpenDownloadAndPrint_FiguresChartsAndFilesAgree()
    {
        var page = await _browser.NewPageAsync("Europe/Berlin");
        await page.GotoAsync("/reports");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("no-reports")).ToBeVisibleAsync();

        await page.Locator("[data-testid=generate] [data-kind=weekly]").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/reports/\d+$"), new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("report-title")).ToContainTextAsync(new Regex(@"Weekly report · \d{4}-W\d{2}"));
        var rate = (await page.GetByTestId("success-rate").InnerTextAsync()).Trim();
        Assert.Matches(Percent(), rate);
        await Expect(page.Locator("[data-testid=rate-chart] svg").First).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=p95-chart] svg").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("operation-row").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("section-checklist")).ToContainTextAsync("Weekly");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "report-weekly.png"), FullPage = true });

        var markdown = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-md").ClickAsync());
        Assert.Matches(new Regex(@"^orchestrationmaint-weekly-\d{4}-W\d{2}\.md$"), markdown.SuggestedFilename);
        var text = await File.ReadAllTextAsync(await markdown.PathAsync(), TestContext.Current.CancellationToken);
        Assert.StartsWith("# Weekly report ", text, StringComparison.Ordinal);
        Assert.Contains($"| Success rate | {rate} |", text, StringComparison.Ordinal);
        Assert.Contains("## Error budget", text, StringComparison.Ordinal);

        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-csv").ClickAsync());
        Assert.Equal(markdown.SuggestedFilename.Replace(".md", ".csv", StringComparison.Ordinal), csv.SuggestedFilename);
        var lines = await File.ReadAllLinesAsync(await csv.PathAsync(), TestContext.Current.CancellationToken);
        Assert.Equal("section,name,metric,value,previous,note", lines[0].TrimStart('\uFEFF'));
        var csvRate = double.Parse(lines.Single(l => l.StartsWith("success,all,success_rate_percent,", StringComparison.Ordinal)).Split(',')[3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(rate, csvRate.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " %");
        Assert.Contains(lines, l => l.StartsWith("report,,kind,weekly", StringComparison.Ordinal));

        // Paper: no app bar, no navigation, no buttons; the figures and charts stay.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(page.Locator(".mud-appbar")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("print")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("success-rate")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "report-weekly-print.png"), FullPage = true });
        await page.EmulateMediaAsync(new() { Media = Media.Screen });

        await page.GotoAsync("/reports");
        await Expect(page.Locator("[data-testid=report-row][data-kind=weekly]")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "reports.png") });
    }

    [Fact]
    public async Task Dashboard_ErrorBudgetCard_ShowsSpentBurnRatesAndWhereItIsHeading()
    {
        var page = await _browser.NewPageAsync("Europe/Berlin");
        await page.GotoAsync("/");
        await BrowserApp.WaitUntilInteractiveAsync(page);

        var card = page.GetByTestId("error-budget");
        await Expect(card).ToContainTextAsync("Error budget · ");
        await Expect(card.GetByTestId("budget-spent")).ToHaveTextAsync(new Regex(@"(\d+\.\d % spent|Exhausted)"));
        await Expect(card.GetByTestId("burn-6h")).ToHaveTextAsync(new Regex(@"(\d+\.\d+×|no data)"));
        await Expect(card.GetByTestId("budget-outlook")).ToHaveTextAsync(new Regex("runs out|already exhausted|not running out"));
        await card.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "dashboard-error-budget.png") });
    }
}
