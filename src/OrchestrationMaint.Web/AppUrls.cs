namespace OrchestrationMaint.Web;

/// <summary>Every route the app serves, built in one place.</summary>
public static class AppUrls
{
    public const string Home = "/";
    public const string Error = "/error";
    public const string NotFound = "/not-found";
    public const string HealthLive = "/health/live";
    public const string HealthReady = "/health/ready";
}
