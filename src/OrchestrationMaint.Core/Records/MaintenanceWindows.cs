using System.Collections.Immutable;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Records;

public sealed record WindowResult(MaintenanceWindow? Window, IReadOnlyDictionary<string, string> Errors)
{
    public static WindowResult Refused(string field, string message) => new(null, new Dictionary<string, string> { [field] = message });
}

public sealed record WindowPage(IReadOnlyList<MaintenanceWindow> Windows, int Total);

/// <summary>
/// The maintenance windows: announced, changed, cancelled or ended early by operators, and watched
/// here so that everyone hears when one starts, ends or comes within <see cref="UpcomingHorizon"/>
/// (the banner), even with no page open. Every such event is a maintenance record (and a line in
/// logs/maintenance.log): announced, changed, cancelled, started and ended, so the record of a
/// window shows both what was planned and what happened.
/// </summary>
public sealed class MaintenanceWindows(
    IDbContextFactory<MaintenanceDbContext> contextFactory,
    MaintenanceRecorder recorder,
    AccessGuard guard,
    TimeProvider clock,
    ILogger<MaintenanceWindows> logger) : BackgroundService
{
    /// <summary>The task name of a window's maintenance records.</summary>
    public const string RecordTask = "maintenance-window";

    /// <summary>A window this close shows in the banner as upcoming.</summary>
    public static readonly TimeSpan UpcomingHorizon = TimeSpan.FromHours(24);

    /// <summary>The watcher looks at least this often, so a changed system clock is noticed.</summary>
    private static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(1);

    private readonly Subscribers<bool> _subscribers = new(logger);
    private readonly SemaphoreSlim _wake = new(0);

    // One writer at a time: an operator's edit and a boundary never record the same event twice.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private ImmutableArray<MaintenanceWindow> _windows = [];
    private string _shown = "";

    /// <summary>Every window not cancelled, in start order (a handful a month: all kept in memory).</summary>
    public IReadOnlyList<MaintenanceWindow> Windows => _windows;

    public IReadOnlyList<MaintenanceWindow> Active(DateTimeOffset now) => [.. _windows.Where(w => w.IsActive(now))];

    /// <summary>Windows that start within <see cref="UpcomingHorizon"/>, soonest first.</summary>
    public IReadOnlyList<MaintenanceWindow> Upcoming(DateTimeOffset now) => [.. _windows.Where(w => w.Start > now && w.Start <= now + UpcomingHorizon)];

    public bool IsActiveNow => _windows.Any(w => w.IsActive(clock.GetUtcNow()));

    /// <summary>
    /// The parts of windows between <paramref name="from"/> (null: the beginning) and now that have
    /// already happened: what the dashboard leaves out of its figures when asked to.
    /// </summary>
    public IReadOnlyList<TimeRange> PastRanges(DateTimeOffset? from)
    {
        var now = clock.GetUtcNow();
        return [.. _windows.Where(w => w.Start < now && (from is null || w.End > from))
            .Select(w => new TimeRange(from is { } f && w.Start < f ? f : w.Start, w.End < now ? w.End : now))];
    }

    /// <summary>Called on a background thread when windows change, start, end or come within the horizon; dispose to stop.</summary>
    public IDisposable Subscribe(Action onChange) => _subscribers.Add(_ => onChange());

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Loaded before the app takes requests: the banner and the start confirmation are right from the first page.
        await LoadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var windows = await db.MaintenanceWindows.AsNoTracking().Where(w => w.CancelledAt == null)
            .OrderBy(w => w.Start).ThenBy(w => w.Id).ToListAsync(cancellationToken);
        _windows = [.. windows];
    }

    /// <summary>Every window, cancelled ones included, latest start first (the Windows page's list).</summary>
    public async Task<WindowPage> ListAsync(int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var total = await db.MaintenanceWindows.CountAsync(cancellationToken);
        var windows = await db.MaintenanceWindows.AsNoTracking().OrderByDescending(w => w.Start).ThenByDescending(w => w.Id)
            .Skip(skip).Take(take).ToListAsync(cancellationToken);
        return new WindowPage(windows, total);
    }

    public Task<WindowResult> AnnounceAsync(WindowDraft draft, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "window.announced", "announce maintenance windows", draft.Description, by => AnnounceCoreAsync(draft, by, cancellationToken), r => r.Errors.Count == 0 ? null : string.Join(" ", r.Errors.Values), cancellationToken);

    private async Task<WindowResult> AnnounceCoreAsync(WindowDraft draft, string by, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var errors = draft.Validate(now);
        if (errors.Count > 0)
        {
            return new WindowResult(null, errors);
        }

        var window = new MaintenanceWindow
        {
            Start = draft.Start!.Value.ToUniversalTime(),
            End = draft.End!.Value.ToUniversalTime(),
            Description = draft.Description!.Trim(),
            AnnouncedBy = by,
            AnnouncedAt = now,
        };
        await WriteAsync(async db =>
        {
            db.MaintenanceWindows.Add(window);
            await db.SaveChangesAsync(cancellationToken);
            await RecordAsync(window, RecordOutcomes.Announced, now, by, $"{Span(window)}: {window.Description}", cancellationToken);
        }, cancellationToken);
        return new WindowResult(window, errors);
    }

    public Task<WindowResult> UpdateAsync(long id, WindowDraft draft, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "window.changed", "change maintenance windows", $"window #{id}", by => UpdateCoreAsync(id, draft, by, cancellationToken), r => r.Errors.Count == 0 ? null : string.Join(" ", r.Errors.Values), cancellationToken);

    /// <summary>A window that has not ended can change its end and description; its start only until it starts.</summary>
    private async Task<WindowResult> UpdateCoreAsync(long id, WindowDraft draft, string by, CancellationToken cancellationToken)
    {
        WindowResult? result = null;
        await WriteAsync(async db =>
        {
            var now = clock.GetUtcNow();
            var window = await db.MaintenanceWindows.FirstOrDefaultAsync(w => w.Id == id, cancellationToken);
            if (Unchangeable(window, id, now) is { } problem)
            {
                result = WindowResult.Refused("window", problem);
                return;
            }

            var errors = new Dictionary<string, string>(draft.Validate(now));
            if (window!.Start <= now && draft.Start != window.Start)
            {
                errors["start"] = "The window has started: its start can no longer move. Change its end, or end it now.";
            }

            if (errors.Count > 0)
            {
                result = new WindowResult(null, errors);
                return;
            }

            var before = Span(window);
            window.Start = draft.Start!.Value.ToUniversalTime();
            window.End = draft.End!.Value.ToUniversalTime();
            window.Description = draft.Description!.Trim();
            await db.SaveChangesAsync(cancellationToken);
            await RecordAsync(window, RecordOutcomes.Changed, now, by, $"was {before}, now {Span(window)}: {window.Description}", cancellationToken);
            result = new WindowResult(window, errors);
        }, cancellationToken);
        return result!;
    }

    public Task<string?> CancelAsync(long id, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "window.cancelled", "cancel maintenance windows", $"window #{id}", by => CancelCoreAsync(id, by, cancellationToken), r => r, cancellationToken);

    /// <summary>Calls off a window that has not started; one that has is ended instead (<see cref="EndNowAsync"/>).</summary>
    /// <returns>Null when done, else why not.</returns>
    private async Task<string?> CancelCoreAsync(long id, string by, CancellationToken cancellationToken)
    {
        string? problem = null;
        await WriteAsync(async db =>
        {
            var now = clock.GetUtcNow();
            var window = await db.MaintenanceWindows.FirstOrDefaultAsync(w => w.Id == id, cancellationToken);
            problem = Unchangeable(window, id, now) ?? (window!.Start <= now ? $"Window #{id} has started: end it now instead of cancelling it." : null);
            if (problem is not null)
            {
                return;
            }

            window!.CancelledAt = now;
            window.CancelledBy = by;
            await db.SaveChangesAsync(cancellationToken);
            await RecordAsync(window, RecordOutcomes.Cancelled, now, by, $"{Span(window)} called off: {window.Description}", cancellationToken);
        }, cancellationToken);
        return problem;
    }

    public Task<string?> EndNowAsync(long id, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "window.ended", "end maintenance windows", $"window #{id}", by => EndNowCoreAsync(id, by, cancellationToken), r => r, cancellationToken);

    /// <summary>Ends an active window now (the work finished early).</summary>
    /// <returns>Null when done, else why not.</returns>
    private async Task<string?> EndNowCoreAsync(long id, string by, CancellationToken cancellationToken)
    {
        string? problem = null;
        await WriteAsync(async db =>
        {
            var now = clock.GetUtcNow();
            await RecordBoundariesAsync(db, now, cancellationToken);
            var window = await db.MaintenanceWindows.FirstOrDefaultAsync(w => w.Id == id, cancellationToken);
            problem = Unchangeable(window, id, now) ?? (window!.Start > now ? $"Window #{id} has not started: cancel it instead." : null);
            if (problem is not null)
            {
                return;
            }

            var planned = window!.End;
            window.End = now;
            window.EndRecorded = true;
            await db.SaveChangesAsync(cancellationToken);
            await RecordAsync(window, RecordOutcomes.Ended, now, by, $"ended early by {by} (planned until {Utc(planned)}): {window.Description}", cancellationToken);
        }, cancellationToken);
        return problem;
    }

    /// <summary>Writes the "started" and "ended" records that are due, once each; true when it wrote any.</summary>
    public async Task<bool> RecordBoundariesAsync(CancellationToken cancellationToken)
    {
        var wrote = false;
        await WriteAsync(async db => wrote = await RecordBoundariesAsync(db, clock.GetUtcNow(), cancellationToken), cancellationToken, reload: false);
        if (wrote)
        {
            await LoadAsync(cancellationToken);
        }

        NotifyIfShownChanged();
        return wrote;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RecordBoundariesAsync(stoppingToken);
                await _wake.WaitAsync(NextWake(clock.GetUtcNow()), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A locked database or a full disk must not stop the banners: try again shortly.
                logger.LogError(ex, "Maintenance windows: recording a start or end failed; trying again in a minute");
                try
                {
                    await Task.Delay(MaxSleep, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<bool> RecordBoundariesAsync(MaintenanceDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = await db.MaintenanceWindows
            .Where(w => w.CancelledAt == null && ((!w.StartRecorded && w.Start <= now) || (!w.EndRecorded && w.End <= now)))
            .OrderBy(w => w.Start).ToListAsync(cancellationToken);
        foreach (var window in due)
        {
            // Saved before recording: a crash in between loses a record rather than writing it twice on every start.
            var start = !window.StartRecorded;
            var end = !window.EndRecorded && window.End <= now;
            window.StartRecorded = true;
            window.EndRecorded |= end;
            await db.SaveChangesAsync(cancellationToken);
            if (start)
            {
                await RecordAsync(window, RecordOutcomes.Started, window.Start, window.AnnouncedBy, $"{Span(window)}: {window.Description}", cancellationToken);
            }

            if (end)
            {
                await RecordAsync(window, RecordOutcomes.Ended, window.End, window.AnnouncedBy, $"{Span(window)}: {window.Description}", cancellationToken);
            }
        }

        return due.Count > 0;
    }

    private async Task WriteAsync(Func<MaintenanceDbContext, Task> write, CancellationToken cancellationToken, bool reload = true)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            await write(db);
        }
        finally
        {
            _writeGate.Release();
        }

        if (reload)
        {
            await LoadAsync(cancellationToken);
            _wake.Release();
            _subscribers.Notify(true);
        }
    }

    /// <summary>Tells subscribers when the set of active or upcoming windows differs from what they last heard.</summary>
    private void NotifyIfShownChanged()
    {
        var now = clock.GetUtcNow();
        var shown = string.Join(',', Active(now).Select(w => $"a{w.Id}").Concat(Upcoming(now).Select(w => $"u{w.Id}")));
        if (Interlocked.Exchange(ref _shown, shown) != shown)
        {
            _subscribers.Notify(true);
        }
    }

    /// <summary>Until the next start, end or entry into the horizon, and never longer than <see cref="MaxSleep"/>.</summary>
    private TimeSpan NextWake(DateTimeOffset now)
    {
        var next = _windows.SelectMany(w => new[] { w.Start - UpcomingHorizon, w.Start, w.End }).Where(t => t > now).DefaultIfEmpty(now + MaxSleep).Min();
        var delay = next - now;
        return delay > MaxSleep ? MaxSleep : delay < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : delay;
    }

    private static string? Unchangeable(MaintenanceWindow? window, long id, DateTimeOffset now) => window switch
    {
        null => $"There is no maintenance window #{id}.",
        { IsCancelled: true } => $"Window #{id} was cancelled: announce a new one.",
        _ when window.IsOver(now) => $"Window #{id} is over: it can no longer be changed.",
        _ => null,
    };

    private Task RecordAsync(MaintenanceWindow window, string outcome, DateTimeOffset at, string by, string summary, CancellationToken cancellationToken) =>
        recorder.RecordAsync(new MaintenanceRecord
        {
            At = at,
            Task = RecordTask,
            Outcome = outcome,
            RequestedBy = by,
            Summary = TextRules.Clip($"#{window.Id} {summary}", 2000),
        }, cancellationToken);

    /// <summary>UTC in records: the log is read by people in any zone, and by scripts.</summary>
    private static string Span(MaintenanceWindow window) => $"{Utc(window.Start)} to {Utc(window.End)}";

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);

    public override void Dispose()
    {
        _wake.Dispose();
        _writeGate.Dispose();
        base.Dispose();
    }
}
