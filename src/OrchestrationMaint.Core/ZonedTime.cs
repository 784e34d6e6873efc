namespace OrchestrationMaint.Core;

/// <summary>
/// Wall-clock times in a person's time zone (the browser's) turned into the UTC instants the app
/// stores, with the two cases a clock change makes: a time that does not exist and one that exists twice.
/// </summary>
public static class ZonedTime
{
    /// <summary>The UTC instant of <paramref name="local"/> in <paramref name="zone"/>; null with a sentence when the clock skipped it.</summary>
    /// <remarks>A time that happens twice (the hour the clocks go back) is read as the first of the two.</remarks>
    public static DateTimeOffset? ToUtc(DateTime local, TimeZoneInfo zone, out string? error)
    {
        var wall = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(wall))
        {
            error = $"{wall:yyyy-MM-dd HH:mm} does not exist in {zone.Id}: the clocks skipped it. Choose a time outside the change.";
            return null;
        }

        error = null;
        var offset = zone.IsAmbiguousTime(wall) ? zone.GetAmbiguousTimeOffsets(wall).Max() : zone.GetUtcOffset(wall);
        return new DateTimeOffset(wall, offset).ToUniversalTime();
    }

    /// <summary>The first instant of <paramref name="day"/> in <paramref name="zone"/> (a little after midnight where the clocks skip midnight).</summary>
    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return ToUtc(local, zone, out _)!.Value;
    }

    public static DateTimeOffset ToZone(DateTimeOffset instant, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(instant, zone);
}
