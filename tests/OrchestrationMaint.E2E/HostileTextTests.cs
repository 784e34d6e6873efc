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
    public async Task ScriptPayloads_InConfigValuesAndCommitMessages_RenderAsTextAndRunNothing()
    {
        var demo = Path.Combine(_browser.App.DataDirectory, "demo");
        var target = Path.Combine(demo, "target");
        using var api = _browser.App.CreateRealClient();

        // A commit on origin whose message is a script: the system update lists it in its result.
        var clone = Path.Combine(demo, "payload-clone");
        await GitAsync(demo, "clone", "origin.git", clone);
        await GitAsync(clone, "-c", "user.name=e2e", "-c", "user.email=e2e@example.com", "commit", "--allow-empty", "-m", Payload);
        await GitAsync(clone, "push", "origin", "HEAD:main");
        var update = await StartAsync(api, "system-update", "{}");

        // A configuration value that is a script: the restore dialog's diff shows it.
        await StartAsync(api, "backup-create", "{\"kind\": \"config\"}");
        var config = Path.Combine(target, "config", "distribution.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(config, TestContext.Current.CancellationToken))!.AsObject();
        json["payload"] = Payload;
        await File.WriteAllTextAsync(config, json.ToJsonString(), TestContext.Current.CancellationToken);

        var page = await _browser.NewPageAsync();
        await page.GotoAsync($"/runs/{update}");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("run-header")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 60_000 });
        await Expect(page.Locator("body")).ToContainTextAsync("<script>window.__pwned=2</script>");
        await page.GotoAsync("/backups");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        // Two config snapshots: the system update's own, and ours; either shows the payload as a change.
        await page.GetByTestId("restore-backup").First.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByTestId("restore-diff").First).ToContainTextAsync("window.__pwned", new() { Timeout = 30_000 });

        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
    }

    private static async Task GitAsync(string directory, params string[] arguments)
    {
        var result = await OrchestrationMaint.Core.Target.ScriptRunner.RunAsync("git", arguments, directory, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, result.Output);
    }

    /// <summary>Starts a task over the API and waits until it succeeded; returns the run's id.</summary>
    private static async Task<long> StartAsync(HttpClient api, string task, string body)
    {
        using var response = await api.PostAsync($"/api/tasks/{task}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var id = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("id").GetInt64();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var run = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync($"/api/runs/{id}", TestContext.Current.CancellationToken)).RootElement;
            var state = run.GetProperty("state").GetString();
            if (state is not ("Queued" or "Running"))
            {
                Assert.True(state == "Succeeded", $"{task}: {state} {run.GetProperty("summary").GetString()}");
                return id;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{task} is still {state}");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

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
