using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;

namespace OrchestrationMaint.Web.Auth;

/// <summary>
/// Sign-in, roles and the HTTP hardening, in one place. Secure by default: every endpoint needs a signed-in
/// user or an API key (the fallback policy), except sign-in, first-run setup, static files and /health/live.
/// </summary>
public static class AuthSetup
{
    private const string SmartScheme = "CookieOrApiKey";
    public const string SignInLimiter = "sign-in";

    public static WebApplicationBuilder AddOrchestrationMaintAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpContextAccessor();
        new IdentityBuilder(typeof(AppUser), services)
            .AddSignInManager<AppSignInManager>()
            .AddClaimsPrincipalFactory<AppClaimsFactory>();
        // A changed password, role or disabled account ends other sessions within this time on their next request.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
                o.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
            })
            .AddPolicyScheme(SmartScheme, "Cookie or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyService.Header) ? ApiKeyAuthenticationHandler.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "om.auth";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = AppUrls.Login;
            cookie.AccessDeniedPath = AppUrls.AccessDenied;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
            cookie.SlidingExpiration = true;
            cookie.Events = new CookieAuthenticationEvents
            {
                // Machines get a status code, people get the sign-in page.
                OnRedirectToLogin = context => IsMachineEndpoint(context.Request) ? WriteProblemAsync(context.Response, 401, "Sign in, or send an API key in the X-Api-Key header.") : Redirect(context),
                OnRedirectToAccessDenied = context => IsMachineEndpoint(context.Request) ? WriteProblemAsync(context.Response, 403, "Your role does not allow this.") : Redirect(context),
            };
        });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddCascadingAuthenticationState();
        services.AddScoped<AppAuthenticationStateProvider>();
        services.AddScoped<AuthenticationStateProvider>(provider => provider.GetRequiredService<AppAuthenticationStateProvider>());
        services.AddScoped<CurrentActor>();
        services.AddSingleton<SetupToken>();
        services.AddHostedService<FirstRun>();

        // SecurityHeaders sends X-Frame-Options: DENY; antiforgery's own SAMEORIGIN would make it two contradicting headers.
        services.AddAntiforgery(antiforgery => antiforgery.SuppressXFrameOptionsHeader = true);
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(SignInLimiter, context =>
                HttpMethods.IsPost(context.Request.Method)
                    ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.SignInAttemptsPerMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter("reads"));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync("Too many sign-in attempts from your address. Wait a minute, then try again.", cancellationToken);
            };
        });
        return builder;
    }

    /// <summary>Between routing and the endpoints: headers first, then who is asking, then what they may reach.</summary>
    public static WebApplication UseOrchestrationMaintAuth(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        // A service that refuses an API caller throws; the caller gets 403 with the service's sentence, not a 500.
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (AccessDeniedException denied) when (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await WriteProblemAsync(context.Response, StatusCodes.Status403Forbidden, denied.Message);
            }
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The sign-in and setup pages take this rate limit (POSTs only, per client address).</summary>
    public static TBuilder RequireSignInRateLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(SignInLimiter);

    public static bool IsMachineEndpoint(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments(AppUrls.Prometheus) || request.Path.StartsWithSegments("/_blazor")
        || request.Headers.ContainsKey(ApiKeyService.Header);

    private static Task Redirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private static Task WriteProblemAsync(HttpResponse response, int status, string title)
    {
        response.StatusCode = status;
        // A body, so the status-code page does not replace the answer with HTML.
        return response.WriteAsJsonAsync(new { title, status });
    }
}
