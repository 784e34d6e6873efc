using System.Text.Json;
using Microsoft.Playwright;
using OrchestrationMaint.Tests;
using static Microsoft.Playwright.Assertions;

namespace OrchestrationMaint.E2E;

/// <summary>An Admin sets up a webhook channel and proves it works, as on the first day with the product.</summary>
public sealed class NotificationsTests : IAsyncLifetime
{
    private readonly BrowserApp _browser = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });
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
        await page.GotoAsync("/notifications");
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
}
