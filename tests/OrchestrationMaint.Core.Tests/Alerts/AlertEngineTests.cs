using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Alerts;

/// <summary>The alert lifecycle on a real SQLite file with a hand-driven clock: hold, fire, stay, clear, acknowledge, windows.</summary>
public sealed class AlertEngineTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);
    private static readonly AlertCondition LowRate = new("success-rate", AlertKind.SuccessRate, AlertLevel.Critical, "Success rate below threshold", "91.00 % in the last 24 h");
    private readonly TempDirectory _temp = new("om-alerts");
    private readonly SplitClock _clock = new(T0);
    private readonly RecordingNotifications _channels = new();
    private readonly AlertOptions _options = new() { HoldTime = TimeSpan.FromMinutes(5), ClearTime = TimeSpan.FromMinutes(2) };
    private TestDatabase _database = null!;
    private AlertEngine _engine = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.MigratedAsync(_temp.Combine("maint.db"));
        _engine = NewEngine();
    }

    public ValueTask DisposeAsync()
    {
        _engine.Dispose();
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    private AlertEngine NewEngine() => new(_database, [_channels], _database.Guard, Options.Create(_options), _clock, NullLogger<AlertEngine>.Instance);

    private Task<int> EvaluateAsync(params AlertCondition[] conditions) => _engine.EvaluateAsync(conditions, null, Token);

    private async Task<List<Alert>> AlertsAsync()
    {
        await using var db = _database.CreateDbContext();
        return await db.Alerts.Include(a => a.Events).OrderBy(a => a.Id).ToListAsync(Token);
    }

    /// <summary>Evaluates the same conditions every 15 s for <paramref name="span"/>, as the monitor does.</summary>
    private async Task HoldAsync(TimeSpan span, params AlertCondition[] conditions)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < span; elapsed += TimeSpan.FromSeconds(15))
        {
            _clock.Advance(TimeSpan.FromSeconds(15));
            await EvaluateAsync(conditions);
        }
    }

    [Fact]
    public async Task Evaluate_ConditionHeldShorterThanHoldTime_NothingFiresAndItIsPending()
    {
        await EvaluateAsync(LowRate);
        await HoldAsync(TimeSpan.FromMinutes(4.5), LowRate);

        Assert.Empty(await AlertsAsync());
        Assert.Equal("success-rate", Assert.Single(_engine.Pending).Condition.Key);
        Assert.Equal(T0, _engine.Pending[0].Since);
        Assert.Empty(_channels.Added);
    }

    [Fact]
    public async Task Evaluate_ConditionHeldForHoldTime_FiresOnceWithWhenItStartedAndIsNotified()
    {
        await EvaluateAsync(LowRate);
        await HoldAsync(TimeSpan.FromMinutes(5), LowRate);
        await HoldAsync(TimeSpan.FromMinutes(30), LowRate);

        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal(AlertState.Firing, alert.State);
        Assert.Equal(T0, alert.ConditionSince);
        Assert.Equal(T0.AddMinutes(5), alert.FiredAt);
        Assert.Equal(T0.AddMinutes(35), alert.LastSeenAt);
        Assert.True(alert.Notified);
        Assert.Equal(AlertEventKind.Fired, Assert.Single(alert.Events).Kind);
        Assert.Equal([("success-rate", AlertChange.Fired)], _channels.Added);
        Assert.Equal(1, _channels.Wakes);
        Assert.Empty(_engine.Pending);
    }

    [Fact]
    public async Task Evaluate_ConditionFlapsFasterThanHoldTime_NeverFires()
    {
        for (var i = 0; i < 20; i++)
        {
            await HoldAsync(TimeSpan.FromMinutes(4), LowRate);
            await HoldAsync(TimeSpan.FromSeconds(15));
        }

        Assert.Empty(await AlertsAsync());
        Assert.Empty(_channels.Added);
    }

    [Fact]
    public async Task Evaluate_ConditionGoneForClearTime_ResolvesByItselfAndSaysSo()
    {
        await EvaluateAsync(LowRate);
        await HoldAsync(TimeSpan.FromMinutes(5), LowRate);
        await HoldAsync(TimeSpan.FromMinutes(1.75));
        Assert.Equal(AlertState.Firing, Assert.Single(await AlertsAsync()).State);

        await HoldAsync(TimeSpan.FromSeconds(15));

        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal(AlertState.Resolved, alert.State);
        Assert.Equal(T0.AddMinutes(7), alert.ResolvedAt);
        Assert.Equal([AlertEventKind.Fired, AlertEventKind.Resolved], alert.Events.OrderBy(e => e.Id).Select(e => e.Kind));
        Assert.Equal([("success-rate", AlertChange.Fired), ("success-rate", AlertChange.Resolved)], _channels.Added);
    }

    [Fact]
    public async Task Evaluate_ConditionBlinksWhileFiring_StaysOneAlertWithoutResolving()
    {
        await EvaluateAsync(LowRate);
        await HoldAsync(TimeSpan.FromMinutes(5), LowRate);
        for (var i = 0; i < 10; i++)
        {
            await HoldAsync(TimeSpan.FromMinutes(1.5));
            await HoldAsync(TimeSpan.FromSeconds(15), LowRate);
        }

        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal(AlertState.Firing, alert.State);
        Assert.Single(alert.Events);
        Assert.Single(_channels.Added);
    }

    [Fact]
    public async Task Evaluate_ConditionReturnsAfterResolving_IsANewOccurrenceAndTheOldOneStaysInTheHistory()
    {
        await EvaluateAsync(LowRate);
        await HoldAsync(TimeSpan.FromMinutes(5), LowRate);
        await HoldAsync(TimeSpan.FromMinutes(2));
        await HoldAsync(TimeSpan.FromMinutes(5.25), LowRate);

        var alerts = await AlertsAsync();
        Assert.Equal([AlertState.Resolved, AlertState.Firing], alerts.Select(a => a.State));
        Assert.All(alerts, a => Assert.Equal("success-rate", a.Key));
    }

    [Fact]
    public async Task Evaluate_SystemClockSetForwardOrBack_HoldTimeStillCountsRealTime()
    {
        await EvaluateAsync(LowRate);
        _clock.SetWall(T0.AddHours(3));
        await EvaluateAsync(LowRate);
        Assert.Empty(await AlertsAsync());

        _clock.SetWall(T0.AddHours(-2));
        await HoldAsync(TimeSpan.FromMinutes(4.75), LowRate);
        Assert.Empty(await AlertsAsync());

        await HoldAsync(TimeSpan.FromSeconds(15), LowRate);
        Assert.Equal(AlertState.Firing, Assert.Single(await AlertsAsync()).State);
    }

    [Fact]
    public async Task Evaluate_FiredInsideAMaintenanceWindow_MarkedExpectedAndNotNotifiedUntilTheWindowEnds()
    {
        const string Window = "Maintenance window #4: upgrade git";
        await _engine.EvaluateAsync([LowRate], Window, Token);
        for (var i = 0; i < 21; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(15));
            await _engine.EvaluateAsync([LowRate], Window, Token);
        }

        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal(Window, alert.ExpectedBecause);
        Assert.False(alert.Notified);
        Assert.Empty(_channels.Added);

        // The window is over and the condition still holds: now it is news, once.
        await HoldAsync(TimeSpan.FromMinutes(1), LowRate);
        alert = Assert.Single(await AlertsAsync());
        Assert.Null(alert.ExpectedBecause);
        Assert.True(alert.Notified);
        Assert.Equal(T0.AddMinutes(5.5), alert.EscalatedAt);
        Assert.Equal([("success-rate", AlertChange.Fired)], _channels.Added);
    }

    [Fact]
    public async Task Evaluate_ExpectedAlertClearsInsideTheWindow_NobodyIsTold()
    {
        const string Window = "Maintenance window #5: restore drill";
        for (var i = 0; i < 30; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(15));
            await _engine.EvaluateAsync([LowRate], Window, Token);
        }

        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(15));
            await _engine.EvaluateAsync([], Window, Token);
        }

        Assert.Equal(AlertState.Resolved, Assert.Single(await AlertsAsync()).State);
        Assert.Empty(_channels.Added);
    }

    [Fact]
    public async Task Evaluate_WindowStartsWhileFiring_ShownAsExpectedButNotToldAgain()
    {
        await EvaluateAsync(LowRate);
        await HoldAsync(TimeSpan.FromMinutes(5), LowRate);
        await _engine.EvaluateAsync([LowRate], "Maintenance window #6", Token);
        Assert.Equal("Maintenance window #6", Assert.Single(await AlertsAsync()).ExpectedBecause);

        await HoldAsync(TimeSpan.FromMinutes(1), LowRate);
        Assert.Null(Assert.Single(await AlertsAsync()).ExpectedBecause);
        Assert.Single(_channels.Added);
    }

    [Fact]
    public async Task Evaluate_LevelWorsens_SameAlertWithALevelChangedEvent()
    {
        var warning = new AlertCondition("disk", AlertKind.DiskUsage, AlertLevel.Warning, "Disk space", "91 % used");
        await EvaluateAsync(warning);
        await HoldAsync(TimeSpan.FromMinutes(5), warning);
        await HoldAsync(TimeSpan.FromSeconds(15), warning with { Level = AlertLevel.Critical, Message = "96 % used" });

        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal(AlertLevel.Critical, alert.Level);
        Assert.Equal("96 % used", alert.Message);
        Assert.Equal(AlertEventKind.LevelChanged, alert.Events.OrderBy(e => e.Id).Last().Kind);
        // Told again, now as critical: a channel that only wants critical alerts hears of it.
        Assert.Equal([("disk", AlertChange.Fired), ("disk", AlertChange.Fired)], _channels.Added);

        // Back to a warning reading: the alert keeps the worst level it reached, so whoever took it as critical hears it resolve.
        await HoldAsync(TimeSpan.FromSeconds(15), warning with { Message = "92 % used" });
        alert = Assert.Single(await AlertsAsync());
        Assert.Equal((AlertLevel.Critical, "92 % used"), (alert.Level, alert.Message));
        Assert.Equal(2, _channels.Added.Count);
    }

    [Fact]
    public async Task Evaluate_WindowEndsWhileTheConditionIsClearing_NobodyIsToldAndItResolvesQuietly()
    {
        const string Window = "Maintenance window #7: disk swap";
        _options.HoldTime = TimeSpan.Zero;
        await _engine.EvaluateAsync([LowRate], Window, Token);
        _clock.Advance(TimeSpan.FromSeconds(15));
        await _engine.EvaluateAsync([], Window, Token);

        await HoldAsync(TimeSpan.FromMinutes(2));

        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal(AlertState.Resolved, alert.State);
        Assert.False(alert.Notified);
        Assert.Empty(_channels.Added);
    }

    [Fact]
    public async Task Evaluate_AcknowledgedInsideTheWindow_NotAnnouncedAsFiringWhenTheWindowEnds()
    {
        const string Window = "Maintenance window #8";
        _options.HoldTime = TimeSpan.Zero;
        await _engine.EvaluateAsync([LowRate], Window, Token);
        var id = Assert.Single(await AlertsAsync()).Id;
        Assert.True((await _engine.AcknowledgeAsync(id, "on it", await _database.OperatorAsync("alice"), Token)).Done);

        await HoldAsync(TimeSpan.FromMinutes(1), LowRate);

        Assert.Equal(AlertState.Acknowledged, Assert.Single(await AlertsAsync()).State);
        Assert.Empty(_channels.Added);
    }

    [Fact]
    public async Task Evaluate_KindDisabled_NeverFires()
    {
        _options.Disabled.Add(AlertKind.SuccessRate);
        await HoldAsync(TimeSpan.FromMinutes(10), LowRate);
        Assert.Empty(await AlertsAsync());
    }

    [Fact]
    public async Task Evaluate_PerKindHoldTime_OverridesTheDefault()
    {
        _options.HoldTimes[AlertKind.SuccessRate] = TimeSpan.Zero;
        await EvaluateAsync(LowRate);
        Assert.Single(await AlertsAsync());
    }

    [Fact]
    public async Task Evaluate_FloodOfConditions_OneAlertEachAndNothingLostOrDoubled()
    {
        var flood = Enumerable.Range(1, 300).Select(i => new AlertCondition($"schedule:{i}", AlertKind.ScheduledRunFailed, AlertLevel.Warning, $"Scheduled run failed: job {i}", "failed")).ToArray();
        await EvaluateAsync(flood);
        await HoldAsync(TimeSpan.FromMinutes(6), flood);

        var alerts = await AlertsAsync();
        Assert.Equal(300, alerts.Count);
        Assert.Equal(300, alerts.Select(a => a.Key).Distinct().Count());
        Assert.Equal(300, _channels.Added.Count);
    }

    [Fact]
    public async Task Evaluate_EngineRestartsWhileAnAlertIsOpen_CarriesOnWithTheSameRow()
    {
        await EvaluateAsync(LowRate);
        await HoldAsync(TimeSpan.FromMinutes(5), LowRate);
        _engine.Dispose();
        _engine = NewEngine();
        await HoldAsync(TimeSpan.FromMinutes(10), LowRate);

        Assert.Single(await AlertsAsync());
        Assert.Single(_channels.Added);
    }

    [Fact]
    public async Task Database_SecondOpenAlertForOneKey_RefusedBySqlite()
    {
        _options.HoldTime = TimeSpan.Zero;
        await EvaluateAsync(LowRate);
        await using var db = _database.CreateDbContext();
        db.Alerts.Add(new Alert { Key = "success-rate", Title = "t", Message = "m", State = AlertState.Acknowledged });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Token));
    }

    [Fact]
    public async Task Acknowledge_ByAnOperatorWithANote_RecordsWhoAndStopsNothingElse()
    {
        _options.HoldTime = TimeSpan.Zero;
        await EvaluateAsync(LowRate);
        var id = Assert.Single(await AlertsAsync()).Id;
        var alice = await _database.OperatorAsync("alice");

        var result = await _engine.AcknowledgeAsync(id, "  looking at the git remote  ", alice, Token);

        Assert.True(result.Done, result.Error);
        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal(AlertState.Acknowledged, alert.State);
        Assert.Equal("alice", alert.AcknowledgedBy);
        Assert.Equal("looking at the git remote", alert.AcknowledgeNote);
        Assert.Equal(T0, alert.AcknowledgedAt);
        Assert.Contains(alert.Events, e => e.Kind == AlertEventKind.Acknowledged && e.By == "alice");
        Assert.Equal([("success-rate", AlertChange.Fired), ("success-rate", AlertChange.Acknowledged)], _channels.Added);
        var (audited, _) = await _database.Audit.QueryAsync(new AuditFilter(Action: "alert.acknowledged", Outcome: AuditOutcome.Succeeded), 0, 10, Token);
        Assert.Equal(1, audited);

        // Acknowledged, it still resolves by itself when the condition clears.
        await HoldAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(AlertState.Resolved, Assert.Single(await AlertsAsync()).State);
    }

    [Fact]
    public async Task Acknowledge_Twice_SecondSaysWhoWasFirst()
    {
        _options.HoldTime = TimeSpan.Zero;
        await EvaluateAsync(LowRate);
        var id = Assert.Single(await AlertsAsync()).Id;
        Assert.True((await _engine.AcknowledgeAsync(id, null, await _database.OperatorAsync("alice"), Token)).Done);

        var second = await _engine.AcknowledgeAsync(id, null, await _database.OperatorAsync("bob"), Token);

        Assert.False(second.Done);
        Assert.Equal($"Alert #{id} was already acknowledged by alice.", second.Error);
    }

    [Fact]
    public async Task Acknowledge_ByAViewer_RefusedAndAudited()
    {
        _options.HoldTime = TimeSpan.Zero;
        await EvaluateAsync(LowRate);
        var id = Assert.Single(await AlertsAsync()).Id;
        var viewer = await _database.AddUserAsync("victor", Role.Viewer);

        await Assert.ThrowsAsync<AccessDeniedException>(() => _engine.AcknowledgeAsync(id, null, viewer, Token));
        Assert.Equal(AlertState.Firing, Assert.Single(await AlertsAsync()).State);
        var (refused, _) = await _database.Audit.QueryAsync(new AuditFilter(Action: "alert.acknowledged", Outcome: AuditOutcome.Denied), 0, 10, Token);
        Assert.Equal(1, refused);
    }

    [Fact]
    public async Task Acknowledge_NoteTooLong_RefusedWithTheLimit()
    {
        _options.HoldTime = TimeSpan.Zero;
        await EvaluateAsync(LowRate);
        var id = Assert.Single(await AlertsAsync()).Id;

        var result = await _engine.AcknowledgeAsync(id, new string('x', 2001), await _database.OperatorAsync("alice"), Token);

        Assert.Equal("Note is 2,001 characters long; the limit is 2,000.", result.Error);
    }
}
