using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records.Checklist;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Core.Tests.Queue;

namespace OrchestrationMaint.Core.Tests.Records;

/// <summary>Auto-tick against the real task queue on a real SQLite file, on the real clock.</summary>
public sealed class ChecklistAutoTickTests : IAsyncLifetime
{
    /// <summary>An Operator account by that name (the services check the role of whoever acts).</summary>
    private Actor As(string name) => _queue.Database.Operator(name);

    private readonly List<ChecklistAutoTicker> _tickers = [];
    private bool _healthCheckFails;
    private QueueHarness _queue = null!;
    private ChecklistStore _store = null!;
    private ChecklistQueries _queries = null!;
    private ChecklistCalendar _calendar = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _queue = await QueueHarness.StartAsync(
            new ProbeTask("health-check", false, (_, _) => Task.FromResult(_healthCheckFails ? TaskOutcome.Failure("2 checks failed") : TaskOutcome.Success("All 12 checks healthy."))),
            new ProbeTask("log-review", false, (_, _) => Task.FromResult(TaskOutcome.Success("reviewed"))));
        _calendar = new ChecklistCalendar(Options.Create(new ChecklistOptions { TimeZone = "UTC" }), TimeProvider.System);
        _store = new ChecklistStore(_queue.Database, new TaskCatalog(_queue.Tasks), _calendar, _queue.Database.Guard, NullLogger<ChecklistStore>.Instance);
        _queries = new ChecklistQueries(_queue.Database, _calendar);
        await _queue.Database.AddOperatorsAsync(((string[])["alice", "bob", "carol"]).Concat(Enumerable.Range(0, 10).Select(i => $"operator-{i}")));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var ticker in _tickers)
        {
            await ticker.StopAsync(CancellationToken.None);
            ticker.Dispose();
        }

        await _queue.DisposeAsync();
    }

    private async Task StartTickerAsync()
    {
        var ticker = new ChecklistAutoTicker(_store, _queue.Queue, _calendar, TimeProvider.System, NullLogger<ChecklistAutoTicker>.Instance);
        _tickers.Add(ticker);
        await ticker.StartAsync(Token);
    }

    private async Task<ChecklistItem> AddAsync(string title, string task, bool autoTick, ChecklistCadence cadence = ChecklistCadence.Daily)
    {
        var result = await _store.SaveItemAsync(null, 0, new ChecklistItemDraft(title, "", cadence, task, autoTick), As("alice"), Token);
        Assert.Empty(result.Errors);
        return result.Item!;
    }

    private async Task<ChecklistRow> WaitForRowAsync(long itemId, Func<ChecklistRow, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var row = (await _queries.BoardAsync(Token)).Rows.Single(r => r.Item.Id == itemId);
            if (done(row))
            {
                return row;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Item {itemId} is still {row.State}.");
            await Task.Delay(50, Token);
        }
    }

    [Fact]
    public async Task AutoTick_ItemsTaskSucceeds_TicksItWithTheRunAsEvidence()
    {
        await StartTickerAsync();
        var daily = await AddAsync("Health probe", "health-check", autoTick: true);
        var weekly = await AddAsync("Weekly health probe", "health-check", autoTick: true, ChecklistCadence.Weekly);
        var other = await AddAsync("Log probe", "log-review", autoTick: true);

        var run = await _queue.EnqueueAsync("health-check");

        var row = await WaitForRowAsync(daily.Id, r => r.State == ChecklistState.Done);
        Assert.Equal((run.Id, "health-check", ChecklistStore.AutoTickUser, true), (row.Tick!.RunId, row.Tick.RunTaskKey, row.Tick.TickedBy, row.Tick.Automatic));
        Assert.Equal("health-check succeeded: All 12 checks healthy.", row.Tick.Note);
        Assert.Equal(run.Id, (await WaitForRowAsync(weekly.Id, r => r.State == ChecklistState.Done)).Tick!.RunId);
        Assert.Equal(ChecklistState.Open, (await WaitForRowAsync(other.Id, _ => true)).State);
    }

    [Fact]
    public async Task AutoTick_SecondSuccessInThePeriod_KeepsTheFirstTick()
    {
        await StartTickerAsync();
        var item = await AddAsync("Health probe", "health-check", autoTick: true);
        var first = await _queue.EnqueueAsync("health-check");
        await WaitForRowAsync(item.Id, r => r.State == ChecklistState.Done);

        var second = await _queue.EnqueueAsync("health-check");
        await _queue.WaitFinishedAsync(second.Id);
        await Task.Delay(300, Token);

        await using var db = _queue.Database.CreateDbContext();
        Assert.Equal(first.Id, (await db.ChecklistTicks.SingleAsync(Token)).RunId);
    }

    [Fact]
    public async Task AutoTick_TaskFails_LeavesTheItemOpen()
    {
        _healthCheckFails = true;
        await StartTickerAsync();
        var item = await AddAsync("Health probe", "health-check", autoTick: true);

        var run = await _queue.EnqueueAsync("health-check");
        Assert.Equal(RunState.Failed, (await _queue.WaitFinishedAsync(run.Id)).State);
        await Task.Delay(300, Token);

        var row = await WaitForRowAsync(item.Id, _ => true);
        Assert.Equal(ChecklistState.Open, row.State);
        Assert.Null(row.SuggestedRun);
    }

    [Fact]
    public async Task AutoTickOff_TaskSucceeds_OnlyOffersTheRun()
    {
        await StartTickerAsync();
        var item = await AddAsync("Health probe", "health-check", autoTick: false);

        var run = await _queue.EnqueueAsync("health-check");
        await _queue.WaitFinishedAsync(run.Id);

        var row = await WaitForRowAsync(item.Id, r => r.SuggestedRun is not null);
        Assert.Equal((ChecklistState.Open, run.Id), (row.State, row.SuggestedRun!.Id));
    }

    [Fact]
    public async Task CatchUp_RunSucceededWhileNobodyListened_IsTickedAtStartUp()
    {
        var item = await AddAsync("Health probe", "health-check", autoTick: true);
        var run = await _queue.EnqueueAsync("health-check");
        await _queue.WaitFinishedAsync(run.Id);
        Assert.Equal(ChecklistState.Open, (await WaitForRowAsync(item.Id, _ => true)).State);

        await StartTickerAsync();

        Assert.Equal(run.Id, (await WaitForRowAsync(item.Id, r => r.State == ChecklistState.Done)).Tick!.RunId);
    }

    [Fact]
    public async Task CatchUp_AutoTickTheOperatorTookBack_IsNotTickedAgain()
    {
        await StartTickerAsync();
        var item = await AddAsync("Health probe", "health-check", autoTick: true);
        await _queue.EnqueueAsync("health-check");
        var tick = (await WaitForRowAsync(item.Id, r => r.State == ChecklistState.Done)).Tick!;
        Assert.Null(await _store.UntickAsync(tick.Id, As("alice"), Token));

        await StartTickerAsync();
        Assert.Equal(0, await _store.CatchUpAutoTicksAsync(null, Token));

        Assert.Equal(ChecklistState.Open, (await WaitForRowAsync(item.Id, _ => true)).State);
    }

    [Fact]
    public async Task Ticker_MidnightInTheChecklistZone_TellsThePagesThatANewPeriodBegan()
    {
        // One second before midnight in Berlin; the ticker sleeps until then (at least a second) and looks again.
        var clock = new Scheduling.ManualClock(new DateTimeOffset(2026, 11, 29, 22, 59, 59, TimeSpan.Zero));
        var calendar = new ChecklistCalendar(Options.Create(new ChecklistOptions { TimeZone = "Europe/Berlin" }), clock);
        var store = new ChecklistStore(_queue.Database, new TaskCatalog(_queue.Tasks), calendar, _queue.Database.Guard, NullLogger<ChecklistStore>.Instance);
        var ticker = new ChecklistAutoTicker(store, _queue.Queue, calendar, clock, NullLogger<ChecklistAutoTicker>.Instance);
        _tickers.Add(ticker);
        var newDay = new TaskCompletionSource();
        using var subscription = store.Subscribe(() => newDay.TrySetResult());
        await ticker.StartAsync(Token);

        clock.Now = new DateTimeOffset(2026, 11, 29, 23, 0, 1, TimeSpan.Zero);

        await newDay.Task.WaitAsync(TimeSpan.FromSeconds(5), Token);
        Assert.Equal("2026-W49", calendar.Current(ChecklistCadence.Weekly).Key);
    }

    [Fact]
    public async Task TurningAutoTickOn_AfterTheTaskSucceeded_TicksAtOnce()
    {
        var item = await AddAsync("Health probe", "health-check", autoTick: false);
        var run = await _queue.EnqueueAsync("health-check");
        await _queue.WaitFinishedAsync(run.Id);

        var saved = await _store.SaveItemAsync(item.Id, item.Version, new ChecklistItemDraft(item.Title, "", item.Cadence, "health-check", true), As("alice"), Token);

        Assert.Empty(saved.Errors);
        Assert.Equal(run.Id, (await WaitForRowAsync(item.Id, _ => true)).Tick?.RunId);
    }
}
