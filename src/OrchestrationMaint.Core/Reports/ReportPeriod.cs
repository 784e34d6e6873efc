using System.Globalization;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Records.Checklist;

namespace OrchestrationMaint.Core.Reports;

public enum ReportKind
{
    Summary,
    Weekly,
    Monthly,
    Quarterly,
}

/// <summary>
/// What a report covers, in whole UTC hours (figures are kept per hour), <see cref="End"/> excluded.
/// <see cref="Key"/> names it in file names: 2026-11-29T09, 2026-W48, 2026-11, 2026-Q4.
/// </summary>
public sealed record ReportPeriod(ReportKind Kind, string Key, string Label, DateTimeOffset Start, DateTimeOffset End)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public TimeRange Range => new(Start, End);

    /// <summary>
    /// The period a report of <paramref name="kind"/> made at <paramref name="now"/> covers, and the one before it for trends.
    /// Summary: the current UTC hour and the 23 before it (the dashboard's "24h"). Weekly, monthly, quarterly: the last
    /// complete ISO week, month or quarter of <paramref name="zone"/> (a report made on Monday 06:00 covers last week),
    /// its local midnights floored to whole UTC hours.
    /// </summary>
    public static (ReportPeriod Current, ReportPeriod Previous) At(ReportKind kind, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (kind == ReportKind.Summary)
        {
            var end = MetricsWindows.FloorHour(now).AddHours(1);
            return (Summary(end, zone), Summary(end.AddHours(-24), zone));
        }

        var cadence = kind switch
        {
            ReportKind.Weekly => ChecklistCadence.Weekly,
            ReportKind.Monthly => ChecklistCadence.Monthly,
            _ => ChecklistCadence.Quarterly,
        };
        var last = ChecklistPeriod.At(cadence, now, zone).Previous;
        return (Calendar(kind, last, zone), Calendar(kind, last.Previous, zone));
    }

    private static ReportPeriod Summary(DateTimeOffset end, TimeZoneInfo zone)
    {
        var localEnd = TimeZoneInfo.ConvertTime(end, zone);
        var localStart = TimeZoneInfo.ConvertTime(end.AddHours(-24), zone);
        var label = string.Create(CultureInfo.InvariantCulture, $"24 hours · {localStart:d MMM HH:mm} – {localEnd:d MMM yyyy HH:mm}");
        return new ReportPeriod(ReportKind.Summary, localEnd.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture), label, end.AddHours(-24), end);
    }

    private static ReportPeriod Calendar(ReportKind kind, ChecklistPeriod period, TimeZoneInfo zone) =>
        new(kind, period.Key, period.Label, MetricsWindows.FloorHour(period.StartUtc(zone)), MetricsWindows.FloorHour(period.EndUtc(zone)));
}
