using Cronos;

namespace OrchestrationMaint.Core.Scheduling;

/// <summary>Parsing and stepping cron expressions with Cronos, with messages a person can act on.</summary>
public static class CronSchedule
{
    public static bool TryParse(string? expression, string? timeZone, out CronExpression? cron, out TimeZoneInfo? zone, out string? error)
    {
        cron = null;
        zone = null;
        error = null;
        if (string.IsNullOrWhiteSpace(expression))
        {
            error = "Enter a cron expression with five fields: minute hour day-of-month month day-of-week, e.g. 0 9 * * *.";
            return false;
        }

        try
        {
            cron = CronExpression.Parse(expression.Trim(), CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            error = $"'{expression.Trim()}' is not a valid cron expression: {ex.Message} Use five fields: minute hour day-of-month month day-of-week, e.g. 0 9 * * *.";
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone.Trim());
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            error = $"'{timeZone}' is not a time zone this machine knows. Use an IANA name such as UTC or Europe/Berlin.";
            cron = null;
            return false;
        }

        return true;
    }

    /// <summary>The next <paramref name="count"/> occurrences after <paramref name="from"/>, in UTC.</summary>
    public static IReadOnlyList<DateTimeOffset> Next(CronExpression cron, TimeZoneInfo zone, DateTimeOffset from, int count)
    {
        var occurrences = new List<DateTimeOffset>(count);
        var cursor = from.ToUniversalTime();
        while (occurrences.Count < count && cron.GetNextOccurrence(cursor, zone) is { } next)
        {
            occurrences.Add(next.ToUniversalTime());
            cursor = next;
        }

        return occurrences;
    }

    /// <summary>Occurrences in (<paramref name="after"/>, <paramref name="upTo"/>]: how many, the newest and the one before it.</summary>
    public static (int Count, DateTimeOffset? Latest, DateTimeOffset? Previous) Due(CronExpression cron, TimeZoneInfo zone, DateTimeOffset after, DateTimeOffset upTo)
    {
        // Down for years with an every-minute schedule is millions of occurrences; a year back is plenty to count.
        var from = after < upTo.AddDays(-366) ? upTo.AddDays(-366) : after;
        var count = 0;
        DateTimeOffset? latest = null, previous = null;
        foreach (var occurrence in cron.GetOccurrences(from.UtcDateTime, upTo.UtcDateTime, zone, fromInclusive: false, toInclusive: true))
        {
            count++;
            previous = latest;
            latest = new DateTimeOffset(occurrence, TimeSpan.Zero);
        }

        return (count, latest, previous);
    }
}
