using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Records.Contacts;
using static Microsoft.Playwright.Assertions;

namespace OrchestrationMaint.E2E;

/// <summary>
/// Script and HTML arriving from the target (metrics, logs) and from people (contact names) render as inert text,
/// and no page breaks the Content-Security-Policy.
/// </summary>
public sealed class HostileTextTests : IAsyncLifetime
{
    private const string Payload = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>";

    private readonly BrowserApp _browser = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });

    private string LogsDirectory => Path.Combine(_browser.App.DataDirectory, "demo", "target", "logs");

    public ValueTask InitializeAsync() => _browser.InitializeAsync();

    public ValueTask DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task ScriptPayloads_InMetricsLogsAndContactNames_RenderAsTextAndRunNothing()
    {
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var jsonPayload = Payload.Replace("\"", "\\\"", StringComparison.Ordinal);
        await File.AppendAllTextAsync(Path.Combine(LogsDirectory, "metrics.jsonl"),
            $"{{\"timestamp\": \"{now}\", \"operation\": \"git_push\", \"status\": \"failure\", \"duration_seconds\": 2, \"error\": \"{jsonPayload}\"}}\n", TestContext.Current.CancellationToken);
        await File.AppendAllTextAsync(Path.Combine(LogsDirectory, "performance.log"), $"2026-11-29 03:00:00 [ERROR] {Payload}\n", TestContext.Current.CancellationToken);
        var contact = await _browser.App.Services.GetRequiredService<ContactBook>().SaveAsync(null, 0,
            new ContactDraft(1, "Eve <b>bold</b><img src=x onerror=alert(1)>", ContactRole.Primary, "+49 30 1234567", "eve@example.com", Payload, true), Actor.System, TestContext.Current.CancellationToken);
        Assert.True(contact.Succeeded, string.Join(" ", contact.Errors.Select(e => e.Message)));

        var page = await _browser.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };

        await page.GotoAsync("/logs");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("log-lines")).ToContainTextAsync("<script>window.__pwned=2</script>", new() { Timeout = 10_000 });
        await page.GotoAsync("/logs?tab=failures&q=pwned");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator("body")).ToContainTextAsync("onerror=\"window.__pwned=1\"", new() { Timeout = 10_000 });
        await page.GotoAsync("/");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator("body")).ToContainTextAsync("Eve <b>bold</b><img src=x onerror=alert(1)>");
        foreach (var path in (string[])["/tasks", "/runs", "/backups", "/schedules", "/settings", "/contacts", "/incidents", "/checklist", "/admin/users", "/admin/audit"])
        {
            await page.GotoAsync(path);
            await BrowserApp.WaitUntilInteractiveAsync(page);
        }

        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
        Assert.True(violations.Count == 0, string.Join("\n", violations.Distinct()));
    }
}
