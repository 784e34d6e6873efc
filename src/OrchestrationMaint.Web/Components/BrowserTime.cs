using System.Globalization;

namespace OrchestrationMaint.Web.Components;

/// <summary>
/// The reader's time zone, as their browser reports it: times are stored in UTC and shown in it.
/// wwwroot-assets/js/app.js keeps it in the <c>om-tz</c> cookie, read while prerendering so the first
/// paint is already local; Routes.razor asks the browser once more when the circuit starts (a first
/// visit, a laptop that travelled) and cascades this to every component.
/// </summary>
public sealed record BrowserTime(TimeZoneInfo Zone)
{
    public const string CookieName = "om-tz";

    public static readonly BrowserTime Utc = new(TimeZoneInfo.Utc);

    /// <summary>The zone's IANA name ("Europe/Berlin", "UTC"), shown beside times and in column headers.</summary>
    public string Name => Zone.Id;

    public static BrowserTime? FromId(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? new BrowserTime(zone) : null;

    public static string? Read(HttpRequest request) => request.Cookies[CookieName];

    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    public string Format(DateTimeOffset at, string format = "yyyy-MM-dd HH:mm:ss") => Local(at).ToString(format, CultureInfo.InvariantCulture);

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
