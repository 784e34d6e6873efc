using System.Globalization;
using Microsoft.JSInterop;

namespace OrchestrationMaint.Web.Components;

/// <summary>
/// The browser's time zone, for showing stored UTC instants as local times. Read once per circuit
/// through JS (it is unknown while prerendering, so the first paint shows UTC, marked as such).
/// </summary>
public sealed class BrowserTime(IJSRuntime js)
{
    private Task? _loading;

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    /// <summary>False until the browser has said which zone it is in.</summary>
    public bool IsKnown { get; private set; }

    /// <summary>Asks the browser once; call it from OnAfterRenderAsync (JS is not available while prerendering).</summary>
    public Task LoadAsync() => _loading ??= ReadAsync();

    private async Task ReadAsync()
    {
        try
        {
            var id = await js.InvokeAsync<string?>("orchestrationMaint.timeZone");
            if (id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
            {
                Zone = zone;
            }
        }
        catch (JSException)
        {
            // An old browser without Intl time zones: UTC, labelled as such, is still correct.
        }

        IsKnown = true;
    }

    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    /// <summary>"2026-11-29 14:03:05", in the browser's zone.</summary>
    public string Format(DateTimeOffset at) => Local(at).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>"14:03" when it is today in the browser's zone, else the date and time without seconds.</summary>
    public string Brief(DateTimeOffset at, DateTimeOffset now) => Local(at).Date == Local(now).Date
        ? Local(at).ToString("HH:mm", CultureInfo.InvariantCulture)
        : Local(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>What the times on a page are in: "Europe/Berlin (UTC+01:00)".</summary>
    public string ZoneLabel(DateTimeOffset at)
    {
        var offset = Zone.GetUtcOffset(at);
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return Zone == TimeZoneInfo.Utc ? "UTC" : $"{Zone.Id} (UTC{sign}{offset:hh\\:mm})";
    }

    /// <summary>The start of a calendar day in the browser's zone, as an instant (date filters mean the operator's days).</summary>
    public DateTimeOffset StartOfDay(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        // A day that starts inside a DST gap starts at the end of the gap.
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }
}
