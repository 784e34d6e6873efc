using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Tests.Alerts;

/// <summary>
/// A clock whose wall time and monotonic time move apart on demand: <see cref="Advance"/> moves both,
/// <see cref="SetWall"/> moves only the wall clock, as when someone sets the system clock.
/// </summary>
internal sealed class SplitClock(DateTimeOffset now) : TimeProvider
{
    private long _monotonic = 1_000_000;

    public DateTimeOffset Now { get; private set; } = now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => Now;

    public override long GetTimestamp() => _monotonic;

    public void Advance(TimeSpan by)
    {
        Now += by;
        _monotonic += by.Ticks;
    }

    public void SetWall(DateTimeOffset wall) => Now = wall;
}

/// <summary>Records what the engine hands to the channels, and checks it came before the save (the alert has no Id yet when new).</summary>
internal sealed class RecordingNotifications : IAlertNotifications
{
    public List<(string Key, AlertChange Change)> Added { get; } = [];

    public int Wakes { get; private set; }

    public void AddDeliveries(MaintenanceDbContext db, Alert alert, AlertChange change) => Added.Add((alert.Key, change));

    public void Wake() => Wakes++;
}
