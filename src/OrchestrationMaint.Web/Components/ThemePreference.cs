namespace OrchestrationMaint.Web.Components;

/// <summary>The per-browser light/dark choice, kept in a cookie that wwwroot-assets/js/app.js writes.</summary>
public static class ThemePreference
{
    public const string CookieName = "om-theme";

    /// <summary>True for dark, false for light, null when the browser has not chosen (follow the system).</summary>
    public static bool? Read(HttpRequest request) => request.Cookies[CookieName] switch
    {
        "dark" => true,
        "light" => false,
        _ => null,
    };

    public static string ToCookieValue(bool dark) => dark ? "dark" : "light";
}
