using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Records.Contacts;
using OrchestrationMaint.Tests;
using static Microsoft.Playwright.Assertions;

namespace OrchestrationMaint.E2E;

/// <summary>The 3 a.m. journeys: who to call, and an outage worked through its runbook to its place in the history.</summary>
public sealed partial class IncidentsTests : IAsyncLifetime
{
    /// <summary>Not the machine's zone (UTC here): local times must really be converted.</summary>
    private const string OperatorZone = "Europe/Berlin";

    private readonly BrowserApp _browser = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _browser.InitializeAsync();

    public ValueTask DisposeAsync() => _browser.DisposeAsync();

    private static string Shot(string name) => Path.Combine(BrowserApp.ScreenshotDirectory, name);

    private async Task<IPage> OpenAsync(string path)
    {
        var page = await _browser.NewPageAsync(OperatorZone);
        await page.GotoAsync(path);
        await BrowserApp.WaitUntilInteractiveAsync(page);
        return page;
    }

    private async Task AddContactAsync(int level, string name, ContactRole role, string phone, string email, string availability)
    {
        var book = _browser.App.Services.GetRequiredService<ContactBook>();
        var result = await book.SaveAsync(null, 0, new ContactDraft(level, name, role, phone, email, availability, true), Actor.System, Token);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Message)));
    }

    [Fact]
    public async Task Contacts_AddAContact_ShowsOnTheDashboardsOnCallCard()
    {
        var page = await OpenAsync("/");
        await Expect(page.GetByTestId("on-call-card").GetByTestId("no-contacts")).ToContainTextAsync("Nobody to call yet.");

        await page.GetByTestId("on-call-card").GetByRole(AriaRole.Link, new() { Name = "Add the escalation contacts" }).ClickAsync();
        await Expect(page).ToHaveTitleAsync("Escalation contacts · OrchestrationMaint");
        await page.GetByTestId("add-contact").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("Ada Admin <on call>");
        await dialog.GetByLabel("Phone").FillAsync("+49 30 1234567");
        await dialog.GetByLabel("Email").FillAsync("ada@example");
        await dialog.GetByLabel("Availability notes").FillAsync("Weekdays 08:00–18:00 CET; after hours call the emergency number.");
        await dialog.GetByTestId("save-contact").ClickAsync();

        // A typo in the address: said at the field, nothing stored, everything typed still there.
        await Expect(dialog).ToContainTextAsync("'ada@example' has no complete domain after the @ (like example.com).");
        await Expect(dialog.GetByTestId("contact-error")).ToContainTextAsync("nothing was saved yet");
        await page.ScreenshotAsync(new() { Path = Shot("contact-form-invalid.png") });
        await dialog.GetByLabel("Email").FillAsync("ada@example.com");
        await dialog.GetByTestId("save-contact").ClickAsync();

        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Ada Admin <on call> added at level 1.");
        await Expect(page.Locator("[data-testid=contact-row][data-contact='Ada Admin <on call>']")).ToBeVisibleAsync();
        await AddContactAsync(2, "Sam Senior", ContactRole.Primary, "+49 30 7654321", "sam@example.com", "On call this week");
        await AddContactAsync(3, "Vendor support", ContactRole.Emergency, "+1 800 555 0100", "support@vendor.example.com", "24/7, contract OMD-4711");
        await Expect(page.Locator("[data-testid=contact-row][data-contact='Vendor support']")).ToBeVisibleAsync();
        await FullPageShotAsync(page, "contacts.png");

        await page.Locator(".mud-drawer").GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();
        var card = page.GetByTestId("on-call-card");
        var ada = card.Locator("[data-testid=on-call-level][data-level='1'] [data-testid=contact-line][data-role=Primary]");
        await Expect(ada).ToHaveAttributeAsync("data-contact", "Ada Admin <on call>");
        await Expect(ada.GetByTestId("contact-tel")).ToHaveAttributeAsync("href", "tel:+49301234567");
        await Expect(ada.GetByTestId("contact-mail")).ToHaveAttributeAsync("href", "mailto:ada@example.com");
        await Expect(card.Locator("[data-level='2']")).ToContainTextAsync("Sam Senior");
        await card.ScreenshotAsync(new() { Path = Shot("on-call-card.png") });
        await FullPageShotAsync(page, "dashboard-on-call.png");
    }

    [Fact]
    public async Task Incident_SystemOutageWalkedThroughItsRunbook_ResolvedAndInTheHistoryWithItsDuration()
    {
        await AddContactAsync(1, "Ada Admin", ContactRole.Primary, "+49 30 1234567", "ada@example.com", "Weekdays 08:00–18:00");
        await AddContactAsync(1, "Ben Backup", ContactRole.Secondary, "+49 30 1234568", "ben@example.com", "");
        await AddContactAsync(2, "Sam Senior", ContactRole.Primary, "+49 30 7654321", "sam@example.com", "On call this week");
        var page = await OpenAsync("/incidents");
        await Expect(page.GetByTestId("incidents-table")).ToContainTextAsync("No incidents yet.");

        await page.GetByTestId("new-incident").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Title").FillAsync("Distribution to node-14 fails: remote unavailable");
        await dialog.GetByLabel("Description (optional)").FillAsync("git_push failing since 02:10 <script>alert(1)</script>");
        await dialog.GetByTestId("open-incident").ClickAsync();

        await Expect(page).ToHaveURLAsync(IncidentUrl());
        var header = page.GetByTestId("incident-header");
        await Expect(header).ToHaveAttributeAsync("data-state", "Open");
        await Expect(page.GetByTestId("incident-description")).ToHaveTextAsync("git_push failing since 02:10 <script>alert(1)</script>");
        await Expect(page.GetByTestId("incident-facts")).ToContainTextAsync(OperatorZone);
        await Expect(page.GetByTestId("escalation").GetByTestId("escalation-contact").First).ToContainTextAsync("Ada Admin");

        await TickAsync(page, "assess", "All nodes affected; git remote down");
        await TickAsync(page, "isolate", "Paused the distribution schedule");
        await Expect(Step(page, "restore").GetByTestId("step-open-page")).ToHaveAttributeAsync("href", "/backups");
        await TickAsync(page, "restore", "No restore needed: origin came back after the provider's fix");

        // Verify runs the real health check on the demo target and links the run to the step.
        await Step(page, "verify").GetByTestId("step-run-task").ClickAsync();
        var run = Step(page, "verify").GetByTestId("step-run");
        await Expect(run).ToHaveCountAsync(1);
        await Expect(run.GetByTestId("run-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 60_000 });
        await Expect(run).ToContainTextAsync("All 12 checks healthy.");
        var runId = await run.GetAttributeAsync("data-run");
        await Expect(run.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", $"/runs/{runId}");
        await Expect(page.Locator("[data-testid=event][data-kind=RunFinished]")).ToContainTextAsync($"Run #{runId} of “System health check” succeeded");
        await TickAsync(page, "verify", null);

        // Document before Communicate: allowed, and shown.
        await Step(page, "document").GetByTestId("step-toggle").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog).GetByTestId("note-warning")).ToContainTextAsync("Out of order: “Communicate” is not done yet.");
        await page.GetByRole(AriaRole.Dialog).GetByTestId("note-confirm").ClickAsync();
        await Expect(Step(page, "document").GetByTestId("out-of-order")).ToBeVisibleAsync();
        await TickAsync(page, "communicate", "Told the release managers in #ops");
        await Expect(page.GetByTestId("steps-done")).ToHaveTextAsync("6 of 6 steps done");
        await FullPageShotAsync(page, "incident-open.png");

        await page.GetByTestId("escalate").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByTestId("note-input").FillAsync("Root cause needs a senior look");
        await page.GetByRole(AriaRole.Dialog).GetByTestId("note-confirm").ClickAsync();
        await Expect(header).ToHaveAttributeAsync("data-level", "2");
        await Expect(page.GetByTestId("escalation").GetByTestId("escalation-contact")).ToContainTextAsync("Sam Senior");
        await Expect(page.Locator("[data-testid=event][data-kind=Escalated]")).ToContainTextAsync("To call: Sam Senior (primary).");

        // Resolving without a root cause is refused and keeps the resolution typed.
        await page.GetByTestId("resolution").FillAsync("origin reachable again; re-ran the distribution");
        await page.GetByTestId("resolve").ClickAsync();
        await Expect(page.GetByTestId("resolve-error")).ToContainTextAsync("both the resolution and the root cause are needed");
        await Expect(page.GetByTestId("resolution-card")).ToContainTextAsync("Root cause is required.");
        await Expect(header).ToHaveAttributeAsync("data-state", "Open");
        await page.GetByTestId("root-cause").FillAsync("The git provider's outage; no retry with backoff in git_ops.sh");
        await page.GetByTestId("resolve").ClickAsync();

        await Expect(header).ToHaveAttributeAsync("data-state", "Resolved");
        await Expect(page.GetByTestId("resolution-text")).ToHaveTextAsync("origin reachable again; re-ran the distribution");
        await Expect(page.GetByTestId("incident-duration")).ToContainTextAsync("time to resolve");
        var duration = (await page.GetByTestId("incident-duration").InnerTextAsync()).Replace("time to resolve ", "", StringComparison.Ordinal);
        Assert.Matches(DurationPattern(), duration);
        await Expect(page.Locator("[data-testid=event]").Last).ToHaveAttributeAsync("data-kind", "Resolved");
        await FullPageShotAsync(page, "incident.png");

        var incidentId = IncidentUrl().Match(page.Url).Groups[1].Value;
        await page.Locator(".mud-drawer").GetByRole(AriaRole.Link, new() { Name = "Incidents" }).ClickAsync();
        var row = page.Locator("tr", new() { Has = page.Locator($"[data-testid=incident-row][data-id='{incidentId}']") });
        await Expect(row).ToContainTextAsync("Distribution to node-14 fails");
        await Expect(row.GetByTestId("incident-duration")).ToHaveTextAsync(duration);
        await Expect(row.GetByTestId("severity")).ToHaveAttributeAsync("data-severity", "Sev2");
        var month = DateTimeOffset.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        await Expect(page.Locator($"[data-testid=month][data-month='{month}']")).ToContainTextAsync(duration);
        await FullPageShotAsync(page, "incidents.png");

        // The filters live in the URL.
        await page.GotoAsync("/incidents?type=SystemOutage&severity=Sev2&status=resolved");
        await Expect(row).ToBeVisibleAsync();
        await page.GotoAsync("/incidents?type=DataCorruption");
        await Expect(page.GetByTestId("incidents-table")).ToContainTextAsync("No incidents match these filters.");
    }

    [Fact]
    public async Task Dashboard_FailingCheck_OpensAnIncidentFilledInFromTheCheck()
    {
        var script = Path.Combine(_browser.App.DataDirectory, "demo", "target", "scripts", "distribute-orchestration-files.sh");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var page = await OpenAsync("/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run checks now" }).ClickAsync();
        var chip = page.Locator("[data-check=main-script]");
        await Expect(chip).ToHaveAttributeAsync("data-status", "Unhealthy", new() { Timeout = 30_000 });

        await chip.ClickAsync();
        await page.GetByTestId("open-incident-from-check").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByLabel("Title")).ToHaveValueAsync(new Regex("^Main script: .*not executable", RegexOptions.IgnoreCase));
        await Expect(dialog.GetByLabel("Description (optional)")).ToHaveValueAsync(new Regex("What to do: ", RegexOptions.None));
        await page.ScreenshotAsync(new() { Path = Shot("incident-from-check.png") });
        await dialog.GetByTestId("open-incident").ClickAsync();

        await Expect(page).ToHaveURLAsync(IncidentUrl());
        await Expect(page.Locator("[data-testid=event][data-kind=Opened]")).ToContainTextAsync("from the failing health check “main-script”");
        await page.GoBackAsync();
        await Expect(page.GetByTestId("on-call-card").GetByTestId("open-incidents")).ToContainTextAsync("1 open incident:");
    }

    /// <summary>From the top, without the snackbars of earlier steps: the fixed app bar would otherwise sit mid-page.</summary>
    private static async Task FullPageShotAsync(IPage page, string name)
    {
        // A style of our own in <head>: Blazor's DOM stays as Blazor left it.
        await page.EvaluateAsync("() => { const s = document.createElement('style'); s.id = 'shot'; s.textContent = '.mud-snackbar { visibility: hidden; }'; document.head.appendChild(s); window.scrollTo(0, 0); }");
        await page.ScreenshotAsync(new() { Path = Shot(name), FullPage = true });
        await page.EvaluateAsync("() => document.getElementById('shot').remove()");
    }

    private static ILocator Step(IPage page, string key) => page.Locator($"[data-testid=step][data-step={key}]");

    private static async Task TickAsync(IPage page, string step, string? note)
    {
        await Step(page, step).GetByTestId("step-toggle").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        if (note is not null)
        {
            await dialog.GetByTestId("note-input").FillAsync(note);
        }

        await dialog.GetByTestId("note-confirm").ClickAsync();
        await Expect(Step(page, step)).ToHaveAttributeAsync("data-done", "true");
        await Expect(dialog).ToHaveCountAsync(0);
    }

    [GeneratedRegex(@"/incidents/(\d+)$")]
    private static partial Regex IncidentUrl();

    [GeneratedRegex(@"^\d+ (s|min)$")]
    private static partial Regex DurationPattern();
}
