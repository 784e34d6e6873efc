using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Tests.Scheduling;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Records;

public sealed class MaintenanceWindowsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new("om-windows");
    private readonly ManualClock _clock = new(Now);
    private TestDatabase _database = null!;
    private MaintenanceWindows _windows = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string LogPath => _temp.Combine("target", "logs", "maintenance.log");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_temp.Combine("target", "logs"));
        _database = await TestDatabase.MigratedAsync(_temp.Combine("maint.db"));
        _windows = await StartServiceAsync();
    }

    /// <summary>A service as the app makes it: a restart is a new one over the same database.</summary>
    private async Task<MaintenanceWindows> StartServiceAsync()
    {
        var recorder = new MaintenanceRecorder(_database, TestTarget.Location(_temp.Combine("target"), _temp.Path), NullLogger<MaintenanceRecorder>.Instance);
        var windows = new MaintenanceWindows(_database, recorder, _database.Guard, _clock, NullLogger<MaintenanceWindows>.Instance);
        await windows.LoadAsync(Token);
        return windows;
    }

    public ValueTask DisposeAsync()
    {
        _windows.Dispose();
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<List<MaintenanceRecord>> RecordsAsync()
    {
        await using var db = _database.CreateDbContext();
        return await db.MaintenanceRecords.OrderBy(r => r.Id).ToListAsync(Token);
    }

    private async Task<MaintenanceWindow> AnnounceAsync(TimeSpan startIn, TimeSpan length, string description = "Upgrade git on the distribution host")
    {
        var result = await _windows.AnnounceAsync(new WindowDraft(Now + startIn, Now + startIn + length, description), await _database.OperatorAsync("alice"), Token);
        Assert.Empty(result.Errors);
        return result.Window!;
    }

    [Fact]
    public async Task Window_AnnouncedThenLivedThrough_RecordsAnnouncedStartedEndedOnceEach()
    {
        var window = await AnnounceAsync(TimeSpan.FromHours(3), TimeSpan.FromHours(2));
        Assert.Equal([window.Id], _windows.Upcoming(Now).Select(w => w.Id));
        Assert.Empty(_windows.Active(Now));

        _clock.Now = Now.AddHours(3.5);
        Assert.True(await _windows.RecordBoundariesAsync(Token));
        Assert.False(await _windows.RecordBoundariesAsync(Token));
        Assert.True(_windows.IsActiveNow);

        _clock.Now = Now.AddHours(6);
        Assert.True(await _windows.RecordBoundariesAsync(Token));
        Assert.False(_windows.IsActiveNow);

        var records = await RecordsAsync();
        Assert.Equal(["announced", "started", "ended"], records.Select(r => r.Outcome));
        Assert.All(records, r => Assert.Equal(MaintenanceWindows.RecordTask, r.Task));
        Assert.Equal([Now, Now.AddHours(3), Now.AddHours(5)], records.Select(r => r.At));
        Assert.Contains("2026-11-28 15:00Z to 2026-11-28 17:00Z: Upgrade git", records[0].Summary, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(LogPath, Token);
        Assert.Equal(["2026-11-28T12:00:00Z\tmaintenance-window\tannounced\tby=alice", "2026-11-28T15:00:00Z\tmaintenance-window\tstarted\tby=alice",
            "2026-11-28T17:00:00Z\tmaintenance-window\tended\tby=alice"], lines);
    }

    [Fact]
    public async Task RecordBoundaries_AfterARestartAcrossTheWholeWindow_RecordsStartAndEndOnce()
    {
        await AnnounceAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        _clock.Now = Now.AddDays(1);

        using var restarted = await StartServiceAsync();
        await restarted.RecordBoundariesAsync(Token);
        using var again = await StartServiceAsync();
        await again.RecordBoundariesAsync(Token);

        Assert.Equal(["announced", "started", "ended"], (await RecordsAsync()).Select(r => r.Outcome));
    }

    [Fact]
    public async Task Subscribe_WindowStarts_SubscriberHearsIt()
    {
        await AnnounceAsync(TimeSpan.FromHours(30), TimeSpan.FromHours(1));
        var heard = 0;
        using var subscription = _windows.Subscribe(() => Interlocked.Increment(ref heard));
        await _windows.RecordBoundariesAsync(Token);
        var before = heard;

        _clock.Now = Now.AddHours(7);
        await _windows.RecordBoundariesAsync(Token);
        Assert.Equal(before + 1, heard);
        Assert.Single(_windows.Upcoming(_clock.Now));

        _clock.Now = Now.AddHours(30);
        await _windows.RecordBoundariesAsync(Token);
        Assert.Equal(before + 2, heard);
        Assert.Single(_windows.Active(_clock.Now));
    }

    [Fact]
    public async Task EndNow_ActiveWindow_EndsItAndRecordsTheEarlyEndOnly()
    {
        var window = await AnnounceAsync(TimeSpan.FromMinutes(-30), TimeSpan.FromHours(2));
        _clock.Now = Now.AddMinutes(10);

        Assert.Null(await _windows.EndNowAsync(window.Id, await _database.OperatorAsync("bob"), Token));
        await _windows.RecordBoundariesAsync(Token);
        _clock.Now = Now.AddHours(3);
        await _windows.RecordBoundariesAsync(Token);

        var records = await RecordsAsync();
        Assert.Equal(["announced", "started", "ended"], records.Select(r => r.Outcome));
        Assert.Equal("bob", records[2].RequestedBy);
        Assert.Contains("ended early by bob (planned until 2026-11-28 13:30Z)", records[2].Summary, StringComparison.Ordinal);
        Assert.Equal(Now.AddMinutes(10), _windows.Windows.Single().End);
    }

    [Fact]
    public async Task Cancel_UpcomingAllowedActiveRefused_CancelledOneDisappearsFromTheBanner()
    {
        var upcoming = await AnnounceAsync(TimeSpan.FromHours(2), TimeSpan.FromHours(1));
        var active = await AnnounceAsync(TimeSpan.FromMinutes(-5), TimeSpan.FromHours(1));

        Assert.Null(await _windows.CancelAsync(upcoming.Id, await _database.OperatorAsync("bob"), Token));
        Assert.Contains("has started: end it now", await _windows.CancelAsync(active.Id, await _database.OperatorAsync("bob"), Token), StringComparison.Ordinal);
        Assert.Contains("was cancelled", await _windows.CancelAsync(upcoming.Id, await _database.OperatorAsync("bob"), Token), StringComparison.Ordinal);
        Assert.Contains("no maintenance window #999", await _windows.CancelAsync(999, await _database.OperatorAsync("bob"), Token), StringComparison.Ordinal);

        Assert.Empty(_windows.Upcoming(Now));
        Assert.Equal([active.Id], _windows.Windows.Select(w => w.Id));
        var list = await _windows.ListAsync(0, 10, Token);
        Assert.Equal(2, list.Total);
        Assert.Equal("bob", list.Windows.Single(w => w.Id == upcoming.Id).CancelledBy);
        Assert.Contains("cancelled", (await RecordsAsync()).Select(r => r.Outcome));
    }

    [Fact]
    public async Task Update_StartedWindow_EndMovesStartDoesNot()
    {
        var window = await AnnounceAsync(TimeSpan.FromMinutes(-30), TimeSpan.FromHours(1));

        var moved = await _windows.UpdateAsync(window.Id, new WindowDraft(window.Start.AddMinutes(10), window.End, "x"), await _database.OperatorAsync("bob"), Token);
        var extended = await _windows.UpdateAsync(window.Id, new WindowDraft(window.Start, window.End.AddHours(1), "Upgrade git, and its hooks"), await _database.OperatorAsync("bob"), Token);

        Assert.Contains("can no longer move", moved.Errors["start"], StringComparison.Ordinal);
        Assert.Empty(extended.Errors);
        Assert.Equal(window.End.AddHours(1), _windows.Windows.Single().End);
        var changed = (await RecordsAsync()).Single(r => r.Outcome == "changed");
        Assert.Contains("was 2026-11-28 11:30Z to 2026-11-28 12:30Z, now 2026-11-28 11:30Z to 2026-11-28 13:30Z", changed.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_WindowThatIsOver_Refused()
    {
        var window = await AnnounceAsync(TimeSpan.FromMinutes(10), TimeSpan.FromHours(1));
        _clock.Now = Now.AddHours(2);

        var result = await _windows.UpdateAsync(window.Id, new WindowDraft(Now.AddHours(3), Now.AddHours(4), "again"), await _database.OperatorAsync("bob"), Token);

        Assert.Contains("is over", result.Errors["window"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 1, "", "description", "Say what the window is for")]
    [InlineData(2, 1, "x", "end", "must end after it starts")]
    [InlineData(1, 74, "x", "end", "at most 72 hours")]
    [InlineData(-5, -2, "x", "end", "already over")]
    [InlineData(24 * 400, 24 * 400 + 1, "x", "start", "check the year")]
    public async Task Announce_BadDraft_RefusedWithTheFieldAndNothingStored(int startHours, int endHours, string description, string field, string message)
    {
        var result = await _windows.AnnounceAsync(new WindowDraft(Now.AddHours(startHours), Now.AddHours(endHours), description), await _database.OperatorAsync("alice"), Token);

        Assert.Null(result.Window);
        Assert.Contains(message, result.Errors[field], StringComparison.Ordinal);
        Assert.Empty(await RecordsAsync());
    }

    [Fact]
    public async Task Announce_DescriptionOf501Characters_Refused()
    {
        var result = await _windows.AnnounceAsync(new WindowDraft(Now.AddHours(1), Now.AddHours(2), new string('d', 501)), await _database.OperatorAsync("alice"), Token);

        Assert.Contains("keep it to 500", result.Errors["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PastRanges_WindowsAroundTheViewStart_ClippedToTheViewAndToNow()
    {
        await using (var db = _database.CreateDbContext())
        {
            MaintenanceWindow Window(double startHours, double hours, bool cancelled = false) => new()
            {
                Start = Now.AddHours(startHours), End = Now.AddHours(startHours + hours), Description = "d", AnnouncedBy = "alice",
                AnnouncedAt = Now.AddDays(-2), CancelledAt = cancelled ? Now.AddDays(-2) : null,
            };
            db.MaintenanceWindows.AddRange(Window(-30, 4), Window(-1, 3), Window(5, 1), Window(-0.5, 1, cancelled: true), Window(-100, 2));
            await db.SaveChangesAsync(Token);
        }

        await _windows.LoadAsync(Token);

        Assert.Equal([new TimeRange(Now.AddHours(-28), Now.AddHours(-26)), new TimeRange(Now.AddHours(-1), Now)], _windows.PastRanges(Now.AddHours(-28)));
        Assert.Equal(3, _windows.PastRanges(null).Count);
    }
}
