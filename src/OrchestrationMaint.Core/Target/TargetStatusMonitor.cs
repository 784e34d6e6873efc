using System.Collections.Immutable;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrchestrationMaint.Core.Target;

/// <summary>
/// Re-inspects the target every few seconds and tells subscribers (open pages, the app bar) when
/// what they show has changed. Inspecting is a dozen stat calls, so polling is cheaper and more
/// robust than file watchers on network mounts.
/// </summary>
public sealed class TargetStatusMonitor(TargetInspector inspector, ILogger<TargetStatusMonitor> logger, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private ImmutableList<Action<TargetStatus>> _subscribers = [];
    private TargetStatus? _current;

    public TargetStatus Current
    {
        get
        {
            lock (_gate)
            {
                return _current ??= inspector.Inspect();
            }
        }
    }

    /// <summary>Calls <paramref name="onChange"/> on a background thread after each change; dispose to stop.</summary>
    public IDisposable Subscribe(Action<TargetStatus> onChange)
    {
        ImmutableInterlocked.Update(ref _subscribers, list => list.Add(onChange));
        return new Unsubscriber(() => ImmutableInterlocked.Update(ref _subscribers, list => list.Remove(onChange)));
    }

    /// <summary>Inspects now and notifies subscribers if anything changed; returns the fresh status.</summary>
    public TargetStatus Refresh()
    {
        var fresh = inspector.Inspect();
        TargetStatus? previous;
        lock (_gate)
        {
            previous = _current;
            _current = fresh;
        }

        if (previous is not null && SameContent(previous, fresh))
        {
            return fresh;
        }

        if (fresh.Problem is not null && fresh.Problem != previous?.Problem)
        {
            logger.LogWarning("Target {Root} is not usable: {Problem}", fresh.Root, fresh.Problem);
        }

        foreach (var subscriber in _subscribers)
        {
            try
            {
                subscriber(fresh);
            }
            catch (Exception ex)
            {
                // One broken page must not stop the others from updating.
                logger.LogError(ex, "A target status subscriber failed");
            }
        }

        return fresh;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            Refresh();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static bool SameContent(TargetStatus a, TargetStatus b) =>
        a.Problem == b.Problem && a.Entries.SequenceEqual(b.Entries);
}
