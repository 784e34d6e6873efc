using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Tests;
using OrchestrationMaint.Web;
using static Microsoft.Playwright.Assertions;

namespace OrchestrationMaint.E2E;

/// <summary>Records, maintenance windows and the runbook, as an operator in Berlin uses them.</summary>
public sealed class RecordsTests : IAsyncLifetime
{
    private const string Zone = "Europe/Berlin";
    private readonly BrowserApp _browser = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });

    private string TargetRoot => Path.Combine(_browser.App.DataDirectory, "demo", "target");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _browser.InitializeAsync();

    public ValueTask DisposeAsync() => _browser.DisposeAsync();

    private T Service<T>() where T : notnull => _browser.App.Services.GetRequiredService<T>();

    private async Task<IPage> OpenAsync(string path)
    {
        var page = await _browser.NewPageAsync(Zone);
        await page.GotoAsync(path);
        await BrowserApp.WaitUntilInteractiveAsync(page);
        return page;
    }

    private static Task<byte[]> ScreenshotAsync(IPage page, string name, bool fullPage = false) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, name), FullPage = fullPage });

    /// <summary>Picks an item of the MudSelect the locator points at.</summary>
    private static async Task ChooseAsync(IPage page, ILocator select, string item)
    {
        await select.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText(item, new() { Exact = true }).ClickAsync();
    }

    /// <summary>What the history of a team that has used the app for a while looks like.</summary>
    private async Task SeedRecordsAsync()
    {
        var recorder = Service<MaintenanceRecorder>();
        var now = DateTimeOffset.UtcNow;
        (string Task, string Outcome, string By, string? Summary, string Issues, long? Run, double HoursAgo)[] history =
        [
            ("health-check", "succeeded", "scheduler", "All 12 checks healthy.", "", 41, 3),
            ("log-cleanup", "succeeded", "scheduler", "Removed 4 of 4 file(s), freeing 1.2 MiB.", "", 40, 26),
            ("health-check", "succeeded", "scheduler", "11 of 12 checks healthy.", "modules/git_ops.sh is not executable", 39, 27),
            ("fix-permissions", "succeeded", "operator", "Set the execute bit on 1 file(s).", "", 38, 27.5),
            ("backup-create", "failed", "operator", "Not enough free space for the archive.", "backups/: 120 MiB free, 380 MiB needed", 37, 50),
        ];
        foreach (var entry in history)
        {
            await recorder.RecordAsync(new MaintenanceRecord
            {
                At = now.AddHours(-entry.HoursAgo), Task = entry.Task, Outcome = entry.Outcome, RequestedBy = entry.By, Summary = entry.Summary,
                Issues = entry.Issues, RunId = entry.Run,
            }, Ct);
        }
    }

    [Fact]
    public async Task Records_AddManualRecordThenFilter_UrlCarriesTheFiltersAndReloadKeepsThem()
    {
        await SeedRecordsAsync();
        var page = await OpenAsync("/records");
        await Expect(page.GetByText("Times in Europe/Berlin")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("record-row").First).ToBeVisibleAsync();

        await page.GetByTestId("add-record").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("save-record").ClickAsync();
        await Expect(dialog).ToContainTextAsync("Say which task or activity this was");
        await dialog.GetByTestId("record-task").FillAsync("replace-disk-node-14");
        await dialog.GetByTestId("record-task").PressAsync("Tab");
        await Expect(dialog).Not.ToContainTextAsync("Say which task or activity this was");
        await ChooseAsync(page, dialog.GetByTestId("record-outcome-select"), "partial: done in part");
        await dialog.GetByTestId("record-issues").FillAsync("<script>alert('x')</script> fan on node-14 still noisy");
        await dialog.GetByTestId("record-notes").FillAsync("Swapped the failed disk; RAID rebuilt in 40 min.");
        await ScreenshotAsync(page, "record-dialog.png");
        await dialog.GetByTestId("save-record").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);

        var row = page.Locator("[data-testid=record-row][data-task=replace-disk-node-14]");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.GetByTestId("record-issues")).ToHaveTextAsync("<script>alert('x')</script> fan on node-14 still noisy");
        await Expect(row).ToContainTextAsync("manual");
        // Shown in the browser's zone: the <time> says UTC in its title, the text is Berlin's wall clock.
        var time = row.Locator("time");
        var utc = DateTime.ParseExact((await time.GetAttributeAsync("datetime"))!, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var berlin = TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.FindSystemTimeZoneById(Zone));
        await Expect(time).ToHaveTextAsync(berlin.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        await ScreenshotAsync(page, "records.png", fullPage: true);

        await ChooseAsync(page, page.GetByTestId("filter-task"), "replace-disk-node-14");
        await Expect(page).ToHaveURLAsync(new Regex("task=replace-disk-node-14"));
        // Typed as a person types, with a pause that lets the search run halfway: nothing typed is lost.
        await page.GetByTestId("filter-text").PressSequentiallyAsync("no", new() { Delay = 80 });
        await Expect(page).ToHaveURLAsync(new Regex("q=no(&|$)"));
        await page.GetByTestId("filter-text").PressSequentiallyAsync("isy", new() { Delay = 80 });
        await Expect(page).ToHaveURLAsync(new Regex("q=noisy"));
        await Expect(page.GetByTestId("filter-text")).ToHaveValueAsync("noisy");
        await Expect(page.GetByTestId("record-row")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("export-csv")).ToHaveAttributeAsync("href", new Regex("task=replace-disk-node-14.*tz=Europe%2FBerlin"));

        await page.ReloadAsync();
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page).ToHaveURLAsync(new Regex("q=noisy.*task=replace-disk-node-14|task=replace-disk-node-14.*q=noisy"));
        await Expect(page.GetByTestId("record-row")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("filter-text")).ToHaveValueAsync("noisy");
        await Expect(page.GetByTestId("records-total")).ToHaveTextAsync("1 matching record(s)");

        await page.GetByTestId("filter-text").FillAsync("no such words");
        await Expect(page.GetByTestId("records-table")).ToContainTextAsync("No records match these filters.");
        await page.GetByTestId("clear-filters").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/records$"));
        await Expect(page.GetByTestId("record-row")).Not.ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Windows_AnnouncedThenStarted_BannerFollowsLiveAndTheDashboardMarksAlertsExpected()
    {
        // A burst of failures in this hour: the success-rate alert fires.
        var now = DateTimeOffset.UtcNow;
        await File.AppendAllLinesAsync(Path.Combine(TargetRoot, "logs", "metrics.jsonl"), Enumerable.Range(0, 60).Select(i =>
            $"{{\"timestamp\": \"{now.AddSeconds(-i):yyyy-MM-ddTHH:mm:ssZ}\", \"operation\": \"git_push\", \"status\": \"failure\", \"duration_seconds\": 2.5, \"error\": \"remote unavailable\"}}"), Ct);
        var dashboard = await OpenAsync("/");
        await Expect(dashboard.Locator("[data-alert=success-rate]")).ToBeVisibleAsync();
        await Expect(dashboard.GetByTestId("alert-expected")).ToHaveCountAsync(0);
        await Expect(dashboard.GetByTestId("window-banner")).ToHaveCountAsync(0);

        var windows = await OpenAsync("/windows");
        await windows.GetByTestId("announce-window").ClickAsync();
        var dialog = windows.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("save-window").ClickAsync();
        await Expect(dialog.GetByText("Say what the window is for")).ToBeVisibleAsync();
        await dialog.GetByTestId("window-description").FillAsync("Upgrade git on the distribution host: pushes to the nodes pause");
        await Expect(dialog.GetByText("Say what the window is for")).ToHaveCountAsync(0);
        await ScreenshotAsync(windows, "window-dialog.png");
        await dialog.GetByTestId("save-window").ClickAsync();
        await Expect(windows.Locator("[data-testid=window-row][data-status=upcoming]")).ToHaveCountAsync(1);

        // The dashboard, open all along, shows the announcement without a reload.
        await Expect(dashboard.GetByTestId("window-upcoming")).ToContainTextAsync("Maintenance window in ");
        await Expect(dashboard.GetByTestId("window-upcoming")).ToContainTextAsync("Europe/Berlin");
        await ScreenshotAsync(dashboard, "banner-upcoming.png");

        var started = await Service<MaintenanceWindows>().AnnounceAsync(
            new WindowDraft(now.AddMinutes(-20), now.AddMinutes(70), "Restore drill on node-14: distribution paused, failures expected"), await _browser.App.ActorAsync("alice"), Ct);
        Assert.Empty(started.Errors);
        await Expect(dashboard.GetByTestId("window-active")).ToContainTextAsync("Maintenance window in progress until");
        await Expect(dashboard.Locator("[data-alert=success-rate]").GetByTestId("alert-expected")).ToBeVisibleAsync();
        await ScreenshotAsync(dashboard, "dashboard-window-active.png");

        // The figures without the windows' hours: the burst is inside the active one.
        var withBurst = await dashboard.GetByTestId("success-rate").InnerTextAsync();
        await dashboard.GetByTestId("exclude-windows").ClickAsync();
        await Expect(dashboard).ToHaveURLAsync(new Regex("exclude=maintenance"));
        await Expect(dashboard.GetByTestId("excluded-note")).ToBeVisibleAsync();
        Assert.NotEqual(withBurst, await dashboard.GetByTestId("success-rate").InnerTextAsync());
        await ScreenshotAsync(dashboard, "dashboard-windows-excluded.png");

        Assert.Null(await Service<MaintenanceWindows>().EndNowAsync(started.Window!.Id, await _browser.App.ActorAsync("alice"), Ct));
        await Expect(dashboard.GetByTestId("window-active")).ToHaveCountAsync(0);
        await Expect(dashboard.GetByTestId("alert-expected")).ToHaveCountAsync(0);

        await Expect(windows.Locator("[data-testid=window-row][data-status=over]")).ToHaveCountAsync(1);
        await ScreenshotAsync(windows, "windows.png");

        var records = await OpenAsync(AppUrls.RecordsFiltered(new RecordFilter(Task: MaintenanceWindows.RecordTask)));
        await Expect(records.GetByTestId("record-row")).ToHaveCountAsync(4);
        await Expect(records.GetByTestId("records-table")).ToContainTextAsync("ended early by alice");
    }

    [Fact]
    public async Task Tasks_ChangesTargetOutsideAWindow_AsksOnceMoreAndNotInsideOne()
    {
        var page = await OpenAsync("/tasks");
        var card = page.Locator("[data-testid=task-card][data-task=fix-permissions]");

        await card.GetByTestId("run-task").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByTestId("outside-window")).ToContainTextAsync("No maintenance window is active: this task changes the target. Start anyway?");
        await dialog.GetByLabel("Type fix-permissions to confirm").FillAsync("fix-permissions");
        await Expect(dialog.GetByTestId("confirm-run")).ToBeDisabledAsync();
        await dialog.GetByText("Start anyway, outside a maintenance window").ClickAsync();
        await Expect(dialog.GetByTestId("confirm-run")).ToBeEnabledAsync();
        await ScreenshotAsync(page, "confirm-outside-window.png");
        await dialog.GetByTestId("confirm-run").ClickAsync();
        await Expect(page.GetByTestId("run-header")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 30_000 });

        // A dry run changes nothing: no question.
        await page.GotoAsync("/tasks");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await page.Locator("[data-testid=task-card][data-task=log-cleanup]").GetByTestId("run-task").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog).GetByLabel("Type log-cleanup to confirm")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Dialog).GetByTestId("outside-window")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        var now = DateTimeOffset.UtcNow;
        Assert.Empty((await Service<MaintenanceWindows>().AnnounceAsync(new WindowDraft(now.AddMinutes(-1), now.AddHours(1), "Permissions work"), await _browser.App.ActorAsync("alice"), Ct)).Errors);
        await card.GetByTestId("run-task").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByLabel("Type fix-permissions to confirm").FillAsync("fix-permissions");
        await Expect(page.GetByRole(AriaRole.Dialog).GetByTestId("confirm-run")).ToBeEnabledAsync();
        await Expect(page.GetByRole(AriaRole.Dialog).GetByTestId("outside-window")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Runbook_OpenAndFollowATaskLink_LandsOnThatTasksCard()
    {
        var page = await OpenAsync("/runbook");
        await Expect(page.GetByTestId("runbook-toc")).ToContainTextAsync("Troubleshooting");
        await ScreenshotAsync(page, "runbook.png");

        await page.GetByTestId("runbook-toc").GetByRole(AriaRole.Link, new() { Name = "Git operation failures" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/runbook#git-operation-failures$"));
        await Expect(page.Locator("#git-operation-failures")).ToBeInViewportAsync();
        await ScreenshotAsync(page, "runbook-anchor.png");

        var link = page.GetByTestId("runbook").Locator("a[data-task=git-checks]").First;
        await Expect(link).ToHaveTextAsync("▶ Run the git checks");
        await link.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/tasks#task-git-checks$"));
        var card = page.Locator("[data-testid=task-card][data-task=git-checks]");
        await Expect(card).ToHaveAttributeAsync("data-highlighted", "true");
        await Expect(card).ToBeInViewportAsync();
        await Expect(card.GetByTestId("run-task")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "runbook-task-link.png");
    }
}
