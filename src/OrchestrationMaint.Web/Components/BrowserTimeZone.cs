using System.Globalization;
using Microsoft.JSInterop;

namespace OrchestrationMaint.Web.Components;

/// <summary>
/// The time zone of this tab's browser, asked once per circuit, so times stored in UTC read as the
/// operator's own clock. Until it is known (prerendering, a lost connection) times are shown in UTC and say so.
/// </summary>
public sealed class BrowserTimeZone(IJSRuntime js, TimeProvider clock)
{
    private Task<TimeZoneInfo?>? _asking;

    public TimeZoneInfo? Zone { get; private set; }

    /// <summary>Asks the browser (once); true when the zone is known afterwards.</summary>
    public async Task<bool> ResolveAsync()
    {
        Zone ??= await (_asking ??= AskAsync());
        return Zone is not null;
    }

    private async Task<TimeZoneInfo?> AskAsync()
    {
        try
        {
            var id = await js.InvokeAsync<string?>("orchestrationMaint.timeZone");
            return id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or InvalidOperationException or TaskCanceledException)
        {
            // Prerendering has no browser to ask, and a closing tab cannot answer: UTC it is.
            _asking = null;
            return null;
        }
    }

    /// <summary>"today 09:03", "Sat 28 Nov 09:03" or "28 Nov 2025 09:03", in the browser's zone (or UTC, marked).</summary>
    public string Format(DateTimeOffset at)
    {
        var zone = Zone ?? TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var today = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).Date;
        var text = local.Date == today ? "today " + local.ToString("HH:mm", CultureInfo.InvariantCulture)
            : local.Year == today.Year ? local.ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture)
            : local.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture);
        return Zone is null ? text + " UTC" : text;
    }

    /// <summary>The exact instant, for a tooltip: "2026-11-29 09:03:12 UTC".</summary>
    public static string Exact(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
