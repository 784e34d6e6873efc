using System.Globalization;

namespace OrchestrationMaint.Core.Tests.Records;

public sealed class ZonedTimeTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void ToUtc_TimeTheClocksSkipped_RefusedWithASentence()
    {
        // 2026-03-29 02:30 does not exist in Berlin: the clocks go from 02:00 to 03:00.
        var utc = ZonedTime.ToUtc(new DateTime(2026, 3, 29, 2, 30, 0), Berlin, out var error);

        Assert.Null(utc);
        Assert.Contains("does not exist in Europe/Berlin", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ToUtc_TimeThatHappensTwice_TakesTheFirst()
    {
        // 2026-10-25 02:30 happens twice in Berlin: first at UTC+2 (00:30Z), then at UTC+1 (01:30Z).
        var utc = ZonedTime.ToUtc(new DateTime(2026, 10, 25, 2, 30, 0), Berlin, out var error);

        Assert.Null(error);
        Assert.Equal(DateTimeOffset.Parse("2026-10-25T00:30:00Z", CultureInfo.InvariantCulture), utc);
    }

    [Fact]
    public void StartOfDay_ZoneThatSkipsMidnight_FirstInstantOfTheDay()
    {
        // Santiago moves its clocks at midnight in September: 2026-09-06 starts at 01:00 local.
        var santiago = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");

        var start = ZonedTime.StartOfDay(new DateOnly(2026, 9, 6), santiago);

        Assert.Equal(new DateTime(2026, 9, 6, 1, 0, 0), TimeZoneInfo.ConvertTime(start, santiago).DateTime);
        Assert.Equal(TimeSpan.Zero, start.Offset);
    }
}
