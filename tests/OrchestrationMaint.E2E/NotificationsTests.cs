using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Notifications;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Tests;
using OrchestrationMaint.Web;
using static Microsoft.Playwright.Assertions;

namespace OrchestrationMaint.E2E;

/// <summary>An Admin sets up a webhook channel and proves it works, as on the first day with the product.</summary>
public sealed class NotificationsTests : IAsyncLifetime
{
    // One attempt: a failure is final at once, so the test need not wait out the backoff.
    private readonly BrowserApp _browser = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false", ["Notifications:MaxAttempts"] = "1" });
    private WebhookListener _listener = null!;

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

    [Fact]
    public async Task Notifications_AdminAddsWebhookAndSendsTest_DeliveredInTheLogAndTheListenerGotIt()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(AppUrls.Notifications);
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("smtp-missing")).ToContainTextAsync("Notifications:Smtp:Host");

        await page.GetByTestId("add-channel").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync("Ops <b>hook</b>");
        // Bad input first: refused with a sentence, and what was typed stays.
        await dialog.GetByLabel("Webhook URL").FillAsync("ftp://hooks.example.com/x");
        await dialog.GetByTestId("save-channel").ClickAsync();
        await Expect(dialog).ToContainTextAsync("is not an absolute http:// or https:// address");
        await Expect(dialog.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync("Ops <b>hook</b>");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "notifications-channel-dialog.png") });

        await dialog.GetByLabel("Webhook URL").FillAsync(_listener.Url("/hooks/T000/secret-token"));
        await dialog.GetByTestId("save-channel").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        var row = page.Locator("[data-testid=channel-row][data-channel='Ops <b>hook</b>']");
        await Expect(row).ToHaveCountAsync(1);
        // Free text is text, and the URL's secret path is masked.
        await Expect(row).ToContainTextAsync("Ops <b>hook</b>");
        await Expect(row.GetByTestId("channel-target")).Not.ToContainTextAsync("secret-token");

        await row.GetByTestId("send-test").ClickAsync();
        await Expect(page.GetByTestId("test-outcome")).ToHaveAttributeAsync("data-delivered", "true");
        await Expect(page.GetByTestId("test-outcome")).ToContainTextAsync("Delivered to");
        var logged = page.Locator("[data-testid=delivery-row][data-kind=Test]");
        await Expect(logged).ToHaveAttributeAsync("data-status", "Delivered");

        var received = Assert.Single(_listener.Received);
        Assert.Equal("/hooks/T000/secret-token", received.Path);
        var json = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("test", json.GetProperty("type").GetString());
        Assert.Equal("Ops <b>hook</b>", json.GetProperty("channel").GetString());

        await logged.GetByTestId("show-payload").ClickAsync();
        await Expect(page.GetByTestId("delivery-payload")).ToContainTextAsync("\"type\": \"test\"");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "notifications.png"), FullPage = true });
    }

    [Fact]
    public async Task Notifications_WebhookAnswered500_OperatorSeesTheReasonAndRetryNowDelivers()
    {
        _listener.Reply = n => n == 1 ? new WebhookReply(500) : WebhookReply.Ok;
        var services = _browser.App.Services;
        var token = TestContext.Current.CancellationToken;
        var saved = await services.GetRequiredService<NotificationCenter>().SaveAsync(null,
            ChannelDraft.New with { Name = "Ops hook", Url = _listener.Url() }, Actor.System, token);
        Assert.True(saved.Succeeded, saved.Describe());
        // What the alert engine does when an alert fires: the alert and its deliveries in one save.
        var notifications = services.GetRequiredService<IAlertNotifications>();
        await using (var db = await services.GetRequiredService<IDbContextFactory<MaintenanceDbContext>>().CreateDbContextAsync(token))
        {
            var now = DateTimeOffset.UtcNow;
            var alert = new Alert
            {
                Key = "success-rate", Kind = AlertKind.SuccessRate, Level = AlertLevel.Critical, State = AlertState.Firing,
                Title = "Success rate below 95 %", Message = "81.2 % over the last hour", ConditionSince = now.AddMinutes(-5), FiredAt = now, LastSeenAt = now,
            };
            db.Alerts.Add(alert);
            notifications.AddDeliveries(db, alert, AlertChange.Fired);
            await db.SaveChangesAsync(token);
        }

        notifications.Wake();
        await _listener.WaitForAsync(1);

        var accounts = services.GetRequiredService<UserAdmin>();
        var created = await accounts.CreateAsync(Actor.System, "olivia", Role.Operator, "olivia-operator-password", token);
        Assert.True(created.Succeeded);
        var page = await _browser.NewPageAsync("olivia", "olivia-operator-password");
        await page.GotoAsync(AppUrls.Notifications);
        await BrowserApp.WaitUntilInteractiveAsync(page);
        // Read-only for an Operator: no channel changes, but the retry is theirs.
        await Expect(page.GetByTestId("channel-row")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("add-channel")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("send-test")).ToHaveCountAsync(0);
        var row = page.Locator("[data-testid=delivery-row][data-kind=Alert]");
        await Expect(row).ToHaveAttributeAsync("data-status", "Failed");
        await Expect(row.GetByTestId("delivery-error")).ToHaveTextAsync("HTTP 500 from 127.0.0.1");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "notifications-failed.png"), FullPage = true });

        await row.GetByTestId("retry-delivery").ClickAsync();

        await Expect(row).ToHaveAttributeAsync("data-status", "Delivered");
        Assert.Equal(2, (await _listener.WaitForAsync(2)).Count);
        await page.GotoAsync(AppUrls.NotificationsFiltered(status: "Failed"));
        await Expect(page.GetByTestId("delivery-row")).ToHaveCountAsync(0);
    }
}
