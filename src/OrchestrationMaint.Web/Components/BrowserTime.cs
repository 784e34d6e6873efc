using System.Globalization;
using OrchestrationMaint.Core;

namespace OrchestrationMaint.Web.Components;

/// <summary>
/// The reader's time zone, as their browser reports it: times are stored in UTC and shown in it.
/// wwwroot-assets/js/app.js keeps it in the <c>om-tz</c> cookie, read while prerendering so the first
/// paint is already local; Routes.razor asks the browser once more when the circuit starts (a first
/// visit, a laptop that travelled) and cascades this to every component (pages, dialogs, the layout).
/// Components take it as <c>[CascadingParameter] BrowserTime?</c> and fall back to <see cref="Utc"/>.
/// </summary>
public sealed record BrowserTime(TimeZoneInfo Zone)
{
    public const string CookieName = "om-tz";

    public static readonly BrowserTime Utc = new(TimeZoneInfo.Utc);

    /// <summary>The zone's IANA name ("Europe/Berlin", "UTC"), shown beside times and in column headers.</summary>
    public string Name => Zone.Id;

    public bool IsUtc => Zone == TimeZoneInfo.Utc || Zone.Id is "UTC" or "Etc/UTC";

    public static BrowserTime? FromId(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? new BrowserTime(zone) : null;

    public static string? Read(HttpRequest request) => request.Cookies[CookieName];

    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    /// <summary>"2026-11-29 14:03:05", in the browser's zone.</summary>
    public string Format(DateTimeOffset at) => Format(at, "yyyy-MM-dd HH:mm:ss");

    public string Format(DateTimeOffset at, string format) => Local(at).ToString(format, CultureInfo.InvariantCulture);

    /// <summary>"14:03" when it is today in the browser's zone, else the date and time without seconds.</summary>
    public string Brief(DateTimeOffset at, DateTimeOffset now) => Local(at).Date == Local(now).Date
        ? Format(at, "HH:mm")
        : Format(at, "yyyy-MM-dd HH:mm");

    /// <summary>"today 09:03", "Sat 28 Nov 09:03" or "28 Nov 2025 09:03" (with " UTC" when that is the zone).</summary>
    public string Friendly(DateTimeOffset at, DateTimeOffset now)
    {
        var local = Local(at);
        var today = Local(now).Date;
        var text = local.Date == today ? "today " + local.ToString("HH:mm", CultureInfo.InvariantCulture)
            : local.Year == today.Year ? local.ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture)
            : local.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture);
        return IsUtc ? text + " UTC" : text;
    }

    /// <summary>What the times on a page are in: "Europe/Berlin (UTC+01:00)".</summary>
    public string ZoneLabel(DateTimeOffset at)
    {
        var offset = Zone.GetUtcOffset(at);
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return IsUtc ? "UTC" : $"{Zone.Id} (UTC{sign}{offset:hh\\:mm})";
    }

    /// <summary>The start of a calendar day in the browser's zone, as an instant (date filters mean the operator's days).</summary>
    public DateTimeOffset StartOfDay(DateOnly day) => ZonedTime.StartOfDay(day, Zone);

    /// <summary>The exact instant, for a tooltip: "2026-11-29 09:03:12 UTC".</summary>
    public static string Exact(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>"in 3 h 10 min", "in 5 min", "12 min ago", "2 d ago": how far <paramref name="at"/> is from <paramref name="now"/>.</summary>
    public static string Relative(DateTimeOffset at, DateTimeOffset now)
    {
        var span = at - now;
        var ahead = span >= TimeSpan.Zero;
        var size = span.Duration();
        var text = size.TotalMinutes < 1 ? "less than a minute"
            : size.TotalHours < 1 ? $"{(int)size.TotalMinutes} min"
            : size.TotalHours < 10 && size.Minutes > 0 ? $"{(int)size.TotalHours} h {size.Minutes} min"
            : size.TotalDays < 2 ? $"{(int)Math.Round(size.TotalHours)} h"
            : $"{(int)Math.Round(size.TotalDays)} d";
        return ahead ? $"in {text}" : $"{text} ago";
    }
}
