using OrchestrationMaint.Core.Metrics;

namespace OrchestrationMaint.Web;

/// <summary>Every route the app serves, built in one place.</summary>
public static class AppUrls
{
    public const string Home = "/";
    public const string Target = "/target";
    public const string Settings = "/settings";
    public const string Logs = "/logs";
    public const string Error = "/error";
    public const string NotFound = "/not-found";
    public const string HealthLive = "/health/live";
    public const string HealthReady = "/health/ready";
    public const string Prometheus = "/metrics";

    public static string LogsFailures(string? operation = null, string? text = null) =>
        $"{Logs}?tab=failures" + (string.IsNullOrEmpty(operation) ? "" : $"&op={Uri.EscapeDataString(operation)}") + (string.IsNullOrEmpty(text) ? "" : $"&q={Uri.EscapeDataString(text)}");

    /// <summary>The dashboard for a window, optionally with the slow table filtered to one operation.</summary>
    public static string Dashboard(MetricsWindow window, string? operation = null) =>
        $"/?window={window.ToKey()}" + (string.IsNullOrEmpty(operation) ? "" : $"&op={Uri.EscapeDataString(operation)}");
}
