using OrchestrationMaint.Core.Records.Checklist;

namespace OrchestrationMaint.Core.Tests.Records;

public sealed class ChecklistPeriodTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static DateOnly Day(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2026-11-29", "2026-W48", "2026-11-23", "2026-11-29")] // a Sunday closes its week
    [InlineData("2026-11-30", "2026-W49", "2026-11-30", "2026-12-06")] // a Monday opens one
    [InlineData("2026-12-31", "2026-W53", "2026-12-28", "2027-01-03")] // 2026 has 53 weeks
    [InlineData("2027-01-03", "2026-W53", "2026-12-28", "2027-01-03")] // January days can belong to the old year
    [InlineData("2027-01-04", "2027-W01", "2027-01-04", "2027-01-10")]
    [InlineData("2024-12-30", "2025-W01", "2024-12-30", "2025-01-05")] // December days can belong to the new year
    [InlineData("2021-01-01", "2020-W53", "2020-12-28", "2021-01-03")]
    [InlineData("2019-12-30", "2020-W01", "2019-12-30", "2020-01-05")]
    [InlineData("2024-02-29", "2024-W09", "2024-02-26", "2024-03-03")]
    public void Containing_Weekly_IsTheIsoWeekWithItsWeekYear(string day, string key, string first, string last)
    {
        var week = ChecklistPeriod.Containing(ChecklistCadence.Weekly, Day(day));

        Assert.Equal(key, week.Key);
        Assert.Equal(Day(first), week.FirstDay);
        Assert.Equal(Day(last), week.LastDay);
        Assert.Equal(DayOfWeek.Monday, week.FirstDay.DayOfWeek);
    }

    [Fact]
    public void Weekly_PreviousAndNextAcrossYearEnds_FollowIsoNumbering()
    {
        var first2027 = ChecklistPeriod.Containing(ChecklistCadence.Weekly, Day("2027-01-05"));

        Assert.Equal("2026-W53", first2027.Previous.Key);
        Assert.Equal("2027-W01", first2027.Previous.Next.Key);
        Assert.Equal("2024-W52", ChecklistPeriod.Containing(ChecklistCadence.Weekly, Day("2025-01-01")).Previous.Key);
        Assert.Equal("2026-W01", ChecklistPeriod.Containing(ChecklistCadence.Weekly, Day("2025-12-28")).Next.Key);
    }

    [Fact]
    public void Weekly_EveryWeekOfTenYears_HasSevenDaysAndConsecutiveKeys()
    {
        var week = ChecklistPeriod.Containing(ChecklistCadence.Weekly, Day("2019-12-30"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 522; i++)
        {
            Assert.Equal(6, week.LastDay.DayNumber - week.FirstDay.DayNumber);
            Assert.True(seen.Add(week.Key), $"{week.Key} came twice");
            var next = week.Next;
            Assert.Equal(week.LastDay.AddDays(1), next.FirstDay);
            var (year, number) = (int.Parse(week.Key[..4], System.Globalization.CultureInfo.InvariantCulture), int.Parse(week.Key[6..], System.Globalization.CultureInfo.InvariantCulture));
            var (nextYear, nextNumber) = (int.Parse(next.Key[..4], System.Globalization.CultureInfo.InvariantCulture), int.Parse(next.Key[6..], System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(nextYear == year ? nextNumber == number + 1 : nextYear == year + 1 && nextNumber == 1 && number is 52 or 53, $"{week.Key} -> {next.Key}");
            week = next;
        }
    }

    [Theory]
    [InlineData("2024-02-10", "2024-02", "2024-02-01", "2024-02-29")] // leap year
    [InlineData("2026-02-28", "2026-02", "2026-02-01", "2026-02-28")]
    [InlineData("2026-12-31", "2026-12", "2026-12-01", "2026-12-31")]
    [InlineData("2027-01-01", "2027-01", "2027-01-01", "2027-01-31")]
    public void Containing_Monthly_IsTheCalendarMonth(string day, string key, string first, string last)
    {
        var month = ChecklistPeriod.Containing(ChecklistCadence.Monthly, Day(day));

        Assert.Equal((key, Day(first), Day(last)), (month.Key, month.FirstDay, month.LastDay));
    }

    [Theory]
    [InlineData("2026-01-01", "2026-Q1", "2026-01-01", "2026-03-31")]
    [InlineData("2026-03-31", "2026-Q1", "2026-01-01", "2026-03-31")]
    [InlineData("2026-04-01", "2026-Q2", "2026-04-01", "2026-06-30")]
    [InlineData("2026-09-30", "2026-Q3", "2026-07-01", "2026-09-30")]
    [InlineData("2026-11-29", "2026-Q4", "2026-10-01", "2026-12-31")]
    public void Containing_Quarterly_IsTheCalendarQuarter(string day, string key, string first, string last)
    {
        var quarter = ChecklistPeriod.Containing(ChecklistCadence.Quarterly, Day(day));

        Assert.Equal((key, Day(first), Day(last)), (quarter.Key, quarter.FirstDay, quarter.LastDay));
    }

    [Fact]
    public void PreviousAndNext_AcrossYearEnd_ForMonthsQuartersAndDays()
    {
        Assert.Equal("2025-12", ChecklistPeriod.Containing(ChecklistCadence.Monthly, Day("2026-01-15")).Previous.Key);
        Assert.Equal("2027-01", ChecklistPeriod.Containing(ChecklistCadence.Monthly, Day("2026-12-15")).Next.Key);
        Assert.Equal("2026-Q4", ChecklistPeriod.Containing(ChecklistCadence.Quarterly, Day("2027-02-01")).Previous.Key);
        Assert.Equal("2027-Q1", ChecklistPeriod.Containing(ChecklistCadence.Quarterly, Day("2026-12-31")).Next.Key);
        Assert.Equal("2024-02-29", ChecklistPeriod.Containing(ChecklistCadence.Daily, Day("2024-03-01")).Previous.Key);
        Assert.Equal("2027-01-01", ChecklistPeriod.Containing(ChecklistCadence.Daily, Day("2026-12-31")).Next.Key);
    }

    [Theory]
    [InlineData(ChecklistCadence.Daily, "2027-01-01", "2026-12-31")]
    [InlineData(ChecklistCadence.Weekly, "2026-W53", "2026-W53")]
    [InlineData(ChecklistCadence.Monthly, "2027-01", "2026-12")]
    [InlineData(ChecklistCadence.Quarterly, "2027-Q1", "2026-Q4")]
    public void At_HalfAnHourBeforeUtcMidnightOnNewYearsEve_IsAlreadyNextYearInBerlin(ChecklistCadence cadence, string berlin, string utc)
    {
        var instant = Utc("2026-12-31T23:30:00Z");

        Assert.Equal(berlin, ChecklistPeriod.At(cadence, instant, Berlin).Key);
        Assert.Equal(utc, ChecklistPeriod.At(cadence, instant, TimeZoneInfo.Utc).Key);
    }

    [Fact]
    public void StartAndEnd_BerlinSpringForward_DayHas23HoursAndWeek167()
    {
        var day = ChecklistPeriod.Containing(ChecklistCadence.Daily, Day("2026-03-29"));
        var week = ChecklistPeriod.Containing(ChecklistCadence.Weekly, Day("2026-03-29"));

        Assert.Equal(Utc("2026-03-28T23:00:00Z"), day.StartUtc(Berlin));
        Assert.Equal(Utc("2026-03-29T22:00:00Z"), day.EndUtc(Berlin));
        Assert.Equal(TimeSpan.FromHours(23), day.EndUtc(Berlin) - day.StartUtc(Berlin));
        Assert.Equal(TimeSpan.FromHours(167), week.EndUtc(Berlin) - week.StartUtc(Berlin));
        Assert.Equal(day.Next.StartUtc(Berlin), day.EndUtc(Berlin));
    }

    [Fact]
    public void StartAndEnd_BerlinFallBack_DayHas25HoursAndBothTwoThirtiesBelongToIt()
    {
        var day = ChecklistPeriod.Containing(ChecklistCadence.Daily, Day("2026-10-25"));
        var week = ChecklistPeriod.Containing(ChecklistCadence.Weekly, Day("2026-10-25"));

        Assert.Equal(TimeSpan.FromHours(25), day.EndUtc(Berlin) - day.StartUtc(Berlin));
        Assert.Equal(TimeSpan.FromHours(169), week.EndUtc(Berlin) - week.StartUtc(Berlin));
        // 02:30 happens twice that night, at 00:30Z (summer time) and 01:30Z (winter time): both are that day.
        Assert.Equal("2026-10-25", ChecklistPeriod.At(ChecklistCadence.Daily, Utc("2026-10-25T00:30:00Z"), Berlin).Key);
        Assert.Equal("2026-10-25", ChecklistPeriod.At(ChecklistCadence.Daily, Utc("2026-10-25T01:30:00Z"), Berlin).Key);
        Assert.True(day.Contains(Utc("2026-10-25T22:59:59Z"), Berlin));
        Assert.False(day.Contains(Utc("2026-10-25T23:00:00Z"), Berlin));
    }

    [Fact]
    public void StartUtc_ZoneThatSkipsMidnight_StartsAtTheFirstMinuteThatExists()
    {
        // Chile moved its clocks from 00:00 to 01:00 on 2022-09-11: that day has no midnight and 23 hours.
        var santiago = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");
        var day = ChecklistPeriod.Containing(ChecklistCadence.Daily, Day("2022-09-11"));

        Assert.Equal(Utc("2022-09-11T04:00:00Z"), day.StartUtc(santiago));
        Assert.Equal(TimeSpan.FromHours(23), day.EndUtc(santiago) - day.StartUtc(santiago));
        Assert.Equal(day.StartUtc(santiago), day.Previous.EndUtc(santiago));
        Assert.Equal("2022-09-11", ChecklistPeriod.At(ChecklistCadence.Daily, Utc("2022-09-11T04:00:00Z"), santiago).Key);
        Assert.Equal("2022-09-10", ChecklistPeriod.At(ChecklistCadence.Daily, Utc("2022-09-11T03:59:59Z"), santiago).Key);
    }

    [Fact]
    public void Periods_OfAYearInBerlin_TileTimeWithoutGapsOrOverlaps()
    {
        foreach (var cadence in Enum.GetValues<ChecklistCadence>())
        {
            var period = ChecklistPeriod.Containing(cadence, Day("2026-01-01"));
            while (period.FirstDay.Year < 2027)
            {
                Assert.Equal(period.EndUtc(Berlin), period.Next.StartUtc(Berlin));
                Assert.True(period.Contains(period.StartUtc(Berlin), Berlin));
                Assert.Equal(period, ChecklistPeriod.At(cadence, period.EndUtc(Berlin).AddTicks(-1), Berlin));
                period = period.Next;
            }
        }
    }

    [Theory]
    [InlineData(ChecklistCadence.Daily, "2026-11-29", "Sun 29 Nov 2026")]
    [InlineData(ChecklistCadence.Weekly, "2026-11-29", "Week 48 · 23–29 Nov 2026")]
    [InlineData(ChecklistCadence.Weekly, "2026-12-01", "Week 49 · 30 Nov – 6 Dec 2026")]
    [InlineData(ChecklistCadence.Weekly, "2026-12-31", "Week 53 · 28 Dec 2026 – 3 Jan 2027")]
    [InlineData(ChecklistCadence.Monthly, "2026-11-29", "November 2026")]
    [InlineData(ChecklistCadence.Quarterly, "2026-11-29", "Q4 2026 · Oct–Dec")]
    public void Label_SaysWhichPeriodInWords(ChecklistCadence cadence, string day, string label) =>
        Assert.Equal(label, ChecklistPeriod.Containing(cadence, Day(day)).Label);

    [Theory]
    [InlineData(true, true, false, ChecklistState.Done)]
    [InlineData(false, true, true, ChecklistState.Open)]
    [InlineData(false, false, false, ChecklistState.Open)] // the previous period did not apply (a new item)
    [InlineData(false, true, false, ChecklistState.Overdue)]
    public void StateOf_TickedNowAndThePreviousPeriod_GiveTheState(bool tickedNow, bool previousApplied, bool previousTicked, ChecklistState expected) =>
        Assert.Equal(expected, ChecklistRow.StateOf(tickedNow, previousApplied, previousTicked));
}

public sealed class ChecklistOptionsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("UTC")]
    [InlineData("Europe/Berlin")]
    [InlineData(" America/Santiago ")]
    public void Validator_KnownZoneOrEmpty_Passes(string zone) =>
        Assert.True(new ChecklistOptionsValidator().Validate(null, new ChecklistOptions { TimeZone = zone }).Succeeded);

    [Fact]
    public void Validator_UnknownZone_FailsWithASentenceNamingTheSetting()
    {
        var result = new ChecklistOptionsValidator().Validate(null, new ChecklistOptions { TimeZone = "Mars/Olympus" });

        Assert.Equal("Checklist:TimeZone 'Mars/Olympus' is not a time zone this machine knows: use an IANA name such as Europe/Berlin or UTC, or leave it empty for the machine's own zone.",
            result.FailureMessage);
    }

    [Fact]
    public void Zone_Empty_IsTheMachinesLocalZone() => Assert.Equal(TimeZoneInfo.Local, new ChecklistOptions().Zone);
}
