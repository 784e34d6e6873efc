using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Scheduling;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Core.Tests.Queue;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Scheduling;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

public sealed class SchedulerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday9 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new("om-schedule");
    private readonly ManualClock _clock = new(Monday9.AddHours(-1));
    private TestDatabase _database = null!;
    private QueueHarness _queue = null!;
    private ScheduleStore _store = null!;
    private Scheduler _scheduler = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _queue = await QueueHarness.StartAsync(new ProbeTask("health-check", false, (_, _) => Task.FromResult(TaskOutcome.Success("ok"))));
        _database = _queue.Database;
        var location = TestTarget.Location(_queue.Root, _temp.Path);
        var options = Options.Create(new SchedulingOptions { MissedRunGrace = TimeSpan.FromHours(1) });
        _store = new ScheduleStore(_database, new TaskCatalog(_queue.Tasks), new SettingsStore(_database, _clock), _database.Guard, _database.Audit, options,
            Options.Create(new OrchestrationMaint.Core.Records.Checklist.ChecklistOptions()), _clock, NullLogger<ScheduleStore>.Instance);
        _scheduler = new Scheduler(_store, _queue.Queue, new MaintenanceRecorder(_database, location, NullLogger<MaintenanceRecorder>.Instance),
            _database, options, _clock, NullLogger<Scheduler>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _queue.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<Schedule> CreateDailyAsync()
    {
        var (schedule, errors) = await _store.SaveAsync(Actor.System, null, new ScheduleDraft("Daily health check", "health-check", "0 9 * * *", "UTC"), Token);
        Assert.Empty(errors);
        return schedule!;
    }

    private async Task<List<TaskRun>> RunsAsync()
    {
        await using var db = _database.CreateDbContext();
        return await db.Runs.AsNoTracking().ToListAsync(Token);
    }

    private async Task<List<MaintenanceRecord>> MissedAsync()
    {
        await using var db = _database.CreateDbContext();
        return await db.MaintenanceRecords.AsNoTracking().Where(r => r.Outcome == "missed").ToListAsync(Token);
    }

    [Fact]
    public async Task Save_InvalidCronExpression_IsRefusedWithAClearMessageAndNotStored()
    {
        var (schedule, errors) = await _store.SaveAsync(Actor.System, null, new ScheduleDraft("Broken", "health-check", "0 25 * * *", "UTC"), Token);
        var (_, zoneErrors) = await _store.SaveAsync(Actor.System, null, new ScheduleDraft("Zone", "health-check", "0 9 * * *", "Mars/Olympus"), Token);

        Assert.Null(schedule);
        Assert.StartsWith("'0 25 * * *' is not a valid cron expression", Assert.Single(errors), StringComparison.Ordinal);
        Assert.Contains("is not a time zone this machine knows", Assert.Single(zoneErrors), StringComparison.Ordinal);
        Assert.Empty(await _store.ListAsync(Token));
    }

    [Fact]
    public void Next_WeeklySundayExpressionInBerlin_GivesTheNextFiveSundaysAtOneLocal()
    {
        Assert.True(CronSchedule.TryParse("0 1 * * 0", "Europe/Berlin", out var cron, out var zone, out _));

        var next = CronSchedule.Next(cron!, zone!, Monday9, 5);

        Assert.Equal(5, next.Count);
        Assert.All(next, n => Assert.Equal((DayOfWeek.Sunday, 1), (TimeZoneInfo.ConvertTime(n, zone!).DayOfWeek, TimeZoneInfo.ConvertTime(n, zone!).Hour)));
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero), next[0]);
    }

    [Fact]
    public async Task Tick_OccurrenceDue_QueuesOneRunOnce()
    {
        await CreateDailyAsync();
        _clock.Now = Monday9.AddSeconds(20);

        await _scheduler.TickAsync(Token);
        await _scheduler.TickAsync(Token);

        var run = Assert.Single(await RunsAsync());
        Assert.Equal((RunTrigger.Schedule, "Daily health check"), (run.Trigger, run.RequestedBy));
    }

    [Fact]
    public async Task Tick_PausedScheduleDue_IsNotRunNorCaughtUpOnResume()
    {
        var schedule = await CreateDailyAsync();
        await _store.SetPausedAsync(Actor.System, schedule.Id, true, Token);
        _clock.Now = Monday9.AddMinutes(5);
        await _scheduler.TickAsync(Token);
        await _store.SetPausedAsync(Actor.System, schedule.Id, false, Token);
        await _scheduler.TickAsync(Token);

        Assert.Empty(await RunsAsync());
        Assert.Empty(await MissedAsync());
    }

    [Fact]
    public async Task Tick_AppDownOverSeveralOccurrences_RunsTheNewestWithinGraceOnceAndRecordsTheRestAsMissed()
    {
        await CreateDailyAsync();
        _clock.Now = Monday9.AddDays(3).AddMinutes(30);

        await _scheduler.TickAsync(Token);

        Assert.Single(await RunsAsync());
        var missed = Assert.Single(await MissedAsync());
        Assert.StartsWith("3 occurrence(s) up to 2026-12-02 09:00Z were missed", missed.Summary, StringComparison.Ordinal);
        var stored = Assert.Single(await _store.ListAsync(Token));
        Assert.Equal(3, stored.MissedCount);
    }

    [Fact]
    public async Task Tick_OccurrencePastTheGrace_IsRecordedAsMissedAndNotRun()
    {
        await CreateDailyAsync();
        _clock.Now = Monday9.AddHours(3);

        await _scheduler.TickAsync(Token);

        Assert.Empty(await RunsAsync());
        Assert.Single(await MissedAsync());
        Assert.Contains("\tmissed\tby=scheduler", File.ReadAllText(Path.Combine(_queue.Root, "logs", "maintenance.log")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDefaults_FirstStart_AddsTheSeedsExamplesOnlyOnce()
    {
        await _store.CreateDefaultsAsync(Token);
        var first = await _store.ListAsync(Token);
        await _store.DeleteAsync(Actor.System, first[0].Id, Token);
        await _store.CreateDefaultsAsync(Token);

        // Only health-check exists in this catalogue; the log cleanup default needs its task.
        var daily = Assert.Single(first);
        Assert.Equal(("Daily health check", "0 9 * * *"), (daily.Name, daily.Cron));
        Assert.Empty(await _store.ListAsync(Token));
    }
}
