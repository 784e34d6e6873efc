using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrchestrationMaint.Core.Queue;

namespace OrchestrationMaint.Core.Records.Checklist;

/// <summary>
/// Adds the built-in items at start-up, ticks auto-tick items when their task succeeds (and catches up
/// on runs that ended while nobody listened), and tells the pages when a new day begins, so "open"
/// turns "overdue" at midnight without a reload.
/// </summary>
public sealed class ChecklistAutoTicker(
    ChecklistStore store,
    TaskQueue queue,
    ChecklistCalendar calendar,
    TimeProvider clock,
    ILogger<ChecklistAutoTicker> logger) : BackgroundService
{
    private readonly Channel<long> _succeeded = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private IDisposable? _subscription;
    private ChecklistPeriod _day;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.SeedDefaultsAsync(cancellationToken);
        // Listen before catching up: a run that finishes in between is seen by one or both, and the unique index keeps one tick.
        _subscription = queue.Subscribe(change =>
        {
            if (change.State == RunState.Succeeded)
            {
                _succeeded.Writer.TryWrite(change.RunId);
            }
        });
        if (await store.CatchUpAutoTicksAsync(null, cancellationToken) is > 0 and var caught)
        {
            logger.LogInformation("Auto-ticked {Count} checklist item(s) for runs that succeeded while the app was not listening", caught);
        }

        // Read here, not in ExecuteAsync (which runs on the thread pool), so a midnight just after start-up is not missed.
        _day = calendar.Current(ChecklistCadence.Daily);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Task<bool>? waiting = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (_succeeded.Reader.TryRead(out var runId))
                {
                    await HandleAsync(runId, stoppingToken);
                }

                // Wake for the next run, or at the next midnight (re-checked hourly, should the clock or zone data change).
                waiting ??= _succeeded.Reader.WaitToReadAsync(stoppingToken).AsTask();
                var untilTomorrow = calendar.End(_day) - clock.GetUtcNow();
                using var sleep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(TimeSpan.FromTicks(Math.Clamp(untilTomorrow.Ticks, TimeSpan.TicksPerSecond, TimeSpan.TicksPerHour)), clock, sleep.Token);
                if (await Task.WhenAny(waiting, delay) == waiting)
                {
                    await waiting;
                    waiting = null;
                }

                await sleep.CancelAsync();
                if (calendar.Current(ChecklistCadence.Daily) is var today && today != _day)
                {
                    _day = today;
                    store.NotifyChanged();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The checklist's auto-tick loop failed; going on");
                waiting = null;
                await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(5), clock, stoppingToken));
            }
        }
    }

    private async Task HandleAsync(long runId, CancellationToken cancellationToken)
    {
        try
        {
            if (await store.AutoTickAsync(runId, cancellationToken) is > 0 and var ticked)
            {
                logger.LogInformation("Run {RunId} auto-ticked {Count} checklist item(s)", runId, ticked);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One run that cannot be handled never stops the others from ticking.
            logger.LogError(ex, "Run {RunId} succeeded, but its checklist auto-tick failed", runId);
        }
    }

    public override void Dispose()
    {
        _subscription?.Dispose();
        base.Dispose();
    }
}
