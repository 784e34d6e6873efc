using Microsoft.Extensions.Options;

namespace OrchestrationMaint.Core.Records.Checklist;

/// <summary>The checklist's clock: the current period of each cadence in the configured zone (Checklist:TimeZone).</summary>
public sealed class ChecklistCalendar(IOptions<ChecklistOptions> options, TimeProvider clock)
{
    public TimeZoneInfo Zone { get; } = options.Value.Zone;

    public DateTimeOffset Now => clock.GetUtcNow();

    public ChecklistPeriod Current(ChecklistCadence cadence) => ChecklistPeriod.At(cadence, Now, Zone);

    public ChecklistPeriod At(ChecklistCadence cadence, DateTimeOffset instant) => ChecklistPeriod.At(cadence, instant, Zone);

    public DateTimeOffset Start(ChecklistPeriod period) => period.StartUtc(Zone);

    public DateTimeOffset End(ChecklistPeriod period) => period.EndUtc(Zone);

    /// <summary>Whether the period ever applied to an item: it ended after the item's current cadence began and before it was retired.</summary>
    public bool Tracks(ChecklistItem item, ChecklistPeriod period)
    {
        var end = End(period);
        return item.TrackedSince < end && (item.RetiredAt is not { } retired || retired >= end);
    }
}
