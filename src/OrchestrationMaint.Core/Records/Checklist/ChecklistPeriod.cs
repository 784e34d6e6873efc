using System.Globalization;

namespace OrchestrationMaint.Core.Records.Checklist;

/// <summary>How often a checklist item is due: once per calendar day, ISO week, month or quarter.</summary>
public enum ChecklistCadence
{
    Daily,
    Weekly,
    Monthly,
    Quarterly,
}

/// <summary>
/// One calendar period of a cadence, as whole local days: a day, an ISO week (FirstMidnight to Sunday,
/// numbered by ISOWeek, so 2026-W53 runs into January 2027), a month or a quarter. Pure: the same
/// days give the same key on every machine; only <see cref="StartUtc"/>/<see cref="EndUtc"/> need
/// the time zone the days are read in.
/// </summary>
public readonly record struct ChecklistPeriod(ChecklistCadence Cadence, DateOnly FirstDay, DateOnly LastDay)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The period of <paramref name="cadence"/> that holds <paramref name="day"/>.</summary>
    public static ChecklistPeriod Containing(ChecklistCadence cadence, DateOnly day)
    {
        switch (cadence)
        {
            case ChecklistCadence.Daily:
                return new(cadence, day, day);
            case ChecklistCadence.Weekly:
                var monday = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
                return new(cadence, monday, monday.AddDays(6));
            case ChecklistCadence.Monthly:
                var first = new DateOnly(day.Year, day.Month, 1);
                return new(cadence, first, first.AddMonths(1).AddDays(-1));
            case ChecklistCadence.Quarterly:
                var quarterStart = new DateOnly(day.Year, (day.Month - 1) / 3 * 3 + 1, 1);
                return new(cadence, quarterStart, quarterStart.AddMonths(3).AddDays(-1));
            default:
                throw new ArgumentOutOfRangeException(nameof(cadence), cadence, null);
        }
    }

    /// <summary>The period holding <paramref name="instant"/> as a clock in <paramref name="zone"/> shows it.</summary>
    public static ChecklistPeriod At(ChecklistCadence cadence, DateTimeOffset instant, TimeZoneInfo zone) =>
        Containing(cadence, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime));

    public ChecklistPeriod Previous => Containing(Cadence, FirstDay.AddDays(-1));

    public ChecklistPeriod Next => Containing(Cadence, LastDay.AddDays(1));

    /// <summary>Stable and sortable within a cadence: 2026-11-29, 2026-W48, 2026-11, 2026-Q4. Ticks are unique per item and key.</summary>
    public string Key => Cadence switch
    {
        ChecklistCadence.Daily => FirstDay.ToString("yyyy-MM-dd", Invariant),
        // The ISO week-year, not the calendar year: FirstMidnight 2024-12-30 opens 2025-W01.
        ChecklistCadence.Weekly => string.Create(Invariant, $"{ISOWeek.GetYear(FirstMidnight)}-W{IsoWeek:00}"),
        ChecklistCadence.Monthly => FirstDay.ToString("yyyy-MM", Invariant),
        _ => string.Create(Invariant, $"{FirstDay.Year}-Q{Quarter}"),
    };

    /// <summary>What the page calls it: "Sun 29 Nov 2026", "Week 48 · 23–29 Nov 2026", "November 2026", "Q4 2026 · Oct–Dec".</summary>
    public string Label => Cadence switch
    {
        ChecklistCadence.Daily => FirstDay.ToString("ddd d MMM yyyy", Invariant),
        ChecklistCadence.Weekly => string.Create(Invariant, $"Week {IsoWeek} · {DayRange}"),
        ChecklistCadence.Monthly => FirstDay.ToString("MMMM yyyy", Invariant),
        _ => string.Create(Invariant, $"Q{Quarter} {FirstDay.Year} · {FirstDay:MMM}–{LastDay:MMM}"),
    };

    /// <summary>A column header of the history grid: "29", "W48", "Nov", "Q4" (the full label goes into its title).</summary>
    public string ShortLabel => Cadence switch
    {
        ChecklistCadence.Daily => FirstDay.ToString("ddd d", Invariant),
        ChecklistCadence.Weekly => string.Create(Invariant, $"W{IsoWeek:00}"),
        ChecklistCadence.Monthly => FirstDay.ToString("MMM yy", Invariant),
        _ => string.Create(Invariant, $"Q{Quarter} {FirstDay:yy}"),
    };

    private DateTime FirstMidnight => FirstDay.ToDateTime(TimeOnly.MinValue);

    private int IsoWeek => ISOWeek.GetWeekOfYear(FirstMidnight);

    private int Quarter => (FirstDay.Month - 1) / 3 + 1;

    private string DayRange => FirstDay.Month == LastDay.Month
        ? $"{FirstDay.Day}–{LastDay.ToString("d MMM yyyy", Invariant)}"
        : FirstDay.Year == LastDay.Year
            ? $"{FirstDay.ToString("d MMM", Invariant)} – {LastDay.ToString("d MMM yyyy", Invariant)}"
            : $"{FirstDay.ToString("d MMM yyyy", Invariant)} – {LastDay.ToString("d MMM yyyy", Invariant)}";

    /// <summary>The first instant of the period in <paramref name="zone"/>.</summary>
    public DateTimeOffset StartUtc(TimeZoneInfo zone) => StartOfDay(FirstDay, zone);

    /// <summary>The first instant after the period (exclusive end): a Berlin day is 23 or 25 hours long when the clocks change.</summary>
    public DateTimeOffset EndUtc(TimeZoneInfo zone) => StartOfDay(LastDay.AddDays(1), zone);

    public bool Contains(DateTimeOffset instant, TimeZoneInfo zone) => instant >= StartUtc(zone) && instant < EndUtc(zone);

    /// <summary>
    /// When <paramref name="day"/> begins in <paramref name="zone"/>. Where midnight does not exist (zones that
    /// change the clocks at 00:00, like America/Santiago) the day begins at the first minute that does; where
    /// midnight happens twice, at the first of them.
    /// </summary>
    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // A skipped hour is rarely more than one; a day never starts later than its own end.
        for (var minutes = 0; minutes < 24 * 60 && zone.IsInvalidTime(local); minutes++)
        {
            local = local.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
