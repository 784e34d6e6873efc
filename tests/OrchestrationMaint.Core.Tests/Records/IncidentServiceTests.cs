using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records.Contacts;
using OrchestrationMaint.Core.Records.Incidents;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Core.Tests.Queue;
using OrchestrationMaint.Core.Tests.Scheduling;

namespace OrchestrationMaint.Core.Tests.Records;

/// <summary>Incidents on a real SQLite file with a real task queue: runbooks, step events, escalation, resolution, durations and monthly means.</summary>
public sealed class IncidentServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 10, 8, 0, 0, TimeSpan.Zero);
    private readonly ManualClock _clock = new(T0);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private QueueHarness _queue = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>An Operator account by that name (the services check the role of whoever acts).</summary>
    private Actor As(string name) => _queue.Database.Operator(name);

    public async ValueTask InitializeAsync()
    {
        _queue = await QueueHarness.StartAsync(new ProbeTask("health-check", false, async (context, ct) =>
        {
            context.Log("checking …");
            await _release.Task.WaitAsync(ct);
            return TaskOutcome.Success("All 12 checks healthy.");
        }));
        await _queue.Database.AddOperatorsAsync((string[])["alice", "bob", "carol", "dave"]);
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await _queue.DisposeAsync();
    }

    /// <summary>A service of its own on the same file: another operator's browser, as far as the database can tell.</summary>
    private IncidentService NewService() => new(_queue.Database, new TaskCatalog(_queue.Tasks), _queue.Database.Guard, _clock, NullLogger<IncidentService>.Instance);

    private async Task<Incident> OpenAsync(IncidentType type = IncidentType.SystemOutage, IncidentSeverity severity = IncidentSeverity.Sev2, string title = "Distribution down")
    {
        var result = await NewService().OpenAsync(new IncidentDraft(type, severity, title, "node-14 gets nothing"), As("alice"), Token);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Message)));
        return result.Incident!;
    }

    private async Task<IncidentDetails> GetAsync(long id) => (await NewService().GetAsync(id, Token))!;

    private static void AssertSucceeded(IncidentResult result) => Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Message)));

    [Theory]
    [InlineData(IncidentType.SystemOutage, "assess isolate restore verify communicate document")]
    [InlineData(IncidentType.DataCorruption, "stop backup restore verify resume investigate")]
    [InlineData(IncidentType.General, "assess fix verify document")]
    public async Task OpenAsync_EachType_StepsFollowTheSeedsRunbookAndTheTimelineStarts(IncidentType type, string steps)
    {
        var incident = await OpenAsync(type);

        var details = await GetAsync(incident.Id);
        Assert.Equal(steps.Split(' '), details.Incident.Steps.Select(s => s.Key));
        Assert.All(details.Incident.Steps, s => Assert.False(s.IsDone));
        Assert.Equal(1, details.Incident.EscalationLevel);
        Assert.Equal(T0, details.Incident.OpenedAt);
        var opened = Assert.Single(details.Events);
        Assert.Equal(IncidentEventKind.Opened, opened.Kind);
        Assert.Equal("alice", opened.By);
    }

    [Theory]
    [InlineData("", "Title is required.")]
    [InlineData("   ", "Title is required.")]
    public async Task OpenAsync_NoTitle_RefusedAndNothingStored(string title, string message)
    {
        var result = await NewService().OpenAsync(new IncidentDraft(IncidentType.General, IncidentSeverity.Sev3, title, ""), As("alice"), Token);

        Assert.Equal(new Core.Records.FieldError("Title", message), Assert.Single(result.Errors));
        Assert.Empty((await NewService().ListAsync(new IncidentFilter(), IncidentSort.Opened, true, 0, 10, Token)).Incidents);
    }

    [Fact]
    public async Task OpenAsync_OverlongTitleAndDescription_SaysByHowMuch()
    {
        var result = await NewService().OpenAsync(new IncidentDraft(IncidentType.General, IncidentSeverity.Sev3, new string('t', 201), new string('d', 4001)), As("alice"), Token);

        Assert.Equal(["Title is 201 characters long; the limit is 200.", "Description is 4,001 characters long; the limit is 4,000."], result.Errors.Select(e => e.Message));
    }

    [Fact]
    public async Task MarkStepDoneAsync_OutOfOrder_AllowedFlaggedAndTheTimelineNamesWhatWasSkipped()
    {
        var incident = await OpenAsync();
        _clock.Now = T0.AddMinutes(3);

        AssertSucceeded(await NewService().MarkStepDoneAsync(incident.Id, "restore", "restored config from last night", As("bob"), Token));

        var details = await GetAsync(incident.Id);
        var restore = details.Incident.Steps.Single(s => s.Key == "restore");
        Assert.True(restore.OutOfOrder);
        Assert.Equal(("bob", T0.AddMinutes(3), "restored config from last night"), (restore.DoneBy, restore.DoneAt!.Value, restore.Note));
        var ticked = details.Events[^1];
        Assert.Equal((IncidentEventKind.StepDone, "restore", "bob"), (ticked.Kind, ticked.StepKey, ticked.By));
        Assert.Equal("Marked “Restore” done out of order: “Assess”, “Isolate” not done yet.", ticked.Text);

        // In order afterwards: not flagged.
        AssertSucceeded(await NewService().MarkStepDoneAsync(incident.Id, "assess", null, As("bob"), Token));
        Assert.False((await GetAsync(incident.Id)).Incident.Steps.Single(s => s.Key == "assess").OutOfOrder);
    }

    [Fact]
    public async Task MarkStepDoneAsync_TwoOperatorsTickTheSameStep_OneTickAndTheSecondIsToldWho()
    {
        var incident = await OpenAsync();

        var results = await Task.WhenAll(
            Task.Run(() => NewService().MarkStepDoneAsync(incident.Id, "assess", "scope: all nodes", As("bob"), Token), Token),
            Task.Run(() => NewService().MarkStepDoneAsync(incident.Id, "assess", "scope: node-14", As("carol"), Token), Token));

        var winner = results[0].Succeeded ? "bob" : "carol";
        var loser = Assert.Single(results, r => !r.Succeeded);
        Assert.Equal($"{winner} already marked “Assess” done.", Assert.Single(loser.Errors).Message);
        var details = await GetAsync(incident.Id);
        Assert.Single(details.Events, e => e.Kind == IncidentEventKind.StepDone);
        Assert.Equal(winner, details.Incident.Steps[0].DoneBy);
    }

    [Fact]
    public async Task MarkStepNotDoneAsync_DoneStep_ClearsItAndRecordsWhoUndidItWhy()
    {
        var incident = await OpenAsync();
        AssertSucceeded(await NewService().MarkStepDoneAsync(incident.Id, "isolate", null, As("bob"), Token));

        AssertSucceeded(await NewService().MarkStepNotDoneAsync(incident.Id, "isolate", "schedules still running", As("carol"), Token));
        var again = await NewService().MarkStepNotDoneAsync(incident.Id, "isolate", null, As("carol"), Token);

        var details = await GetAsync(incident.Id);
        var isolate = details.Incident.Steps.Single(s => s.Key == "isolate");
        Assert.False(isolate.IsDone);
        Assert.False(isolate.OutOfOrder);
        var undone = details.Events[^1];
        Assert.Equal((IncidentEventKind.StepUndone, "carol", "schedules still running"), (undone.Kind, undone.By, undone.Note));
        Assert.Equal("Marked “Isolate” not done (it was marked done by bob).", undone.Text);
        Assert.Contains("is not marked done", Assert.Single(again.Errors).Message, StringComparison.Ordinal);
        Assert.Equal("This incident has no step “nope”.", Assert.Single((await NewService().MarkStepDoneAsync(incident.Id, "nope", null, As("bob"), Token)).Errors).Message);
    }

    [Fact]
    public async Task EscalateAsync_UpToLevelThree_NamesTheContactsToCallAndRefusesAFourthTime()
    {
        var contacts = new ContactBook(_queue.Database, _queue.Database.Guard, _clock, NullLogger<ContactBook>.Instance);
        Assert.True((await contacts.SaveAsync(null, 0, new ContactDraft(1, "Ada Admin", ContactRole.Primary, "+49 30 1", "", "", true), As("alice"), Token)).Succeeded);
        Assert.True((await contacts.SaveAsync(null, 0, new ContactDraft(2, "Sam Senior", ContactRole.Secondary, "+49 30 2", "", "", true), As("alice"), Token)).Succeeded);
        Assert.True((await contacts.SaveAsync(null, 0, new ContactDraft(2, "Pia Senior", ContactRole.Primary, "+49 30 3", "", "", true), As("alice"), Token)).Succeeded);
        var incident = await OpenAsync();

        AssertSucceeded(await NewService().EscalateAsync(incident.Id, 1, "needs git expertise", As("bob"), Token));
        AssertSucceeded(await NewService().EscalateAsync(incident.Id, 2, null, As("bob"), Token));
        var fourth = await NewService().EscalateAsync(incident.Id, 3, null, As("bob"), Token);

        Assert.Equal("This incident is already at level 3 (system architect or external support): there is no higher level.", Assert.Single(fourth.Errors).Message);
        var details = await GetAsync(incident.Id);
        Assert.Equal(3, details.Incident.EscalationLevel);
        var escalations = details.Events.Where(e => e.Kind == IncidentEventKind.Escalated).ToList();
        Assert.Equal(
        [
            "Escalated from level 1 to level 2 (senior member). To call: Pia Senior (primary), Sam Senior (secondary).",
            "Escalated from level 2 to level 3 (system architect or external support). No active contact at this level: add one on the Contacts page.",
        ], escalations.Select(e => e.Text));
        Assert.Equal("needs git expertise", escalations[0].Note);
    }

    [Fact]
    public async Task EscalateAsync_TwoOperatorsEscalateFromTheSameLevel_OnlyOneStepUp()
    {
        var incident = await OpenAsync();

        var results = await Task.WhenAll(
            Task.Run(() => NewService().EscalateAsync(incident.Id, 1, null, As("bob"), Token), Token),
            Task.Run(() => NewService().EscalateAsync(incident.Id, 1, null, As("carol"), Token), Token));

        Assert.Single(results, r => r.Succeeded);
        var refusal = Assert.Single(Assert.Single(results, r => !r.Succeeded).Errors).Message;
        Assert.EndsWith("already escalated this incident to level 2; the contacts to call there are shown.", refusal, StringComparison.Ordinal);
        Assert.Equal(2, (await GetAsync(incident.Id)).Incident.EscalationLevel);
    }

    [Theory]
    [InlineData("restarted the distribution", "", "Root cause is required.")]
    [InlineData("", "remote was down", "Resolution (what fixed it) is required.")]
    public async Task ResolveAsync_MissingResolutionOrRootCause_RefusedAndTheIncidentStaysOpen(string resolution, string rootCause, string message)
    {
        var incident = await OpenAsync();

        var result = await NewService().ResolveAsync(incident.Id, resolution, rootCause, As("bob"), Token);

        Assert.Equal(message, Assert.Single(result.Errors).Message);
        var details = await GetAsync(incident.Id);
        Assert.False(details.Incident.IsResolved);
        Assert.Null(details.Incident.DurationTicks);
        Assert.DoesNotContain(details.Events, e => e.Kind == IncidentEventKind.Resolved);
    }

    [Fact]
    public async Task ResolveAsync_Open_StoresBothTextsAndSqliteComputesTheDuration()
    {
        var incident = await OpenAsync();
        _clock.Now = T0.AddMinutes(83).AddSeconds(20);

        AssertSucceeded(await NewService().ResolveAsync(incident.Id, " Rolled back config.\nVerified. ", "<b>typo</b> in distribution.json", As("bob"), Token));

        var resolved = (await GetAsync(incident.Id)).Incident;
        Assert.Equal(TimeSpan.FromMinutes(83).Add(TimeSpan.FromSeconds(20)).Ticks, resolved.DurationTicks);
        Assert.Equal("2026-01", resolved.ResolvedMonth);
        Assert.Equal(("Rolled back config.\nVerified.", "<b>typo</b> in distribution.json", "bob"), (resolved.Resolution, resolved.RootCause, resolved.ResolvedBy));
        var last = (await GetAsync(incident.Id)).Events[^1];
        Assert.Equal("Resolved after 1 h 23 min. Not done: “Assess”, “Isolate”, “Restore”, “Verify”, “Communicate”, “Document”.", last.Text);
    }

    [Fact]
    public async Task ResolvedIncident_StepsAndEscalationRefused_NotesStillAccepted()
    {
        var incident = await OpenAsync();
        AssertSucceeded(await NewService().ResolveAsync(incident.Id, "fixed", "cause", As("bob"), Token));

        var tick = await NewService().MarkStepDoneAsync(incident.Id, "assess", null, As("carol"), Token);
        var escalate = await NewService().EscalateAsync(incident.Id, 1, null, As("carol"), Token);
        var resolveAgain = await NewService().ResolveAsync(incident.Id, "again", "again", As("carol"), Token);
        var note = await NewService().AddNoteAsync(incident.Id, "post-mortem on Monday", As("carol"), Token);

        Assert.All([tick, escalate, resolveAgain], r => Assert.Equal("bob resolved this incident, so it no longer changes; you can still add a note.", Assert.Single(r.Errors).Message));
        AssertSucceeded(note);
        Assert.Equal("Note is required.", Assert.Single((await NewService().AddNoteAsync(incident.Id, "  ", As("carol"), Token)).Errors).Message);
        Assert.Equal("post-mortem on Monday", (await GetAsync(incident.Id)).Events[^1].Note);
    }

    [Fact]
    public async Task Timeline_AWholeIncident_EveryChangeAppendedInOrderWithWhoAndWhen()
    {
        var incident = await OpenAsync();
        var service = NewService();
        _clock.Now = T0.AddMinutes(1);
        AssertSucceeded(await service.MarkStepDoneAsync(incident.Id, "assess", "all nodes", As("bob"), Token));
        _clock.Now = T0.AddMinutes(2);
        AssertSucceeded(await service.ChangeSeverityAsync(incident.Id, IncidentSeverity.Sev1, As("bob"), Token));
        AssertSucceeded(await service.ChangeSeverityAsync(incident.Id, IncidentSeverity.Sev1, As("bob"), Token));
        _clock.Now = T0.AddMinutes(3);
        AssertSucceeded(await service.AddNoteAsync(incident.Id, "<script>alert(1)</script>", As("carol"), Token));
        _clock.Now = T0.AddMinutes(4);
        AssertSucceeded(await service.EscalateAsync(incident.Id, 1, null, As("carol"), Token));
        _clock.Now = T0.AddMinutes(5);
        AssertSucceeded(await service.ResolveAsync(incident.Id, "fixed", "cause", As("carol"), Token));

        var events = (await GetAsync(incident.Id)).Events;
        Assert.Equal(
            [IncidentEventKind.Opened, IncidentEventKind.StepDone, IncidentEventKind.SeverityChanged, IncidentEventKind.NoteAdded, IncidentEventKind.Escalated, IncidentEventKind.Resolved],
            events.Select(e => e.Kind));
        Assert.Equal([.. Enumerable.Range(0, 6).Select(m => T0.AddMinutes(m))], events.Select(e => e.At));
        Assert.Equal(["alice", "bob", "bob", "carol", "carol", "carol"], events.Select(e => e.By));
        Assert.Equal("Severity changed from SEV2 · Major to SEV1 · Critical.", events[2].Text);
        Assert.Equal("<script>alert(1)</script>", events[3].Note);
    }

    [Fact]
    public async Task LinkRunAsync_RunningHealthCheck_LinkedAndItsEndRecordedByTheTracker()
    {
        using var tracker = new IncidentRunTracker(_queue.Queue, NewService(), NullLogger<IncidentRunTracker>.Instance);
        await tracker.StartAsync(Token);
        var incident = await OpenAsync();
        var run = await _queue.EnqueueAsync("health-check", requester: As("bob"));
        await _queue.WaitForStateAsync(run.Id, s => s == RunState.Running);

        AssertSucceeded(await NewService().LinkRunAsync(incident.Id, "verify", run.Id, alreadyActive: false, As("bob"), Token));
        var linked = (await GetAsync(incident.Id)).Events[^1];
        _release.SetResult();
        await _queue.WaitFinishedAsync(run.Id);
        var finished = await WaitForEventAsync(incident.Id, IncidentEventKind.RunFinished);

        Assert.Equal((IncidentEventKind.RunStarted, "verify", run.Id), (linked.Kind, linked.StepKey, linked.RunId));
        Assert.Equal($"Started run #{run.Id} of “health-check” for “Verify”.", linked.Text);
        Assert.Equal(("verify", run.Id, IncidentService.SystemActor), (finished.StepKey, finished.RunId, finished.By));
        Assert.Equal($"Run #{run.Id} of “health-check” succeeded: All 12 checks healthy.", finished.Text);
        Assert.Empty(await NewService().RunsAwaitingFinishAsync(Token));
        await tracker.StopAsync(Token);
    }

    [Fact]
    public async Task LinkRunAsync_RunAlreadyFinished_RecordsItsEndAtOnceAndOnlyOnce()
    {
        var incident = await OpenAsync();
        _release.SetResult();
        var run = await _queue.EnqueueAsync("health-check");
        await _queue.WaitFinishedAsync(run.Id);

        AssertSucceeded(await NewService().LinkRunAsync(incident.Id, "assess", run.Id, alreadyActive: true, As("bob"), Token));
        Assert.Empty(await NewService().RecordRunFinishedAsync(run.Id, Token));

        var events = (await GetAsync(incident.Id)).Events;
        Assert.Equal([IncidentEventKind.Opened, IncidentEventKind.RunStarted, IncidentEventKind.RunFinished], events.Select(e => e.Kind));
        Assert.Contains("it was already succeeded", events[1].Text, StringComparison.Ordinal);
        Assert.Equal("There is no run #999.", Assert.Single((await NewService().LinkRunAsync(incident.Id, "assess", 999, false, As("bob"), Token)).Errors).Message);
    }

    [Fact]
    public async Task RunsAwaitingFinishAsync_LinkedRunEndedWhileNothingListened_CaughtUpAtStart()
    {
        var incident = await OpenAsync();
        var run = await _queue.EnqueueAsync("health-check");
        await _queue.WaitForStateAsync(run.Id, s => s == RunState.Running);
        AssertSucceeded(await NewService().LinkRunAsync(incident.Id, "verify", run.Id, false, As("bob"), Token));
        _release.SetResult();
        await _queue.WaitFinishedAsync(run.Id);
        Assert.Equal([run.Id], await NewService().RunsAwaitingFinishAsync(Token));

        using var tracker = new IncidentRunTracker(_queue.Queue, NewService(), NullLogger<IncidentRunTracker>.Instance);
        await tracker.StartAsync(Token);

        await WaitForEventAsync(incident.Id, IncidentEventKind.RunFinished);
        Assert.Empty(await NewService().RunsAwaitingFinishAsync(Token));
        await tracker.StopAsync(Token);
    }

    /// <summary>
    /// Truth computed by hand: January resolves 10 and 30 minutes (mean 20 min); February resolves
    /// 60 minutes and the incident opened on 31 January 23:50 resolved 1 February 00:20, 30 minutes
    /// (mean 45 min); March resolves 2 h 15 min as SEV1 (the only SEV1); one open incident counts nowhere.
    /// </summary>
    [Fact]
    public async Task MonthlyMeansAsync_IncidentsAcrossMonthBoundaries_MatchHandComputedMeansPerMonthOfResolution()
    {
        await ResolvedAsync(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(10));
        await ResolvedAsync(new DateTimeOffset(2026, 1, 20, 14, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(30));
        await ResolvedAsync(new DateTimeOffset(2026, 2, 3, 2, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(60));
        await ResolvedAsync(new DateTimeOffset(2026, 1, 31, 23, 50, 0, TimeSpan.Zero), TimeSpan.FromMinutes(30));
        await ResolvedAsync(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), new TimeSpan(2, 15, 0), IncidentSeverity.Sev1);
        _clock.Now = new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.Zero);
        await OpenAsync();

        var all = await NewService().MonthlyMeansAsync(new IncidentFilter(), 12, Token);
        var sev1 = await NewService().MonthlyMeansAsync(new IncidentFilter(Severity: IncidentSeverity.Sev1), 12, Token);
        var lastTwo = await NewService().MonthlyMeansAsync(new IncidentFilter(), 2, Token);

        Assert.Equal(
        [
            new MonthlyResolution("2026-03", 1, new TimeSpan(2, 15, 0)),
            new MonthlyResolution("2026-02", 2, TimeSpan.FromMinutes(45)),
            new MonthlyResolution("2026-01", 2, TimeSpan.FromMinutes(20)),
        ], all);
        Assert.Equal([new MonthlyResolution("2026-03", 1, new TimeSpan(2, 15, 0))], sev1);
        Assert.Equal(["2026-03", "2026-02"], lastTwo.Select(m => m.Month));
    }

    [Fact]
    public async Task ListAsync_FilteredSortedAndPaged_InSql()
    {
        var a = await ResolvedAsync(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(10), IncidentSeverity.Sev3);
        var b = await ResolvedAsync(new DateTimeOffset(2026, 1, 6, 9, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(90), IncidentSeverity.Sev1);
        var c = await ResolvedAsync(new DateTimeOffset(2026, 1, 7, 9, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(40), IncidentSeverity.Sev2, IncidentType.DataCorruption);
        _clock.Now = new DateTimeOffset(2026, 1, 8, 9, 0, 0, TimeSpan.Zero);
        var open = await OpenAsync(severity: IncidentSeverity.Sev1);
        var service = NewService();

        async Task<long[]> Ids(IncidentFilter filter, IncidentSort sort, bool descending, int skip = 0, int take = 10) =>
            [.. (await service.ListAsync(filter, sort, descending, skip, take, Token)).Incidents.Select(i => i.Id)];

        Assert.Equal([open.Id, c.Id, b.Id, a.Id], await Ids(new IncidentFilter(), IncidentSort.Opened, descending: true));
        Assert.Equal([b.Id, c.Id, a.Id, open.Id], await Ids(new IncidentFilter(), IncidentSort.Duration, descending: true));
        Assert.Equal([a.Id, c.Id, b.Id, open.Id], await Ids(new IncidentFilter(), IncidentSort.Duration, descending: false));
        Assert.Equal([open.Id, b.Id, c.Id, a.Id], await Ids(new IncidentFilter(), IncidentSort.Severity, descending: false));
        Assert.Equal([c.Id], await Ids(new IncidentFilter(Type: IncidentType.DataCorruption), IncidentSort.Opened, true));
        Assert.Equal([open.Id, b.Id], await Ids(new IncidentFilter(Severity: IncidentSeverity.Sev1), IncidentSort.Opened, true));
        Assert.Equal([open.Id], await Ids(new IncidentFilter(Resolved: false), IncidentSort.Opened, true));
        // [6 Jan 00:00, 8 Jan 00:00): b and c.
        Assert.Equal([c.Id, b.Id], await Ids(new IncidentFilter(From: new DateTimeOffset(2026, 1, 6, 0, 0, 0, TimeSpan.Zero), To: new DateTimeOffset(2026, 1, 8, 0, 0, 0, TimeSpan.Zero)), IncidentSort.Opened, true));
        var page = await service.ListAsync(new IncidentFilter(), IncidentSort.Opened, true, 2, 1, Token);
        Assert.Equal((4, b.Id), (page.Total, Assert.Single(page.Incidents).Id));
        Assert.Equal([open.Id], (await service.OpenIncidentsAsync(5, Token)).Select(i => i.Id));
    }

    private async Task<Incident> ResolvedAsync(DateTimeOffset openedAt, TimeSpan after, IncidentSeverity severity = IncidentSeverity.Sev2, IncidentType type = IncidentType.SystemOutage)
    {
        _clock.Now = openedAt;
        var incident = await OpenAsync(type, severity);
        _clock.Now = openedAt + after;
        AssertSucceeded(await NewService().ResolveAsync(incident.Id, "fixed", "cause", As("bob"), Token));
        return incident;
    }

    private async Task<IncidentEvent> WaitForEventAsync(long incidentId, IncidentEventKind kind)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            if ((await GetAsync(incidentId)).Events.FirstOrDefault(e => e.Kind == kind) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No {kind} event on incident #{incidentId} within 15 s.");
            await Task.Delay(50, Token);
        }
    }
}
