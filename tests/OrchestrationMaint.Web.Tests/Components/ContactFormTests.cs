using Bunit;
using OrchestrationMaint.Core.Records.Contacts;
using OrchestrationMaint.Web.Components.Contacts;
using static OrchestrationMaint.Web.Tests.Components.RecordsComponentContext;

namespace OrchestrationMaint.Web.Tests.Components;

/// <summary>The contact form's validation and conflict handling, against the real ContactBook on a SQLite file.</summary>
public sealed class ContactFormTests : IAsyncLifetime
{
    private RecordsComponentContext _context = null!;

    private static CancellationToken Token => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _context = await CreateAsync();

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    private IRenderedComponent<ContactForm> RenderForm(EscalationContact? existing = null, Action<EscalationContact>? onSaved = null) =>
        _context.Bunit.Render<ContactForm>(parameters => parameters
            .Add(f => f.Existing, existing)
            .Add(f => f.OnSaved, contact => onSaved?.Invoke(contact)));

    private async Task<EscalationContact> AddAsync(string name, ContactRole role = ContactRole.Primary)
    {
        var result = await _context.Contacts.SaveAsync(null, 0, new ContactDraft(1, name, role, "+49 30 1234567", "ada@example.com", "", true), _context.As("alice"), Token);
        Assert.True(result.Succeeded);
        return result.Contact!;
    }

    [Fact]
    public async Task ContactForm_SavedEmpty_EveryProblemShownAndNothingStored()
    {
        var saved = false;
        var form = RenderForm(onSaved: _ => saved = true);

        await form.Find("[data-testid=save-contact]").ClickAsync(new());

        Assert.Equal("Name is required.", ErrorText(form, "contact-name"));
        Assert.Equal("Give a phone number or an email address (or both).", ErrorText(form, "contact-phone"));
        Assert.Equal("Fix the 2 fields marked in red; nothing was saved yet.", form.Find("[data-testid=contact-error]").TextContent.Trim());
        Assert.False(saved);
        Assert.Empty(await _context.Contacts.ListAsync(Token));
    }

    [Fact]
    public void ContactForm_InvalidEmailAndPhoneTyped_EachExplainedAtItsField()
    {
        var form = RenderForm();

        Field(form, "contact-phone").Change("0800-CALL-ME");
        Field(form, "contact-email").Change("ops@example");

        Assert.StartsWith("Phone: 'C' is not allowed.", ErrorText(form, "contact-phone"), StringComparison.Ordinal);
        Assert.Equal("'ops@example' has no complete domain after the @ (like example.com).", ErrorText(form, "contact-email"));
        // The name was not touched yet: no message there until a save is tried.
        Assert.Null(ErrorText(form, "contact-name"));
    }

    [Fact]
    public async Task ContactForm_OverlongName_SaysTheLimitAndKeepsEveryCharacter()
    {
        var form = RenderForm();
        var name = new string('n', 120);

        Field(form, "contact-name").Change(name);
        Field(form, "contact-phone").Change("+49 30 1234567");
        await form.Find("[data-testid=save-contact]").ClickAsync(new());

        Assert.Equal("Name is 120 characters long; the limit is 100.", ErrorText(form, "contact-name"));
        Assert.Equal(name, Field(form, "contact-name").GetAttribute("value"));
        Assert.Empty(await _context.Contacts.ListAsync(Token));
    }

    [Fact]
    public async Task ContactForm_Valid_StoresTheContactAndReportsIt()
    {
        EscalationContact? saved = null;
        var form = RenderForm(onSaved: c => saved = c);

        Field(form, "contact-name").Change("Ada Admin");
        Field(form, "contact-phone").Change("+49 30 1234567");
        Field(form, "contact-email").Change("ada@example.com");
        Field(form, "contact-availability").Change("<script>alert(1)</script> weekdays");
        await form.Find("[data-testid=save-contact]").ClickAsync(new());

        form.WaitForAssertion(() => Assert.NotNull(saved), TimeSpan.FromSeconds(5));
        var stored = Assert.Single(await _context.Contacts.ListAsync(Token));
        Assert.Equal(("Ada Admin", ContactRole.Primary, 1, "<script>alert(1)</script> weekdays"), (stored.Name, stored.Role, stored.Level, stored.Availability));
    }

    [Fact]
    public async Task ContactForm_SomeoneElseSavedFirst_ConflictNamesThemKeepsTheInputAndReloadShowsTheirVersion()
    {
        var ada = await AddAsync("Ada Admin");
        var form = RenderForm(existing: ada);
        Assert.True((await _context.Contacts.SaveAsync(ada.Id, ada.Version, ContactDraft.From(ada) with { Phone = "+1 555 0100" }, _context.As("bob"), Token)).Succeeded);

        Field(form, "contact-phone").Change("+1 555 0199");
        await form.Find("[data-testid=save-contact]").ClickAsync(new());

        form.WaitForAssertion(() => Assert.StartsWith("bob changed this contact at", form.Find("[data-testid=contact-conflict]").TextContent.Trim(), StringComparison.Ordinal));
        Assert.Contains("reload to see their version", form.Find("[data-testid=contact-conflict]").TextContent, StringComparison.Ordinal);
        Assert.Equal("+1 555 0199", Field(form, "contact-phone").GetAttribute("value"));
        Assert.Equal("+1 555 0100", (await _context.Contacts.GetAsync(ada.Id, Token))!.Phone);

        await form.Find("[data-testid=reload-contact]").ClickAsync(new());

        form.WaitForAssertion(() => Assert.Equal("+1 555 0100", Field(form, "contact-phone").GetAttribute("value")));
        Assert.Empty(form.FindAll("[data-testid=contact-conflict]"));
    }

    [Fact]
    public async Task ContactForm_ContactDeletedMeanwhile_SaysWhoDeletedItAndOffersToAddTheInputAsNew()
    {
        await AddAsync("Ada Admin");
        var sam = await AddAsync("Sam Second", ContactRole.Secondary);
        EscalationContact? saved = null;
        var form = RenderForm(existing: sam, onSaved: c => saved = c);
        Assert.True((await _context.Contacts.DeleteAsync(sam.Id, sam.Version, _context.As("bob"), Token)).Succeeded);

        Field(form, "contact-availability").Change("nights only");
        await form.Find("[data-testid=save-contact]").ClickAsync(new());

        form.WaitForAssertion(() => Assert.StartsWith("bob deleted this contact at", form.Find("[data-testid=contact-conflict]").TextContent.Trim(), StringComparison.Ordinal));
        Assert.Equal("nights only", Field(form, "contact-availability").TextContent);

        await form.Find("[data-testid=save-as-new]").ClickAsync(new());

        form.WaitForAssertion(() => Assert.NotNull(saved));
        Assert.NotEqual(sam.Id, saved!.Id);
        Assert.Equal("nights only", (await _context.Contacts.ListAsync(Token)).Single(c => c.Name == "Sam Second").Availability);
    }

    [Fact]
    public async Task ContactForm_LastPrimarySwitchedInactive_RefusedAtTheSwitchAndStillActive()
    {
        var ada = await AddAsync("Ada Admin");
        var form = RenderForm(existing: ada);

        await form.Find("input[data-testid=contact-active]").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = false });
        await form.Find("[data-testid=save-contact]").ClickAsync(new());

        form.WaitForAssertion(() => Assert.Contains("Ada Admin is the last active primary contact", form.Markup, StringComparison.Ordinal));
        Assert.Contains("then deactivate this one", form.Markup, StringComparison.Ordinal);
        Assert.True((await _context.Contacts.GetAsync(ada.Id, Token))!.IsActivePrimary);
    }

    [Fact]
    public async Task OnCallCard_ScriptAndHtmlInContactFields_RenderedAsInertTextWithDialAndMailLinks()
    {
        await _context.Contacts.SaveAsync(null, 0, new ContactDraft(2, "<img src=x onerror=alert(1)>", ContactRole.Primary, "+1 (555) 010-0199", "a+b@example.com", "<script>alert(2)</script>", true), _context.As("alice"), Token);

        var card = _context.Bunit.Render<OnCallCard>();

        card.WaitForAssertion(() => Assert.Single(card.FindAll("[data-testid=contact-line]")));
        Assert.Empty(card.FindAll("img"));
        Assert.Empty(card.FindAll("script"));
        Assert.Contains("&lt;script&gt;alert(2)&lt;/script&gt;", card.Markup, StringComparison.Ordinal);
        Assert.Equal("tel:+15550100199", card.Find("[data-testid=contact-tel]").GetAttribute("href"));
        Assert.Equal("mailto:a%2Bb@example.com", card.Find("[data-testid=contact-mail]").GetAttribute("href"));
        Assert.Equal("2", card.Find("[data-testid=contact-line]").Closest("[data-testid=on-call-level]")!.GetAttribute("data-level"));
    }
}
