using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrchestrationMaint.Core.Target;

/// <summary>
/// Re-inspects the target every few seconds and tells subscribers (the app bar, open pages) when
/// what they show has changed. Inspecting is a dozen stat calls, so polling is cheaper and more
/// robust than file watchers on network mounts. Refreshes run one at a time, so a status never
/// goes backwards and subscribers are never called concurrently.
/// </summary>
public sealed class TargetStatusMonitor(TargetInspector inspector, ILogger<TargetStatusMonitor> logger, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly Lock _refreshGate = new();
    private readonly Subscribers<TargetStatus> _subscribers = new(logger);
    private volatile TargetStatus? _current;

    /// <summary>The latest status, at most <see cref="Interval"/> old.</summary>
    public TargetStatus Current => _current ?? Refresh();

    /// <summary>Calls <paramref name="onChange"/> on a background thread after each change; dispose to stop.</summary>
    public IDisposable Subscribe(Action<TargetStatus> onChange) => _subscribers.Add(onChange);

    /// <summary>Inspects now and notifies subscribers if anything changed; returns the fresh status.</summary>
    public TargetStatus Refresh()
    {
        lock (_refreshGate)
        {
            var previous = _current;
            var fresh = inspector.Inspect();
            _current = fresh;
            if (previous is not null && SameContent(previous, fresh))
            {
                return fresh;
            }

            if (fresh.Problem is not null && fresh.Problem != previous?.Problem)
            {
                logger.LogWarning("Target {Root} is not usable: {Problem}", fresh.Root, fresh.Problem);
            }

            _subscribers.Notify(fresh);
            return fresh;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                Refresh();
            }
            catch (Exception ex)
            {
                // The inspector turns known failures into sentences; anything else must not end the monitor.
                logger.LogError(ex, "Inspecting the target failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static bool SameContent(TargetStatus a, TargetStatus b) =>
        a.Problem == b.Problem && a.Entries.SequenceEqual(b.Entries);
}
