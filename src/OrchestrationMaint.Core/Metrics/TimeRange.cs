namespace OrchestrationMaint.Core.Metrics;

/// <summary>A span of time, <see cref="End"/> excluded.</summary>
public readonly record struct TimeRange(DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>
    /// The UTC hours (as the ticks of their start) that the ranges touch. Figures are kept per hour, so
    /// leaving a range out of them leaves out every hour it touches: 02:30 to 03:10 leaves out 02:00 to 04:00.
    /// </summary>
    public static IReadOnlySet<long> HoursTouched(IEnumerable<TimeRange> ranges)
    {
        var hours = new HashSet<long>();
        foreach (var range in ranges)
        {
            if (range.End <= range.Start)
            {
                continue;
            }

            for (var hour = MetricsWindows.FloorHour(range.Start); hour < range.End; hour = hour.AddHours(1))
            {
                hours.Add(hour.UtcTicks);
            }
        }

        return hours;
    }
}
