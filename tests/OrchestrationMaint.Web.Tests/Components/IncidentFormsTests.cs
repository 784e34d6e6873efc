using Bunit;
using OrchestrationMaint.Core.Records.Contacts;
using OrchestrationMaint.Core.Records.Incidents;
using OrchestrationMaint.Web.Components.Incidents;
using OrchestrationMaint.Web.Components.Pages;
using static OrchestrationMaint.Web.Tests.Components.RecordsComponentContext;

namespace OrchestrationMaint.Web.Tests.Components;

/// <summary>The incident forms' validation and the incident page's rendering, against the real IncidentService on a SQLite file.</summary>
public sealed class IncidentFormsTests : IAsyncLifetime
{
    private RecordsComponentContext _context = null!;

    private static CancellationToken Token => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _context = await CreateAsync();

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    private async Task<Incident> OpenAsync(string title = "Distribution down")
    {
        var result = await _context.Incidents.OpenAsync(new IncidentDraft(IncidentType.SystemOutage, IncidentSeverity.Sev1, title, ""), _context.As("alice"), Token);
        Assert.True(result.Succeeded);
        return result.Incident!;
    }

    private async Task<int> IncidentCountAsync() => (await _context.Incidents.ListAsync(new IncidentFilter(), IncidentSort.Opened, true, 0, 100, Token)).Total;

    [Fact]
    public async Task OpenIncidentForm_NoTitle_RefusedWithTheReasonAndNothingOpened()
    {
        Incident? opened = null;
        var form = _context.Bunit.Render<OpenIncidentForm>(p => p.Add(f => f.OnOpened, i => opened = i));

        Field(form, "incident-description").Change("node-14 gets nothing since 02:00");
        await form.Find("[data-testid=open-incident]").ClickAsync(new());

        Assert.Equal("Title is required.", ErrorText(form, "incident-title"));
        Assert.Equal("Nothing was opened yet: fix the field marked in red.", form.Find("[data-testid=incident-form-error]").TextContent.Trim());
        Assert.Equal("node-14 gets nothing since 02:00", Field(form, "incident-description").TextContent);
        Assert.Null(opened);
        Assert.Equal(0, await IncidentCountAsync());
    }

    [Fact]
    public async Task OpenIncidentForm_OverlongTitle_SaysTheLimitAndKeepsTheText()
    {
        var form = _context.Bunit.Render<OpenIncidentForm>();
        var title = new string('x', 230);

        Field(form, "incident-title").Change(title);

        Assert.Equal("Title is 230 characters long; the limit is 200.", ErrorText(form, "incident-title"));
        await form.Find("[data-testid=open-incident]").ClickAsync(new());
        Assert.Equal(title, Field(form, "incident-title").GetAttribute("value"));
        Assert.Equal(0, await IncidentCountAsync());
    }

    [Fact]
    public async Task OpenIncidentForm_PrefilledFromACheckWithAnOpenIncident_PointsAtItAndOpensWithTheCheck()
    {
        var earlier = (await _context.Incidents.OpenAsync(new IncidentDraft(IncidentType.General, IncidentSeverity.Sev3, "Git: remote unreachable", "", "git"), _context.As("alice"), Token)).Incident!;
        Incident? opened = null;
        var form = _context.Bunit.Render<OpenIncidentForm>(p => p
            .Add(f => f.Prefill, new IncidentDraft(IncidentType.SystemOutage, IncidentSeverity.Sev2, "Git: origin does not answer", "git ls-remote timed out", "git"))
            .Add(f => f.OnOpened, i => opened = i));

        form.WaitForAssertion(() => Assert.Contains($"#{earlier.Id} Git: remote unreachable", form.Find("[data-testid=already-open]").TextContent, StringComparison.Ordinal));
        Assert.Equal("Git: origin does not answer", Field(form, "incident-title").GetAttribute("value"));
        await form.Find("[data-testid=open-incident]").ClickAsync(new());

        form.WaitForAssertion(() => Assert.NotNull(opened));
        var details = (await _context.Incidents.GetAsync(opened!.Id, Token))!;
        Assert.Equal(("git", IncidentSeverity.Sev2, "git ls-remote timed out"), (details.Incident.SourceCheck, details.Incident.Severity, details.Incident.Description));
        Assert.Contains("from the failing health check “git”", details.Events[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveForm_WithoutRootCause_RefusedTheResolutionKeptAndTheIncidentStillOpen()
    {
        var incident = await OpenAsync();
        var resolved = false;
        var form = _context.Bunit.Render<ResolveForm>(p => p.Add(f => f.IncidentId, incident.Id).Add(f => f.OpenSteps, ["Verify"]).Add(f => f.OnResolved, () => resolved = true));

        Field(form, "resolution").Change("Rolled back distribution.json");
        await form.Find("[data-testid=resolve]").ClickAsync(new());

        Assert.Equal("Root cause is required.", ErrorText(form, "root-cause"));
        Assert.Null(ErrorText(form, "resolution"));
        Assert.Equal("Not resolved yet: both the resolution and the root cause are needed.", form.Find("[data-testid=resolve-error]").TextContent.Trim());
        Assert.Contains("Not done yet: Verify.", form.Find("[data-testid=resolve-open-steps]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Rolled back distribution.json", Field(form, "resolution").TextContent);
        Assert.False(resolved);
        Assert.False((await _context.Incidents.GetAsync(incident.Id, Token))!.Incident.IsResolved);

        Field(form, "root-cause").Change("A typo merged without review");
        await form.Find("[data-testid=resolve]").ClickAsync(new());

        form.WaitForAssertion(() => Assert.True(resolved));
        Assert.Equal("A typo merged without review", (await _context.Incidents.GetAsync(incident.Id, Token))!.Incident.RootCause);
    }

    [Fact]
    public async Task IncidentPage_ScriptInTitleNotesAndResolution_RenderedAsInertText()
    {
        _context.AddRunServices();
        var incident = await OpenAsync("<script>alert('title')</script>");
        await _context.Incidents.MarkStepDoneAsync(incident.Id, "isolate", "<b>bold</b> <img src=x onerror=alert(1)>", _context.As("bob"), Token);
        await _context.Incidents.AddNoteAsync(incident.Id, "<iframe src=javascript:alert(2)>", _context.As("bob"), Token);
        await _context.Incidents.ResolveAsync(incident.Id, "<script>alert(3)</script>", "<style>body{display:none}</style>", _context.As("bob"), Token);

        var page = _context.Bunit.Render<IncidentPage>(p => p.Add(x => x.Id, incident.Id));

        page.WaitForAssertion(() => Assert.Equal("Resolved", page.Find("[data-testid=incident-header]").GetAttribute("data-state")));
        Assert.Empty(page.FindAll("script, img, iframe, style, b"));
        Assert.Contains("&lt;script&gt;alert('title')&lt;/script&gt;", page.Markup, StringComparison.Ordinal);
        Assert.Equal("“<b>bold</b> <img src=x onerror=alert(1)>”", page.Find("[data-testid=step-note]").TextContent);
        Assert.Equal("<iframe src=javascript:alert(2)>", page.FindAll("[data-testid=event-note]")[^1].TextContent);
        Assert.Equal("<style>body{display:none}</style>", page.Find("[data-testid=root-cause-text]").TextContent);
        Assert.Equal("true", page.Find("[data-step=isolate]").GetAttribute("data-out-of-order"));
    }

    [Fact]
    public async Task IncidentPage_AtLevelThree_NoEscalateButtonAndTheHighestLevelSaid()
    {
        _context.AddRunServices();
        await _context.Contacts.SaveAsync(null, 0, new ContactDraft(3, "Ext Support", ContactRole.Primary, "", "support@vendor.example.com", "24/7 ticket queue", true), _context.As("alice"), Token);
        var incident = await OpenAsync();
        await _context.Incidents.EscalateAsync(incident.Id, 1, null, _context.As("bob"), Token);
        await _context.Incidents.EscalateAsync(incident.Id, 2, null, _context.As("bob"), Token);

        var page = _context.Bunit.Render<IncidentPage>(p => p.Add(x => x.Id, incident.Id));

        page.WaitForAssertion(() => Assert.Equal("3", page.Find("[data-testid=incident-header]").GetAttribute("data-level")));
        Assert.Empty(page.FindAll("[data-testid=escalate]"));
        Assert.Contains("Level 3 is the highest", page.Find("[data-testid=highest-level]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Ext Support", page.Find("[data-testid=escalation-contact] [data-testid=contact-line]").GetAttribute("data-contact"));
    }
}
