using Microsoft.Playwright;
using OrchestrationMaint.Tests;
using static Microsoft.Playwright.Assertions;

namespace OrchestrationMaint.E2E;

/// <summary>Maintenance from buttons: run a task and watch it, cancel a long one, confirm a risky one, schedule one.</summary>
public sealed class TasksTests : IAsyncLifetime
{
    private readonly BrowserApp _browser = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });

    private string TargetRoot => Path.Combine(_browser.App.DataDirectory, "demo", "target");

    public ValueTask InitializeAsync() => _browser.InitializeAsync();

    public ValueTask DisposeAsync() => _browser.DisposeAsync();

    private static ILocator Card(IPage page, string task) => page.Locator($"[data-testid=task-card][data-task={task}]");

    private async Task<IPage> OpenTasksAsync()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync("/tasks");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        return page;
    }

    [Fact]
    public async Task Tasks_RunHealthCheck_OutputShowsLiveUntilItSucceeds()
    {
        var page = await OpenTasksAsync();
        await Expect(Card(page, "health-check").GetByTestId("last-run")).ToContainTextAsync("Never run");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "tasks.png"), FullPage = true });

        await Card(page, "health-check").GetByTestId("run-task").ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/runs/\\d+$"));
        await Expect(page.GetByTestId("run-output")).ToContainTextAsync("main-script:", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("run-header")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("run-summary")).ToContainTextAsync("checks healthy");
        await Expect(page.GetByTestId("run-output")).ToContainTextAsync("access-profiles:");
        // The snackbar tells the tab that started the run.
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("health-check) succeeded");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "run-health-check.png"), FullPage = true });

        await page.GotoAsync("/tasks");
        await Expect(Card(page, "health-check").GetByTestId("run-state")).ToHaveAttributeAsync("data-state", "Succeeded");

        // The history, filtered in the URL.
        await page.GotoAsync("/runs?state=Failed");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("runs-table")).ToContainTextAsync("No runs match these filters.");
        await page.GotoAsync("/runs?state=Succeeded&task=health-check");
        await Expect(page.GetByTestId("runs-table").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("runs-table")).ToContainTextAsync("All 12 checks healthy.");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "runs.png"), FullPage = true });
    }

    [Fact]
    public async Task Runs_CancelLongRun_StopsWithinSecondsAndIsCancelled()
    {
        var script = Path.Combine(TargetRoot, "scripts", "test_module_loading.sh");
        await File.WriteAllTextAsync(script, "#!/bin/bash\necho 'loading modules slowly'\nsleep 300\n", TestContext.Current.CancellationToken);
        var page = await OpenTasksAsync();

        await Card(page, "module-loading").GetByTestId("run-task").ClickAsync();
        await Expect(page.GetByTestId("run-output")).ToContainTextAsync("loading modules slowly", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("run-header")).ToHaveAttributeAsync("data-state", "Running");
        await Expect(page.GetByTestId("active-runs")).ToHaveAttributeAsync("data-count", "1");
        await page.GetByTestId("cancel-run").ClickAsync();

        await Expect(page.GetByTestId("run-header")).ToHaveAttributeAsync("data-state", "Cancelled", new() { Timeout = 10_000 });
        await Expect(page.GetByTestId("run-summary")).ToContainTextAsync("Cancelled by admin");
        await Expect(page.GetByTestId("active-runs")).ToHaveAttributeAsync("data-count", "0");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "run-cancelled.png"), FullPage = true });
    }

    [Fact]
    public async Task Tasks_TaskThatChangesTheTarget_RunsOnlyAfterItsKeyIsTyped()
    {
        var script = Path.Combine(TargetRoot, "modules", "git_ops.sh");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var page = await OpenTasksAsync();

        await Card(page, "fix-permissions").GetByTestId("run-task").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByTestId("confirm-run")).ToBeDisabledAsync();
        await dialog.GetByLabel("Type fix-permissions to confirm").FillAsync("fix-permissions");
        // No maintenance window is active: starting it needs one more yes.
        await dialog.GetByText("Start anyway, outside a maintenance window").ClickAsync();
        await Expect(dialog.GetByTestId("confirm-run")).ToBeEnabledAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "confirm-fix-permissions.png") });
        await dialog.GetByTestId("confirm-run").ClickAsync();

        await Expect(page.GetByTestId("run-header")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("run-output")).ToContainTextAsync("modules/git_ops.sh: -rw------- -> -rwx------");
        Assert.True((File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0);
    }

    [Fact]
    public async Task LogCleanup_DryRunThenRemoveExactlyItsList_RemovesOnlyThoseFiles()
    {
        var old = Path.Combine(TargetRoot, "logs", "performance.log.3");
        await File.WriteAllTextAsync(old, "old lines\n", TestContext.Current.CancellationToken);
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddDays(-90));
        var page = await OpenTasksAsync();

        await Card(page, "log-cleanup").GetByTestId("run-task").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Type log-cleanup to confirm").FillAsync("log-cleanup");
        await dialog.GetByTestId("confirm-run").ClickAsync();
        await Expect(page.GetByTestId("run-header")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("run-output")).ToContainTextAsync("would remove logs/performance.log.3");
        Assert.True(File.Exists(old));

        await page.GetByTestId("remove-listed").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByLabel("Type log-cleanup to confirm").FillAsync("log-cleanup");
        await page.GetByRole(AriaRole.Dialog).GetByText("Start anyway, outside a maintenance window").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByTestId("confirm-run").ClickAsync();

        await Expect(page.GetByTestId("run-summary")).ToContainTextAsync("Removed 1 of 1 file(s)", new() { Timeout = 30_000 });
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(Path.Combine(TargetRoot, "logs", "metrics.jsonl")));
    }

    [Fact]
    public async Task Schedules_CreateOne_ShowsNextOccurrencesWhileTypingAndCanBePaused()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync("/schedules");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator("[data-testid=schedule-row][data-name='Daily health check']")).ToBeVisibleAsync();

        await page.GetByTestId("new-schedule").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("Hourly health check");
        var cron = dialog.GetByLabel("Cron expression");
        await cron.FillAsync("0 99 * * *");
        await Expect(dialog.GetByTestId("cron-error")).ToContainTextAsync("is not a valid cron expression");
        await Expect(dialog.GetByTestId("save-schedule")).ToBeDisabledAsync();
        await cron.FillAsync("15 * * * *");
        await Expect(dialog.GetByTestId("next-occurrence")).ToHaveCountAsync(5);
        await Expect(dialog.GetByTestId("next-occurrence").First).ToContainTextAsync(":15 UTC");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "schedule-dialog.png") });
        await dialog.GetByTestId("save-schedule").ClickAsync();

        var row = page.Locator("[data-testid=schedule-row][data-name='Hourly health check']");
        await Expect(row).ToHaveAttributeAsync("data-paused", "false");
        await page.Locator("tr", new() { Has = row }).GetByTestId("pause-toggle").Locator("input").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-paused", "true");
        await Expect(page.Locator("tr", new() { Has = row }).GetByTestId("schedule-next")).ToHaveTextAsync("paused");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "schedules.png"), FullPage = true });
    }
}
