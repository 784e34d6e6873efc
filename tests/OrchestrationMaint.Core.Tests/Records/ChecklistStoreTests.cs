using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records.Checklist;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Core.Tests.Queue;
using OrchestrationMaint.Core.Tests.Scheduling;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Records;

/// <summary>The checklist on a real SQLite file, its periods in Europe/Berlin, on a clock the test moves.</summary>
public sealed class ChecklistStoreTests : IAsyncLifetime
{
    /// <summary>An Operator account by that name (the services check the role of whoever acts).</summary>
    private Actor As(string name) => _database.Operator(name);

    // Sunday 29 November 2026, 10:00 in Berlin: the last day of ISO week 48.
    private static readonly DateTimeOffset SundayMorning = new(2026, 11, 29, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new("om-checklist");
    private readonly ManualClock _clock = new(SundayMorning);
    private TestDatabase _database = null!;
    private ChecklistStore _store = null!;
    private ChecklistQueries _queries = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.MigratedAsync(_temp.Combine("maint.db"));
        var calendar = new ChecklistCalendar(Options.Create(new ChecklistOptions { TimeZone = "Europe/Berlin" }), _clock);
        var catalog = new TaskCatalog([Probe("health-check"), Probe("backup-verify")]);
        _store = new ChecklistStore(_database, catalog, calendar, _database.Guard, NullLogger<ChecklistStore>.Instance);
        _queries = new ChecklistQueries(_database, calendar);
        await _database.AddOperatorsAsync(((string[])["alice", "bob", "carol"]).Concat(Enumerable.Range(0, 10).Select(i => $"operator-{i}")));
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    private static ProbeTask Probe(string key) => new(key, false, (_, _) => Task.FromResult(TaskOutcome.Success("ok")));

    private async Task<ChecklistItem> AddAsync(string title, ChecklistCadence cadence = ChecklistCadence.Daily, string? task = null, bool autoTick = false)
    {
        var result = await _store.SaveItemAsync(null, 0, new ChecklistItemDraft(title, "", cadence, task, autoTick), As("alice"), Token);
        Assert.Empty(result.Errors);
        return result.Item!;
    }

    private async Task<long> AddRunAsync(string task, RunState state, DateTimeOffset finishedAt)
    {
        await using var db = _database.CreateDbContext();
        var run = new TaskRun { TaskKey = task, RequestedBy = "tester", State = state, QueuedAt = finishedAt.AddSeconds(-5), StartedAt = finishedAt.AddSeconds(-4), FinishedAt = finishedAt };
        db.Runs.Add(run);
        await db.SaveChangesAsync(Token);
        return run.Id;
    }

    private async Task<ChecklistRow> RowAsync(long itemId) => (await _queries.BoardAsync(Token)).Rows.Single(r => r.Item.Id == itemId);

    [Fact]
    public async Task Seed_TwiceAfterAnEditAndARetirement_AddsEachBuiltInItemOnceAndKeepsTheChanges()
    {
        Assert.Equal(ChecklistDefaults.All.Count, await _store.SeedDefaultsAsync(Token));
        var board = await _queries.BoardAsync(Token);
        var health = board.Rows.Single(r => r.Item.SeedKey == "verify-system-health").Item;
        var plan = board.Rows.Single(r => r.Item.SeedKey == "plan-upcoming-maintenance").Item;
        Assert.Equal(("health-check", ChecklistCadence.Daily), (health.TaskKey, health.Cadence));
        // backup-verify is registered in this catalogue, access-review is not: a missing task is left out, not fatal.
        Assert.Equal("backup-verify", board.Rows.Single(r => r.Item.SeedKey == "perform-backup-verification").Item.TaskKey);
        Assert.Null(board.Rows.Single(r => r.Item.SeedKey == "access-control-review").Item.TaskKey);

        Assert.Empty((await _store.SaveItemAsync(health.Id, health.Version, new ChecklistItemDraft("Check health (edited)", "", ChecklistCadence.Daily, "health-check", true), As("bob"), Token)).Errors);
        Assert.Null(await _store.RetireAsync(plan.Id, As("bob"), Token));

        Assert.Equal(0, await _store.SeedDefaultsAsync(Token));
        await using var db = _database.CreateDbContext();
        Assert.Equal(ChecklistDefaults.All.Count, await db.ChecklistItems.CountAsync(Token));
        Assert.Equal("Check health (edited)", (await db.ChecklistItems.SingleAsync(i => i.Id == health.Id, Token)).Title);
        Assert.NotNull((await db.ChecklistItems.SingleAsync(i => i.Id == plan.Id, Token)).RetiredAt);
    }

    [Fact]
    public async Task Defaults_CoverTheTenChecklistLinesAndEveryRoutineAndSecurityTask()
    {
        var sources = string.Join("\n", ChecklistDefaults.All.Select(d => d.Source));

        Assert.Equal(10, ChecklistDefaults.All.Count(d => d.Source.StartsWith("Checklist", StringComparison.Ordinal)));
        foreach (var procedure in new[] { "System Health Check", "Log Review", "Disk Space Monitoring", "Performance Analysis", "Configuration Review", "Backup Verification",
                     "System Update", "Performance Optimization", "Documentation Update", "Access Control Review", "Vulnerability Assessment" })
        {
            Assert.Contains(procedure, sources, StringComparison.Ordinal);
        }

        Assert.Equal(ChecklistDefaults.All.Count, ChecklistDefaults.All.Select(d => d.SeedKey).Distinct().Count());
        Assert.All(ChecklistDefaults.All, d => Assert.Empty(_store.Validate(new ChecklistItemDraft(d.Title, d.Guidance, d.Cadence, null, false))));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Tick_TenBrowsersAtOnce_OneTickAndEveryOtherHearsWhoTickedFirst()
    {
        var item = await AddAsync("Verify system health");

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => _store.TickAsync(new TickRequest(item.Id, $"from browser {i}"), As($"operator-{i}"), Token), Token)));

        var winner = Assert.Single(results, r => r.Ticked).Tick!;
        Assert.All(results.Where(r => !r.Ticked), r =>
        {
            Assert.Equal(winner.Id, r.AlreadyTicked!.Id);
            Assert.Equal($"Already ticked by {winner.TickedBy} at 2026-11-29 09:00 UTC.", Assert.Single(r.Errors));
        });
        await using var db = _database.CreateDbContext();
        Assert.Equal(1, await db.ChecklistTicks.CountAsync(Token));
    }

    [Fact]
    public async Task Database_SecondLiveTickForTheSamePeriod_IsRefusedByTheUniqueIndex()
    {
        var item = await AddAsync("Verify system health");
        Assert.True((await _store.TickAsync(new TickRequest(item.Id), As("alice"), Token)).Ticked);

        await using var db = _database.CreateDbContext();
        db.ChecklistTicks.Add(new ChecklistTick { ItemId = item.Id, PeriodKey = "2026-11-29", ItemTitle = "x", TickedBy = "bob", TickedAt = _clock.Now });

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Token));
        Assert.Contains("UNIQUE", error.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tick_SucceededRunAndMaintenanceRecordOfThePeriod_AreStoredAsEvidence()
    {
        var item = await AddAsync("Verify system health", task: "health-check");
        var runId = await AddRunAsync("health-check", RunState.Succeeded, SundayMorning.AddHours(-1));
        long recordId;
        await using (var db = _database.CreateDbContext())
        {
            var record = new MaintenanceRecord { At = SundayMorning.AddMinutes(-30), Task = "manual", Outcome = "succeeded", RequestedBy = "alice" };
            db.MaintenanceRecords.Add(record);
            await db.SaveChangesAsync(Token);
            recordId = record.Id;
        }

        var result = await _store.TickAsync(new TickRequest(item.Id, "  all green  ", runId, recordId), As("alice"), Token);

        Assert.Empty(result.Errors);
        var row = await RowAsync(item.Id);
        Assert.Equal(ChecklistState.Done, row.State);
        Assert.Equal((runId, "health-check", recordId, "all green", "alice", false), (row.Tick!.RunId, row.Tick.RunTaskKey, row.Tick.MaintenanceRecordId, row.Tick.Note, row.Tick.TickedBy, row.Tick.Automatic));
        Assert.Equal(SundayMorning, row.Tick.TickedAt);
    }

    [Fact]
    public async Task Tick_EvidenceThatDoesNotHold_IsRefusedWithAReasonEachAndNothingIsStored()
    {
        var item = await AddAsync("Verify system health", ChecklistCadence.Weekly, "health-check");
        var failed = await AddRunAsync("health-check", RunState.Failed, SundayMorning.AddHours(-1));
        // Week 48 began on Monday 23 November at 00:00 in Berlin (22 November 23:00 UTC).
        var lastWeek = await AddRunAsync("health-check", RunState.Succeeded, new DateTimeOffset(2026, 11, 22, 22, 59, 0, TimeSpan.Zero));
        var running = await AddRunAsync("health-check", RunState.Running, SundayMorning);

        Assert.Equal(["There is no run #999."], (await _store.TickAsync(new TickRequest(item.Id, RunId: 999), As("alice"), Token)).Errors);
        Assert.Equal([$"Run #{failed} (health-check) is failed: only a run that succeeded shows the work was done."], (await _store.TickAsync(new TickRequest(item.Id, RunId: failed), As("alice"), Token)).Errors);
        Assert.Equal([$"Run #{running} (health-check) is running: only a run that succeeded shows the work was done."], (await _store.TickAsync(new TickRequest(item.Id, RunId: running), As("alice"), Token)).Errors);
        Assert.Equal([$"Run #{lastWeek} (health-check) finished before Week 48 · 23–29 Nov 2026 began: link a run from this period."],
            (await _store.TickAsync(new TickRequest(item.Id, RunId: lastWeek), As("alice"), Token)).Errors);
        Assert.Equal(["There is no maintenance record #12345."], (await _store.TickAsync(new TickRequest(item.Id, MaintenanceRecordId: 12345), As("alice"), Token)).Errors);
        Assert.Equal(["The note is 1001 characters long; keep it to 1000."], (await _store.TickAsync(new TickRequest(item.Id, new string('x', 1001)), As("alice"), Token)).Errors);

        await using var db = _database.CreateDbContext();
        Assert.Equal(0, await db.ChecklistTicks.CountAsync(Token));
    }

    [Fact]
    public async Task Tick_RetiredOrMissingItem_IsRefused()
    {
        var item = await AddAsync("Old habit");
        Assert.Null(await _store.RetireAsync(item.Id, As("bob"), Token));

        Assert.Equal(["“Old habit” was retired by bob; a retired item can no longer be ticked."], (await _store.TickAsync(new TickRequest(item.Id), As("alice"), Token)).Errors);
        Assert.Equal(["There is no checklist item #4242."], (await _store.TickAsync(new TickRequest(4242), As("alice"), Token)).Errors);
        Assert.Equal("“Old habit” was already retired by bob.", await _store.RetireAsync(item.Id, As("carol"), Token));
    }

    [Fact]
    public async Task Untick_KeepsTheRowWithWhoAndWhen_AndTheItemCanBeTickedAgain()
    {
        var item = await AddAsync("Verify system health");
        var first = (await _store.TickAsync(new TickRequest(item.Id, "first"), As("alice"), Token)).Tick!;
        _clock.Now = SundayMorning.AddMinutes(5);

        Assert.Null(await _store.UntickAsync(first.Id, As("bob"), Token));
        Assert.Equal(ChecklistState.Open, (await RowAsync(item.Id)).State);
        Assert.Equal("Already unticked by bob at 2026-11-29 09:05 UTC.", await _store.UntickAsync(first.Id, As("carol"), Token));
        Assert.True((await _store.TickAsync(new TickRequest(item.Id, "second"), As("carol"), Token)).Ticked);

        var log = await _queries.TicksAsync(item.Id, 10, Token);
        Assert.Equal(["second", "first"], log.Select(t => t.Note));
        Assert.Equal(("bob", SundayMorning.AddMinutes(5)), (log[1].UntickedBy, log[1].UntickedAt!.Value));
        Assert.True(log[0].IsActive);
    }

    [Fact]
    public async Task Untick_APeriodThatIsOver_IsRefused()
    {
        var item = await AddAsync("Verify system health");
        var tick = (await _store.TickAsync(new TickRequest(item.Id), As("alice"), Token)).Tick!;
        _clock.Now = SundayMorning.AddDays(1);

        Assert.Equal("That period is over: its tick is part of the history and cannot be taken back.", await _store.UntickAsync(tick.Id, As("bob"), Token));
    }

    [Fact]
    public async Task Board_DailyItemSkippedYesterday_IsOverdueUntilTickedToday()
    {
        var item = await AddAsync("Verify system health");
        Assert.Equal(ChecklistState.Open, (await RowAsync(item.Id)).State);

        _clock.Now = SundayMorning.AddDays(1);
        var monday = await RowAsync(item.Id);
        Assert.Equal((ChecklistState.Overdue, true, "2026-11-30"), (monday.State, monday.PreviousMissed, monday.Period.Key));

        await _store.TickAsync(new TickRequest(item.Id), As("alice"), Token);
        Assert.Equal(ChecklistState.Done, (await RowAsync(item.Id)).State);
        _clock.Now = SundayMorning.AddDays(2);
        Assert.Equal(ChecklistState.Open, (await RowAsync(item.Id)).State);
    }

    [Fact]
    public async Task Board_WeeklyItem_TurnsOverdueAtMondayMidnightInBerlin()
    {
        var item = await AddAsync("Perform backup verification", ChecklistCadence.Weekly);

        _clock.Now = new DateTimeOffset(2026, 11, 29, 22, 59, 59, TimeSpan.Zero);
        Assert.Equal(ChecklistState.Open, (await RowAsync(item.Id)).State);
        _clock.Now = new DateTimeOffset(2026, 11, 29, 23, 0, 0, TimeSpan.Zero);
        var row = await RowAsync(item.Id);
        Assert.Equal((ChecklistState.Overdue, "2026-W49"), (row.State, row.Period.Key));
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 23, 0, 0, TimeSpan.Zero), row.DueBy);
    }

    [Fact]
    public async Task Board_SucceededRunOfTheTaskInThePeriod_IsOfferedUntilTheItemIsTicked()
    {
        var item = await AddAsync("Verify system health", task: "health-check");
        await AddRunAsync("health-check", RunState.Succeeded, SundayMorning.AddDays(-1));
        Assert.Null((await RowAsync(item.Id)).SuggestedRun);

        var today = await AddRunAsync("health-check", RunState.Succeeded, SundayMorning.AddHours(-2));
        await AddRunAsync("health-check", RunState.Failed, SundayMorning.AddHours(-1));
        Assert.Equal(today, (await RowAsync(item.Id)).SuggestedRun?.Id);

        await _store.TickAsync(new TickRequest(item.Id, RunId: today), As("alice"), Token);
        Assert.Null((await RowAsync(item.Id)).SuggestedRun);
    }

    [Fact]
    public async Task Board_TicksStoredNewestFirst_LastDoneIsTheNewestTickNotTheNewestRow()
    {
        var item = await AddAsync("Verify system health");
        await using (var db = _database.CreateDbContext())
        {
            foreach (var daysBack in new[] { 2, 5, 9 })
            {
                var at = SundayMorning.AddDays(-daysBack);
                db.ChecklistTicks.Add(new ChecklistTick { ItemId = item.Id, PeriodKey = $"2026-11-{29 - daysBack:00}", ItemTitle = item.Title, TickedBy = $"{daysBack} days back", TickedAt = at, PeriodStart = at });
            }

            await db.SaveChangesAsync(Token);
        }

        Assert.Equal("2 days back", (await RowAsync(item.Id)).LastTick?.TickedBy);
    }

    [Fact]
    public async Task Board_RunOfTheItemsTaskQueued_IsShownUntilItFinishes()
    {
        var item = await AddAsync("Verify system health", task: "health-check");
        var queued = await AddRunAsync("health-check", RunState.Queued, SundayMorning);
        await AddRunAsync("backup-verify", RunState.Running, SundayMorning);

        Assert.Equal(queued, (await RowAsync(item.Id)).ActiveRun?.Id);
        await using (var db = _database.CreateDbContext())
        {
            await db.Runs.Where(r => r.Id == queued).ExecuteUpdateAsync(u => u.SetProperty(r => r.State, RunState.Succeeded), Token);
        }

        var row = await RowAsync(item.Id);
        Assert.Equal((null, queued), (row.ActiveRun?.Id, row.SuggestedRun?.Id));
    }

    [Fact]
    public async Task Save_BadInput_GetsAMessageEachAndNothingIsStored()
    {
        await AddAsync("Verify system health");

        Assert.Equal(["Give the item a name."], (await _store.SaveItemAsync(null, 0, new("   ", "", ChecklistCadence.Daily, null, false), As("alice"), Token)).Errors);
        Assert.Equal(["The name is 201 characters long; keep it to 200."], (await _store.SaveItemAsync(null, 0, new(new string('n', 201), "", ChecklistCadence.Daily, null, false), As("alice"), Token)).Errors);
        Assert.Equal(["The guidance is 1001 characters long; keep it to 1000."], (await _store.SaveItemAsync(null, 0, new("Fine", new string('g', 1001), ChecklistCadence.Daily, null, false), As("alice"), Token)).Errors);
        Assert.Equal(["There is no task 'nope'."], (await _store.SaveItemAsync(null, 0, new("Fine", "", ChecklistCadence.Daily, "nope", false), As("alice"), Token)).Errors);
        Assert.Equal(["Auto-tick needs a task: choose the task whose successful run shows the item is done."], (await _store.SaveItemAsync(null, 0, new("Fine", "", ChecklistCadence.Daily, null, true), As("alice"), Token)).Errors);
        Assert.Equal(["An item named “VERIFY system health” is already on the checklist."], (await _store.SaveItemAsync(null, 0, new("VERIFY system health", "", ChecklistCadence.Daily, null, false), As("alice"), Token)).Errors);

        await using var db = _database.CreateDbContext();
        Assert.Equal(1, await db.ChecklistItems.CountAsync(Token));
    }

    [Fact]
    public async Task Edit_FromAStaleVersion_IsAConflictThatNamesWhoChangedIt()
    {
        var item = await AddAsync("Verify system health");
        Assert.Empty((await _store.SaveItemAsync(item.Id, item.Version, new("Verify health", "", ChecklistCadence.Daily, null, false), As("bob"), Token)).Errors);

        var stale = await _store.SaveItemAsync(item.Id, item.Version, new("Verify the health", "", ChecklistCadence.Daily, null, false), As("carol"), Token);

        Assert.Equal(["bob changed “Verify health” while you were editing it, so your changes were not saved. Close this form and open the item again."], stale.Errors);
        Assert.Equal("Verify health", (await _queries.ItemAsync(item.Id, Token))!.Title);
    }

    [Fact]
    public async Task Edit_RenameAndCadenceChange_DoNotRewritePastTicks()
    {
        var item = await AddAsync("Verify system health");
        await _store.TickAsync(new TickRequest(item.Id), As("alice"), Token);
        _clock.Now = SundayMorning.AddDays(1);

        var edited = await _store.SaveItemAsync(item.Id, item.Version, new("Weekly health review", "", ChecklistCadence.Weekly, null, false), As("bob"), Token);

        Assert.Empty(edited.Errors);
        var tick = Assert.Single(await _queries.TicksAsync(item.Id, 10, Token));
        Assert.Equal(("Verify system health", ChecklistCadence.Daily, "2026-11-29"), (tick.ItemTitle, tick.Cadence, tick.PeriodKey));
        // The new cadence starts now: last week, when the item was daily, is not counted against it.
        var row = await RowAsync(item.Id);
        Assert.Equal((ChecklistState.Open, "2026-W49"), (row.State, row.Period.Key));
    }

    [Fact]
    public async Task History_RetiredItem_StaysWithItsTicksAndIsNotTrackedAfterwards()
    {
        var item = await AddAsync("Verify system health");
        var other = await AddAsync("Review logs");
        await _store.TickAsync(new TickRequest(item.Id), As("alice"), Token);
        _clock.Now = SundayMorning.AddDays(2);
        Assert.Null(await _store.RetireAsync(item.Id, As("bob"), Token));
        _clock.Now = SundayMorning.AddDays(4);

        var grid = await _queries.HistoryAsync(ChecklistCadence.Daily, 7, Token);

        Assert.Equal(["2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"], grid.Periods.Select(p => p.Key));
        Assert.Equal([other.Id, item.Id], grid.Rows.Select(r => r.Item.Id));
        Assert.Equal([ComplianceMark.NotTracked, ComplianceMark.NotTracked, ComplianceMark.Done, ComplianceMark.Missed, ComplianceMark.NotTracked, ComplianceMark.NotTracked, ComplianceMark.NotTracked],
            grid.Rows[1].Cells.Select(c => c.Mark));
        Assert.Equal([ComplianceMark.NotTracked, ComplianceMark.NotTracked, ComplianceMark.Missed, ComplianceMark.Missed, ComplianceMark.Missed, ComplianceMark.Missed, ComplianceMark.Open],
            grid.Rows[0].Cells.Select(c => c.Mark));
        Assert.Equal((1, 2), (grid.Rows[1].Done, grid.Rows[1].Due));
        Assert.DoesNotContain((await _queries.BoardAsync(Token)).Rows, r => r.Item.Id == item.Id);
        Assert.Equal(item.Id, Assert.Single(await _queries.RetiredAsync(Token)).Id);
    }

    [Fact]
    public async Task Restore_RetiredItem_IsBackOnTheListAndNotOverdueForTheTimeItWasAway()
    {
        var item = await AddAsync("Verify system health");
        Assert.Null(await _store.RetireAsync(item.Id, As("bob"), Token));
        _clock.Now = SundayMorning.AddDays(3);

        Assert.Null(await _store.RestoreAsync(item.Id, As("carol"), Token));

        Assert.Equal(ChecklistState.Open, (await RowAsync(item.Id)).State);
        Assert.Equal("“Verify system health” is not retired.", await _store.RestoreAsync(item.Id, As("carol"), Token));
    }
}
