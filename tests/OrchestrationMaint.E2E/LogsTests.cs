using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OrchestrationMaint.E2E;

public sealed class LogsTests : IAsyncLifetime
{
    private readonly BrowserApp _browser = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });

    private string LogsDirectory => Path.Combine(_browser.App.DataDirectory, "demo", "target", "logs");

    public ValueTask InitializeAsync() => _browser.InitializeAsync();

    [Fact]
    public async Task PerformanceLog_LinesAppended_AppearLiveAndPauseHoldsThem()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync("/logs");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("log-lines")).ToContainTextAsync("[INFO]");

        await File.AppendAllTextAsync(Path.Combine(LogsDirectory, "performance.log"), "2026-11-29 03:00:00 [ERROR] git_push failed: e2e-marker-one\n", TestContext.Current.CancellationToken);
        await Expect(page.GetByTestId("log-lines").Locator(".om-log-error").First).ToContainTextAsync("e2e-marker-one", new() { Timeout = 10_000 });

        await page.GetByTestId("follow").ClickAsync();
        await File.AppendAllTextAsync(Path.Combine(LogsDirectory, "performance.log"), "2026-11-29 03:00:01 [WARN] e2e-marker-two\n", TestContext.Current.CancellationToken);
        await Expect(page.GetByTestId("follow")).ToContainTextAsync("Paused · 1 new line(s)", new() { Timeout = 10_000 });
        await Expect(page.GetByTestId("log-lines")).Not.ToContainTextAsync("e2e-marker-two");

        await page.GetByTestId("follow").ClickAsync();
        await Expect(page.GetByTestId("log-lines")).ToContainTextAsync("e2e-marker-two");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "logs.png") });
    }

    [Fact]
    public async Task Failures_SearchInErrors_NarrowsTheListAndKeepsItInTheUrl()
    {
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        await File.AppendAllTextAsync(Path.Combine(LogsDirectory, "metrics.jsonl"),
            $"{{\"timestamp\": \"{now}\", \"operation\": \"git_push\", \"status\": \"failure\", \"duration_seconds\": 2, \"error\": \"e2e unique failure reason\"}}\n", TestContext.Current.CancellationToken);
        var page = await _browser.NewPageAsync();
        await page.GotoAsync("/logs?tab=failures");
        await BrowserApp.WaitUntilInteractiveAsync(page);

        await page.GetByLabel("Error contains").FillAsync("e2e unique");

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("q=e2e%20unique"), new() { Timeout = 10_000 });
        await Expect(page.GetByTestId("failures-table").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("failures-table")).ToContainTextAsync("e2e unique failure reason");
    }

    public ValueTask DisposeAsync() => _browser.DisposeAsync();
}
