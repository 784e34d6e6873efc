using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Records.Contacts;
using OrchestrationMaint.Core.Tests.Scheduling;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Records;

/// <summary>The escalation contacts on a real SQLite file: validation, the primary-contact rule and optimistic concurrency.</summary>
public sealed class ContactBookTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new("om-contacts");
    private readonly ManualClock _clock = new(T0);
    private TestDatabase _database = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>An Operator account by that name (the services check the role of whoever acts).</summary>
    private Actor As(string name) => _database.Operator(name);

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.MigratedAsync(_temp.Combine("maint.db"));
        await _database.AddOperatorsAsync((string[])["alice", "bob", "carol", "dave"]);
    }

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A second book on the same file: another operator, as far as the database can tell.</summary>
    private ContactBook NewBook() => new(_database, _database.Guard, _clock, NullLogger<ContactBook>.Instance);

    private static ContactDraft Draft(string name, int level = 1, ContactRole role = ContactRole.Primary, bool active = true) =>
        new(level, name, role, "+49 30 1234567", $"{name.ToLowerInvariant().Replace(' ', '.')}@example.com", "weekdays 8-18", active);

    private async Task<EscalationContact> AddAsync(ContactDraft draft, string by = "alice")
    {
        var result = await NewBook().SaveAsync(null, 0, draft, As(by), Token);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Message)));
        return result.Contact!;
    }

    [Fact]
    public async Task Version_TwoDbContextsUpdateTheSameRow_SecondSaveIsRejectedBySqlite()
    {
        var stored = await AddAsync(Draft("Ada Admin"));
        await using var first = _database.CreateDbContext();
        await using var second = _database.CreateDbContext();
        var mine = await first.Contacts.SingleAsync(c => c.Id == stored.Id, Token);
        var theirs = await second.Contacts.SingleAsync(c => c.Id == stored.Id, Token);

        theirs.Phone = "+1 555 0100";
        theirs.Version++;
        await second.SaveChangesAsync(Token);
        mine.Phone = "+1 555 0199";
        mine.Version++;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => first.SaveChangesAsync(Token));
        await using var check = _database.CreateDbContext();
        Assert.Equal("+1 555 0100", (await check.Contacts.SingleAsync(c => c.Id == stored.Id, Token)).Phone);
    }

    [Fact]
    public async Task SaveAsync_TwoOperatorsEditTheSameContact_SecondGetsConflictNamingTheFirstAndNothingIsOverwritten()
    {
        var stored = await AddAsync(Draft("Ada Admin"));
        _clock.Now = T0.AddMinutes(5);

        var bob = await NewBook().SaveAsync(stored.Id, stored.Version, Draft("Ada Admin") with { Phone = "+1 555 0100" }, As("bob"), Token);
        var carol = await NewBook().SaveAsync(stored.Id, stored.Version, Draft("Ada Admin") with { Phone = "+1 555 0199" }, As("carol"), Token);

        Assert.True(bob.Succeeded);
        Assert.Equal(stored.Version + 1, bob.Contact!.Version);
        Assert.False(carol.Succeeded);
        Assert.Equal(new ContactConflict("bob", T0.AddMinutes(5), Deleted: false), carol.Conflict);
        Assert.Equal("bob changed this contact at 03:05; reload to see their version. Your changes were not saved and are still in the form.",
            carol.Conflict!.Describe(t => t.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)));
        var now = await NewBook().GetAsync(stored.Id, Token);
        Assert.Equal("+1 555 0100", now!.Phone);

        // Reloading gives carol bob's version; saving on top of it works.
        var retry = await NewBook().SaveAsync(stored.Id, now.Version, ContactDraft.From(now) with { Phone = "+1 555 0199" }, As("carol"), Token);
        Assert.True(retry.Succeeded);
    }

    [Fact]
    public async Task SaveAsync_ContactDeletedMeanwhile_ConflictSaysWhoDeletedItAndWhen()
    {
        await AddAsync(Draft("Ada Admin"));
        var bea = await AddAsync(Draft("Bea Backup", role: ContactRole.Secondary));
        _clock.Now = T0.AddMinutes(7);

        var deleted = await NewBook().DeleteAsync(bea.Id, bea.Version, As("bob"), Token);
        var edit = await NewBook().SaveAsync(bea.Id, bea.Version, Draft("Bea Backup", role: ContactRole.Secondary) with { Email = "bea@example.org" }, As("carol"), Token);

        Assert.True(deleted.Succeeded);
        Assert.Equal(new ContactConflict("bob", T0.AddMinutes(7), Deleted: true), edit.Conflict);
        Assert.StartsWith("bob deleted this contact at", edit.Conflict!.Describe(t => t.ToString("O")), StringComparison.Ordinal);
        Assert.DoesNotContain(await NewBook().ListAsync(Token), c => c.Id == bea.Id);
        // Deleting it again is the same conflict, not an error page.
        Assert.True((await NewBook().DeleteAsync(bea.Id, bea.Version, As("carol"), Token)).Conflict is { Deleted: true });
    }

    [Fact]
    public async Task DeleteAsync_ContactChangedSinceLoaded_ConflictAndKept()
    {
        await AddAsync(Draft("Ada Admin"));
        var bea = await AddAsync(Draft("Bea Backup", role: ContactRole.Secondary));
        Assert.True((await NewBook().SaveAsync(bea.Id, bea.Version, Draft("Bea Backup", role: ContactRole.Secondary) with { Availability = "nights" }, As("bob"), Token)).Succeeded);

        var delete = await NewBook().DeleteAsync(bea.Id, bea.Version, As("carol"), Token);

        Assert.Equal("bob", delete.Conflict?.By);
        Assert.False(delete.Conflict!.Deleted);
        Assert.Contains(await NewBook().ListAsync(Token), c => c.Id == bea.Id);
    }

    [Fact]
    public async Task SaveAsync_FirstContactIsNotAPrimary_RefusedWithReason()
    {
        var result = await NewBook().SaveAsync(null, 0, Draft("Sam Second", role: ContactRole.Secondary), As("alice"), Token);

        var error = Assert.Single(result.Errors);
        Assert.Equal(nameof(ContactDraft.Role), error.Field);
        Assert.Contains("the first contact must be an active primary", error.Message, StringComparison.Ordinal);
        Assert.Empty(await NewBook().ListAsync(Token));
    }

    [Theory]
    [InlineData("deactivate", nameof(ContactDraft.Active))]
    [InlineData("demote", nameof(ContactDraft.Role))]
    public async Task SaveAsync_LastActivePrimaryDeactivatedOrDemoted_RefusedAndUnchanged(string change, string field)
    {
        var ada = await AddAsync(Draft("Ada Admin"));
        await AddAsync(Draft("Bea Backup", role: ContactRole.Secondary));
        var draft = change == "deactivate" ? Draft("Ada Admin", active: false) : Draft("Ada Admin", role: ContactRole.Secondary);

        var result = await NewBook().SaveAsync(ada.Id, ada.Version, draft, As("bob"), Token);

        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        Assert.StartsWith("Ada Admin is the last active primary contact", error.Message, StringComparison.Ordinal);
        var stored = await NewBook().GetAsync(ada.Id, Token);
        Assert.True(stored!.IsActivePrimary);
        Assert.Equal(ada.Version, stored.Version);
    }

    [Fact]
    public async Task DeleteAsync_LastActivePrimary_RefusedEvenAsTheOnlyContact()
    {
        var ada = await AddAsync(Draft("Ada Admin"));

        var result = await NewBook().DeleteAsync(ada.Id, ada.Version, As("bob"), Token);

        Assert.Contains("then delete this one", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
        Assert.Single(await NewBook().ListAsync(Token));
    }

    [Fact]
    public async Task DeleteAsync_PrimaryWithAnotherActivePrimary_Allowed()
    {
        var ada = await AddAsync(Draft("Ada Admin"));
        await AddAsync(Draft("Paul Primary", level: 2));

        Assert.True((await NewBook().DeleteAsync(ada.Id, ada.Version, As("bob"), Token)).Succeeded);
    }

    [Fact]
    public async Task SaveAsync_TwoOperatorsDemoteTheLastTwoPrimariesAtOnce_ExactlyOneSucceeds()
    {
        var ada = await AddAsync(Draft("Ada Admin"));
        var paul = await AddAsync(Draft("Paul Primary", level: 2));

        for (var round = 0; round < 5; round++)
        {
            var results = await Task.WhenAll(
                Task.Run(() => NewBook().SaveAsync(ada.Id, ada.Version, Draft("Ada Admin", role: ContactRole.Secondary), As("bob"), Token), Token),
                Task.Run(() => NewBook().SaveAsync(paul.Id, paul.Version, Draft("Paul Primary", level: 2, role: ContactRole.Emergency), As("carol"), Token), Token));

            Assert.Equal(1, results.Count(r => r.Succeeded));
            Assert.Single(await NewBook().ListAsync(Token), c => c.IsActivePrimary);
            // Back to two primaries for the next round.
            var demoted = (await NewBook().ListAsync(Token)).Single(c => !c.IsActivePrimary);
            Assert.True((await NewBook().SaveAsync(demoted.Id, demoted.Version, ContactDraft.From(demoted) with { Role = ContactRole.Primary }, As("dave"), Token)).Succeeded);
            ada = (await NewBook().GetAsync(ada.Id, Token))!;
            paul = (await NewBook().GetAsync(paul.Id, Token))!;
        }
    }

    [Fact]
    public async Task ListAsync_MixedLevelsAndRoles_SortedByLevelThenPrimarySecondaryEmergencyWithoutDeletedOrInactiveOnCall()
    {
        await AddAsync(Draft("Zed Primary", level: 1));
        await AddAsync(Draft("Eve Emergency", level: 1, role: ContactRole.Emergency));
        await AddAsync(Draft("Amy Secondary", level: 1, role: ContactRole.Secondary));
        await AddAsync(Draft("Ann Primary", level: 1));
        await AddAsync(Draft("Sid Architect", level: 3));
        var gone = await AddAsync(Draft("Gus Gone", level: 2, role: ContactRole.Secondary));
        await AddAsync(Draft("Ivy Inactive", level: 1, role: ContactRole.Secondary, active: false));
        await NewBook().DeleteAsync(gone.Id, gone.Version, As("bob"), Token);

        var all = await NewBook().ListAsync(Token);
        var levelOne = await NewBook().AtLevelAsync(1, Token);

        Assert.Equal(["Ann Primary", "Zed Primary", "Amy Secondary", "Ivy Inactive", "Eve Emergency", "Sid Architect"], all.Select(c => c.Name));
        Assert.Equal(["Ann Primary", "Zed Primary", "Amy Secondary", "Eve Emergency"], levelOne.Select(c => c.Name));
        Assert.Empty(await NewBook().AtLevelAsync(2, Token));
    }

    [Fact]
    public async Task SaveAsync_ScriptAndHtmlInFreeText_StoredVerbatimForInertRendering()
    {
        const string script = "<script>alert('x')</script><b>bold</b>";

        var result = await NewBook().SaveAsync(null, 0, Draft("Ada Admin") with { Availability = script }, As("alice"), Token);

        Assert.Equal(script, (await NewBook().GetAsync(result.Contact!.Id, Token))!.Availability);
    }

    [Theory]
    [InlineData("+49 30 1234567")]
    [InlineData("+1 (555) 010-0199")]
    [InlineData("030/123.456")]
    [InlineData("4711")]
    [InlineData("+441234567890123")]
    public void PhoneProblem_PlausibleNumbers_Accepted(string phone) => Assert.Null(ContactRules.PhoneProblem(phone));

    [Theory]
    [InlineData("call me", "'c' is not allowed")]
    [InlineData("+49 30 123 ext. 5", "'e' is not allowed")]
    [InlineData("49+301234567", "a + may only start the number")]
    [InlineData("12", "has 2 digit(s)")]
    [InlineData("+1234567890123456", "has 16 digit(s)")]
    [InlineData("<script>1</script>", "'<' is not allowed")]
    public void PhoneProblem_Implausible_ExplainsWhy(string phone, string expected) =>
        Assert.Contains(expected, ContactRules.PhoneProblem(phone), StringComparison.Ordinal);

    [Theory]
    [InlineData("ops@example.com")]
    [InlineData("first.last+oncall@sub.example.co.uk")]
    public void EmailProblem_Addresses_Accepted(string email) => Assert.Null(ContactRules.EmailProblem(email));

    [Theory]
    [InlineData("not-an-address", "is not an email address")]
    [InlineData("Ops Team <ops@example.com>", "is not an email address")]
    [InlineData("ops@example", "has no complete domain")]
    [InlineData("ops @example.com", "is not an email address")]
    [InlineData("a@b@example.com", "is not an email address")]
    public void EmailProblem_NotAnAddress_ExplainsWhy(string email, string expected) =>
        Assert.Contains(expected, ContactRules.EmailProblem(email), StringComparison.Ordinal);

    [Fact]
    public void Validate_EmptyAndOverlongFields_OneClearMessagePerField()
    {
        var errors = ContactRules.Validate(new ContactDraft(4, "   ", ContactRole.Primary, "", "", new string('x', 501), true));

        Assert.Equal(
        [
            new("Level", "The level must be 1, 2 or 3 (it is 4)."),
            new("Name", "Name is required."),
            new("Availability", "Availability is 501 characters long; the limit is 500."),
            new("Phone", "Give a phone number or an email address (or both)."),
        ], errors);
        Assert.Equal("Name must be a single line (no line breaks or tabs).", Assert.Single(ContactRules.Validate(Draft("Ada\nAdmin") with { Email = "ada@example.com" })).Message);
    }

    [Fact]
    public void TelUri_FormattedNumber_DialsDigitsAndPlus() => Assert.Equal("tel:+15550100199", ContactRules.TelUri("+1 (555) 010-0199"));
}
