namespace OrchestrationMaint.Core.Metrics;

public enum MetricsWindow
{
    Last24Hours,
    Last7Days,
    Last30Days,
    All,
}

public static class MetricsWindows
{
    /// <summary>The URL and API spelling: 24h, 7d, 30d, all.</summary>
    public static string ToKey(this MetricsWindow window) => window switch
    {
        MetricsWindow.Last24Hours => "24h",
        MetricsWindow.Last7Days => "7d",
        MetricsWindow.Last30Days => "30d",
        _ => "all",
    };

    public static bool TryParse(string? key, out MetricsWindow window)
    {
        window = key?.ToLowerInvariant() switch
        {
            "24h" => MetricsWindow.Last24Hours,
            "7d" => MetricsWindow.Last7Days,
            "30d" => MetricsWindow.Last30Days,
            "all" or null or "" => MetricsWindow.All,
            _ => (MetricsWindow)(-1),
        };
        return Enum.IsDefined(window);
    }

    /// <summary>
    /// Windows are whole UTC hours: "24h" is the current hour and the 23 before it. Figures are kept per
    /// hour, so this is the exact definition every figure (and every test's independent truth) uses.
    /// </summary>
    public static DateTimeOffset? Start(this MetricsWindow window, DateTimeOffset now)
    {
        var hours = window switch
        {
            MetricsWindow.Last24Hours => 24,
            MetricsWindow.Last7Days => 7 * 24,
            MetricsWindow.Last30Days => 30 * 24,
            _ => 0,
        };
        return hours == 0 ? null : FloorHour(now).AddHours(1 - hours);
    }

    public static DateTimeOffset FloorHour(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerHour), TimeSpan.Zero);
    }
}
