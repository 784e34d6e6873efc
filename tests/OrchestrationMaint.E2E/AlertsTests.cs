using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Notifications;
using OrchestrationMaint.Tests;
using OrchestrationMaint.Web;
using static Microsoft.Playwright.Assertions;

namespace OrchestrationMaint.E2E;

/// <summary>The 3 a.m. journey: the success rate drops, the alert fires on the open dashboard and on the team's webhook, someone takes it.</summary>
public sealed class AlertsTests : IAsyncLifetime
{
    // The outage also burns the error budget; that alert is left out here so the menu's count is this journey's arithmetic alone
    // (it is tested over HTTP in AlertsApiTests).
    private readonly BrowserApp _browser = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false", ["Alerts:Disabled:0"] = "ErrorBudgetBurn" });
    private WebhookListener _listener = null!;

    private string MetricsPath => Path.Combine(_browser.App.DataDirectory, "demo", "target", "logs", "metrics.jsonl");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _listener = await WebhookListener.StartAsync();
        await _browser.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _listener.DisposeAsync();
    }

    private static Task<byte[]> ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, name), FullPage = true });

    /// <summary>An outage as the scripts would append it: this minute's pushes all failing.</summary>
    private Task AppendOutageAsync()
    {
        var now = DateTimeOffset.UtcNow;
        return File.AppendAllLinesAsync(MetricsPath, Enumerable.Range(0, 3000).Select(i =>
            $"{{\"timestamp\": \"{now.AddMilliseconds(-i):yyyy-MM-ddTHH:mm:ssZ}\", \"operation\": \"git_push\", \"status\": \"failure\", \"duration_seconds\": 1.5, \"target\": \"node-07\", \"error\": \"Git operation failed: remote unavailable\"}}"), Ct);
    }

    [Fact]
    public async Task Alert_SuccessRateDrops_FiresOnTheDashboardIsAcknowledgedAndTheWebhookDeliveriesAreLogged()
    {
        // The team's chat hook, told about success-rate alerts firing and being acknowledged.
        var saved = await _browser.App.Services.GetRequiredService<NotificationCenter>().SaveAsync(null,
            ChannelDraft.New with { Name = "Ops chat", Url = _listener.Url("/hooks/ops"), Kinds = [Core.Alerts.AlertKind.SuccessRate], Changes = ChannelChanges.All }, Actor.System, Ct);
        Assert.True(saved.Succeeded, saved.Describe());
        var page = await _browser.NewPageAsync();
        await page.GotoAsync("/");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator("[data-alert=success-rate]")).ToHaveCountAsync(0);

        await AppendOutageAsync();

        var alert = page.Locator("[data-alert=success-rate]");
        await Expect(alert).ToContainTextAsync("Success rate below threshold", new() { Timeout = 20_000 });
        await Expect(alert).ToHaveAttributeAsync("data-state", "Firing");
        await Expect(alert).ToContainTextAsync("Most failures: git_push");
        await ScreenshotAsync(page, "alert-firing-dashboard.png");
        var badge = page.GetByTestId("firing-alerts-count");
        var firing = int.Parse(await badge.InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);

        await alert.GetByTestId("acknowledge").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("note-input").FillAsync("Restarting the git remote on node-07 <b>now</b>");
        await dialog.GetByTestId("note-confirm").ClickAsync();

        await Expect(alert).ToHaveAttributeAsync("data-state", "Acknowledged");
        await Expect(alert.GetByTestId("alert-acknowledged-by")).ToHaveTextAsync("acknowledged by admin: Restarting the git remote on node-07 <b>now</b>");
        await Expect(alert.GetByTestId("acknowledge")).ToHaveCountAsync(0);
        // The menu counts what still needs someone: one less.
        if (firing == 1)
        {
            await Expect(badge).ToHaveCountAsync(0);
        }
        else
        {
            await Expect(badge).ToHaveTextAsync((firing - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await ScreenshotAsync(page, "alert-acknowledged-dashboard.png");

        await alert.GetByTestId("alert-details").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/alerts/\d+$"));
        await Expect(page.GetByTestId("alert-event")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=alert-delivery][data-change=Fired]")).ToHaveAttributeAsync("data-status", "Delivered");
        await Expect(page.Locator("[data-testid=alert-delivery][data-change=Acknowledged]")).ToHaveAttributeAsync("data-status", "Delivered");
        await Expect(page.Locator("[data-testid=alert-event][data-kind=Acknowledged]")).ToContainTextAsync("admin");
        await ScreenshotAsync(page, "alert-detail.png");

        // Still open: it can become an incident, filled in from the alert.
        await page.GetByTestId("open-incident-from-alert").ClickAsync();
        var incident = page.GetByRole(AriaRole.Dialog);
        await Expect(incident.GetByTestId("incident-title")).ToHaveValueAsync(new Regex("^Success rate below threshold: "));
        await incident.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        // The hook got both, as JSON naming the alert; the delivery log says so too.
        var received = await _listener.WaitForAsync(2);
        var bodies = received.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.All(received, r => Assert.Equal("/hooks/ops", r.Path));
        Assert.Equal(["fired", "acknowledged"], bodies.Select(b => b.GetProperty("change").GetString()?.ToLowerInvariant()));
        Assert.All(bodies, b => Assert.Equal("success-rate", b.GetProperty("alert").GetProperty("key").GetString()));
        await page.GotoAsync(AppUrls.Notifications);
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator("[data-testid=delivery-row][data-change=Fired][data-channel='Ops chat']")).ToHaveAttributeAsync("data-status", "Delivered");
        await ScreenshotAsync(page, "alert-deliveries.png");

        await page.GotoAsync("/alerts");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator("[data-testid=alert-row][data-key=success-rate]")).ToHaveAttributeAsync("data-state", "Acknowledged");
        await ScreenshotAsync(page, "alerts-page.png");
    }
}
