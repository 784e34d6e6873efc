using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Records.Checklist;
using OrchestrationMaint.Tests;
using static Microsoft.Playwright.Assertions;

namespace OrchestrationMaint.E2E;

/// <summary>The checklist from the browser: tick today's items, prove one with a real run, two browsers at once, the history and the dashboard card.</summary>
public sealed class ChecklistTests : IAsyncLifetime
{
    private readonly BrowserApp _browser = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false", ["Checklist:TimeZone"] = "Europe/Berlin" });

    public ValueTask InitializeAsync() => _browser.InitializeAsync();

    public ValueTask DisposeAsync() => _browser.DisposeAsync();

    private static ILocator Row(IPage page, string item) => page.Locator($"[data-testid=checklist-row][data-item={item}]");

    private static ILocator DailyRows(IPage page) => page.Locator("[data-testid=checklist-group][data-cadence=Daily] [data-testid=checklist-row]");

    /// <summary>A page whose browser lives in Berlin, as the configured checklist zone does.</summary>
    private async Task<IPage> OpenAsync(string url = "/checklist")
    {
        var page = await _browser.NewPageAsync("Europe/Berlin");
        await page.GotoAsync(url);
        await BrowserApp.WaitUntilInteractiveAsync(page);
        return page;
    }

    private static async Task TickAsync(IPage page, string item, string? note = null)
    {
        await Row(page, item).GetByTestId("tick").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        if (note is not null)
        {
            await dialog.GetByLabel("Note (optional)").FillAsync(note);
        }

        await dialog.GetByTestId("confirm-tick").ClickAsync();
        await Expect(Row(page, item)).ToHaveAttributeAsync("data-state", "Done");
    }

    [Fact]
    public async Task Checklist_TickTodaysItems_AreDoneAfterAReload()
    {
        var page = await OpenAsync();
        await Expect(DailyRows(page)).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("checklist-summary")).ToContainTextAsync("0 done");
        await Expect(page.Locator("body")).ToContainTextAsync("your browser's time zone (Europe/Berlin)");

        // Bad input first: an over-long note is refused with a sentence and nothing is ticked.
        await Row(page, "verify-system-health").GetByTestId("tick").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Note (optional)").FillAsync(new string('n', 1001));
        await Expect(dialog).ToContainTextAsync("The note is 1001 characters long; keep it to 1000.");
        await dialog.GetByTestId("confirm-tick").ClickAsync();
        await Expect(dialog.GetByTestId("tick-error")).ToContainTextAsync("The note is 1001 characters long; keep it to 1000.");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "checklist-tick-dialog.png") });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(Row(page, "verify-system-health")).ToHaveAttributeAsync("data-state", "Open");

        const string markup = "<b>checked</b> by hand <script>window.__owned = 1</script><img src=x onerror=\"window.__owned = 2\">";
        await TickAsync(page, "verify-system-health", markup);
        await TickAsync(page, "review-logs", "No errors since yesterday.");
        await TickAsync(page, "monitor-disk-space");

        await page.ReloadAsync();
        await BrowserApp.WaitUntilInteractiveAsync(page);
        foreach (var item in new[] { "verify-system-health", "review-logs", "monitor-disk-space" })
        {
            await Expect(Row(page, item)).ToHaveAttributeAsync("data-state", "Done");
            await Expect(Row(page, item).GetByTestId("checklist-status")).ToContainTextAsync(new Regex("Ticked by admin today \\d\\d:\\d\\d"));
        }

        await Expect(Row(page, "verify-system-health").GetByTestId("tick-note-text")).ToHaveTextAsync(markup);
        Assert.Equal(0, await page.Locator("[data-testid=tick-note-text] b, [data-testid=tick-note-text] img").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__owned === undefined"));
        await Expect(page.GetByTestId("count-done")).ToHaveTextAsync("3 done");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "checklist.png"), FullPage = true });

        // Taken back: open again, and the log keeps the tick as taken back.
        await Row(page, "monitor-disk-space").GetByTestId("untick").ClickAsync();
        await Expect(Row(page, "monitor-disk-space")).ToHaveAttributeAsync("data-state", "Open");
        await Row(page, "monitor-disk-space").GetByTestId("item-menu").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Tick log" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog).GetByTestId("item-log")).ToContainTextAsync(new Regex("by admin today \\d\\d:\\d\\d"));
        await Expect(page.GetByRole(AriaRole.Dialog).Locator("tr.om-unticked")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Checklist_RealHealthCheckRun_TicksTheItemWithTheRunAsEvidence()
    {
        var page = await OpenAsync();
        var row = Row(page, "verify-system-health");

        await row.GetByTestId("run-item-task").ClickAsync();

        // The demo target's health check takes a few seconds; the row offers the run as soon as it succeeded.
        await Expect(row.GetByTestId("tick-with-run")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var label = await row.GetByTestId("tick-with-run").InnerTextAsync();
        var runId = Regex.Match(label, "#(\\d+)").Groups[1].Value;
        await row.GetByTestId("tick-with-run").ClickAsync();

        await Expect(row).ToHaveAttributeAsync("data-state", "Done");
        await Expect(row.GetByTestId("tick-evidence-run")).ToHaveTextAsync($"run #{runId} (health-check)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "checklist-run-evidence.png"), FullPage = true });
        await row.GetByTestId("tick-evidence-run").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/runs/{runId}$"));
        await Expect(page.GetByTestId("run-header")).ToHaveAttributeAsync("data-state", "Succeeded");
    }

    [Fact]
    public async Task Checklist_TwoBrowsersTickTheSameItem_TheSecondIsToldWhoTickedFirst()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        await Row(first, "review-logs").GetByTestId("tick").ClickAsync();
        await Row(second, "review-logs").GetByTestId("tick").ClickAsync();

        await first.GetByRole(AriaRole.Dialog).GetByTestId("confirm-tick").ClickAsync();
        await Expect(Row(first, "review-logs")).ToHaveAttributeAsync("data-state", "Done");
        await second.GetByRole(AriaRole.Dialog).GetByTestId("confirm-tick").ClickAsync();

        await Expect(second.GetByRole(AriaRole.Dialog).GetByTestId("tick-error")).ToContainTextAsync(new Regex("Already ticked by admin at today \\d\\d:\\d\\d"));
        await second.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        // The second page followed the first one's tick live.
        await Expect(Row(second, "review-logs")).ToHaveAttributeAsync("data-state", "Done");
        await using var db = await Factory.CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, await db.ChecklistTicks.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Checklist_AddEditAndRetireAnItem_HistoryKeepsIt()
    {
        var page = await OpenAsync();

        await page.GetByTestId("add-item").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("save-item").ClickAsync();
        await Expect(dialog.GetByTestId("item-error")).ToContainTextAsync("Give the item a name.");
        await dialog.GetByLabel("Name").FillAsync(new string('x', 201));
        await Expect(dialog).ToContainTextAsync("The name is 201 characters long; keep it to 200.");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "checklist-item-dialog.png") });
        await dialog.GetByLabel("Name").FillAsync("Rotate the on-call phone");
        await dialog.GetByTestId("save-item").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        ILocator row = page.Locator("[data-testid=checklist-group][data-cadence=Weekly] [data-testid=checklist-row]", new() { HasText = "Rotate the on-call phone" });
        await Expect(row).ToHaveAttributeAsync("data-state", "Open");
        await row.GetByTestId("tick").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByTestId("confirm-tick").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-state", "Done");

        // A rename keeps the tick as it was made.
        await row.GetByTestId("item-menu").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Edit" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByLabel("Name").FillAsync("Rotate and test the on-call phone");
        await page.GetByRole(AriaRole.Dialog).GetByTestId("save-item").ClickAsync();
        row = page.Locator("[data-testid=checklist-group][data-cadence=Weekly] [data-testid=checklist-row]", new() { HasText = "Rotate and test the on-call phone" });
        await Expect(row).ToHaveAttributeAsync("data-state", "Done");
        await row.GetByTestId("item-menu").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Tick log" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog).GetByTestId("item-log")).ToContainTextAsync("as “Rotate the on-call phone”");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        await row.GetByTestId("item-menu").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Retire" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Retire" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);

        await page.GetByTestId("history-view").ClickAsync();
        var retiredRow = page.Locator("[data-testid=heatmap][data-cadence=Weekly] [data-testid=heatmap-row]", new() { HasText = "Rotate and test the on-call phone" });
        await Expect(retiredRow).ToContainTextAsync("retired");
        await Expect(retiredRow.Locator("[data-testid=heatmap-cell]").Last).ToHaveAttributeAsync("data-mark", "Done");
        await Expect(page.GetByTestId("retired-items")).ToContainTextAsync("Rotate and test the on-call phone");
    }

    [Fact]
    public async Task Dashboard_ItemsMissedLastPeriod_AreListedOnTheCardThatLinksToTheChecklist()
    {
        await SeedHistoryAsync();
        var page = await OpenAsync("/");

        var card = page.GetByTestId("checklist-card");
        await Expect(card.Locator("[data-testid=overdue-item][data-item=review-logs]")).ToContainTextAsync("daily, not done yesterday");
        await Expect(card.Locator("[data-testid=overdue-item][data-item=perform-backup-verification]")).ToContainTextAsync("weekly, not done last week");
        await Expect(card.Locator("[data-testid=overdue-item][data-item=verify-system-health]")).ToHaveCountAsync(0);
        await card.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "dashboard-checklist-card.png") });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "dashboard-with-checklist.png") });

        await card.GetByTestId("open-checklist").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/checklist$"));
        await Expect(Row(page, "review-logs")).ToHaveAttributeAsync("data-state", "Overdue");
        await Expect(Row(page, "review-logs").GetByTestId("checklist-status")).ToContainTextAsync("Not done yesterday");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "checklist-overdue.png"), FullPage = true });

        await page.GetByTestId("history-view").ClickAsync();
        var daily = page.Locator("[data-testid=heatmap][data-cadence=Daily]");
        await Expect(daily.Locator("[data-testid=heatmap-row][data-item=review-logs] [data-testid=heatmap-cell]")).ToHaveCountAsync(14);
        var missed = daily.Locator("[data-testid=heatmap-row][data-item=review-logs] [data-testid=heatmap-cell]").Nth(12);
        await Expect(missed).ToHaveAttributeAsync("data-mark", "Missed");
        await Expect(missed.Locator("[role=img]")).ToHaveAttributeAsync("aria-label", new Regex("^Review logs for errors or warnings, .*: missed$"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "checklist-history.png"), FullPage = true });

        // The heat map in dark mode: every mark must stay readable.
        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.GetByTestId("app-shell")).ToHaveAttributeAsync("data-theme", "dark");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "checklist-history-dark.png"), FullPage = true });
    }

    private IDbContextFactory<MaintenanceDbContext> Factory => _browser.App.Services.GetRequiredService<IDbContextFactory<MaintenanceDbContext>>();

    /// <summary>
    /// Three months of a team's ticks: every item tracked for 120 days, ticked in most periods; logs missed
    /// yesterday and the backup verification last week, so both are overdue now.
    /// </summary>
    private async Task SeedHistoryAsync()
    {
        var calendar = _browser.App.Services.GetRequiredService<ChecklistCalendar>();
        var now = calendar.Now;
        await using var db = await Factory.CreateDbContextAsync(TestContext.Current.CancellationToken);
        var items = await db.ChecklistItems.ToListAsync(TestContext.Current.CancellationToken);
        string[] people = ["alice", "bob", "carol"];
        foreach (var item in items)
        {
            item.TrackedSince = now.AddDays(-120);
            var period = calendar.Current(item.Cadence).Previous;
            for (var back = 1; calendar.End(period) > item.TrackedSince; back++, period = period.Previous)
            {
                var skipped = (item.SeedKey, back) is ("review-logs", 1) or ("perform-backup-verification", 1)
                    || (item.Id * 7 + back) % 9 == 0;
                if (skipped)
                {
                    continue;
                }

                var start = calendar.Start(period);
                db.ChecklistTicks.Add(new ChecklistTick
                {
                    ItemId = item.Id,
                    Cadence = item.Cadence,
                    PeriodKey = period.Key,
                    PeriodStart = start,
                    ItemTitle = item.Title,
                    TickedAt = start.AddHours(9).AddMinutes(back % 50),
                    TickedBy = people[back % people.Length],
                });
            }
        }

        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }
}
