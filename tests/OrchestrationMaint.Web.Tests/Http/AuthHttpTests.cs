using System.Net;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Tests;
using OrchestrationMaint.Web.Auth;

namespace OrchestrationMaint.Web.Tests.Http;

/// <summary>Who may reach what, over real HTTP: anonymous callers, API keys of each kind, the sign-in form and its limits.</summary>
public sealed partial class AuthHttpTests(TestApp app) : IClassFixture<TestApp>
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    /// <summary>Every routable page of the app, with a sample value for its route parameters.</summary>
    public static TheoryData<string> ProtectedPages()
    {
        var data = new TheoryData<string>();
        foreach (var page in typeof(AppUrls).Assembly.GetTypes().Where(t => typeof(IComponent).IsAssignableFrom(t)))
        {
            if (page.GetCustomAttribute<Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute>() is not null)
            {
                continue;
            }

            foreach (var route in page.GetCustomAttributes<RouteAttribute>())
            {
                data.Add(RouteParameter().Replace(route.Template, "1"));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ProtectedPages))]
    public async Task Page_Anonymous_RedirectsToSignIn(string path)
    {
        using var client = app.CreateRealClient(apiKey: null);

        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(AppUrls.Login, response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public void ProtectedPages_CoverEveryPageOfTheApp() =>
        // A page added without a route would be missed above; this keeps the list honest.
        Assert.True(ProtectedPages().Count >= 14, $"only {ProtectedPages().Count} pages found");

    [Fact]
    public async Task EveryApiEndpointAndMetrics_Anonymous_Return401()
    {
        using var client = app.CreateRealClient(apiKey: null);
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api", StringComparison.Ordinal) || raw == AppUrls.Prometheus))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => (method, path: RouteParameter().Replace(e.RoutePattern.RawText!, "0123456789abcdef"))))
            .Distinct()
            .ToList();

        Assert.True(endpoints.Count >= 10, $"only {endpoints.Count} API endpoints found");
        foreach (var (method, path) in endpoints)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : new StringContent("{}", Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task BlazorHub_Anonymous_IsRefused()
    {
        using var client = app.CreateRealClient(apiKey: null);

        using var response = await client.PostAsync("/_blazor/negotiate?negotiateVersion=1", null, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task BlazorHub_FromAnotherOrigin_IsRefused()
    {
        using var client = app.CreateRealClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Health_Anonymous_LiveIsOpen_ReadyRevealsNoDetails()
    {
        using var client = app.CreateRealClient(apiKey: null);

        var live = await client.GetAsync(AppUrls.HealthLive, Ct);
        var ready = await client.GetStringAsync(AppUrls.HealthReady, Ct);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.DoesNotContain("checks", ready, StringComparison.Ordinal);
        Assert.DoesNotContain("database", ready, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Responses_CarryTheSecurityHeaders()
    {
        using var client = app.CreateRealClient(apiKey: null);

        using var response = await client.GetAsync(AppUrls.Login, Ct);

        Assert.Equal([SecurityHeaders.ContentSecurityPolicy], response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("script-src 'self';", SecurityHeaders.ContentSecurityPolicy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeys_ValidRevokedExpiredAndWrongRole_AreTreatedAsTheirState()
    {
        var keys = app.Services.GetRequiredService<ApiKeyService>();
        var viewer = await keys.CreateAsync(Actor.System, $"viewer-{Guid.NewGuid():N}", Role.Viewer, null, Ct);
        var operatorKey = await keys.CreateAsync(Actor.System, $"operator-{Guid.NewGuid():N}", Role.Operator, null, Ct);
        var revoked = await keys.CreateAsync(Actor.System, $"revoked-{Guid.NewGuid():N}", Role.Admin, null, Ct);
        await keys.RevokeAsync(Actor.System, revoked.Key.Id, Ct);
        var expired = await keys.CreateAsync(Actor.System, $"expired-{Guid.NewGuid():N}", Role.Admin, DateTimeOffset.UtcNow.AddMilliseconds(200), Ct);
        await Task.Delay(300, Ct);

        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(viewer.Secret, "/api/tasks"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(revoked.Secret, "/api/tasks"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(expired.Secret, "/api/tasks"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync("not-a-key", "/api/tasks"));
        Assert.Equal(HttpStatusCode.Forbidden, await PostStatusAsync(viewer.Secret, "/api/tasks/health-check"));
        Assert.Equal(HttpStatusCode.Accepted, await PostStatusAsync(operatorKey.Secret, "/api/tasks/health-check"));
        Assert.Equal(HttpStatusCode.Forbidden, await PostStatusAsync(operatorKey.Secret, "/api/tasks/fix-permissions"));
        Assert.Equal(HttpStatusCode.Forbidden, await PostStatusAsync(viewer.Secret, "/api/runs/1/cancel"));
        Assert.Equal(HttpStatusCode.Forbidden, await GetStatusAsync(operatorKey.Secret, AppUrls.AuditCsv));

        var (_, denials) = await app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditFilter(Outcome: AuditOutcome.Denied), 0, 100, Ct);
        Assert.Contains(denials, d => d.Actor == $"key:{viewer.Key.Name}" && d.Action == "task.requested" && d.Target == "health-check");
        Assert.Contains(denials, d => d.Actor == $"key:{operatorKey.Key.Name}" && d.Target == "fix-permissions");
        Assert.Contains(denials, d => d.Actor == $"key:{viewer.Key.Name}" && d.Action == "task.cancelled");
    }

    [Fact]
    public async Task AuditCsv_AdminKey_ExportsTheFilteredTrail()
    {
        using var client = app.CreateRealClient();
        using (await client.PostAsync("/api/tasks/health-check", new StringContent("{}", Encoding.UTF8, "application/json"), Ct))
        {
        }

        using var response = await client.GetAsync(AppUrls.AuditFiltered(action: "task.", csv: true), Ct);
        var csv = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("id,at_utc,actor_kind,actor,action,target,outcome,from,details", csv, StringComparison.Ordinal);
        Assert.Contains(",key:tests,task.requested,health-check,Succeeded,", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("signin.", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LockTheAccount_AndEveryAttemptIsAudited()
    {
        var users = app.Services.GetRequiredService<UserAdmin>();
        var name = $"lock{Guid.NewGuid():N}"[..12];
        Assert.True((await users.CreateAsync(Actor.System, name, Role.Viewer, "the-right-password", Ct)).Succeeded);

        for (var i = 0; i < 4; i++)
        {
            Assert.Contains("Wrong user name or password.", await SignInAsync(name, "a-wrong-password"), StringComparison.Ordinal);
        }

        var fifth = await SignInAsync(name, "a-wrong-password");
        var rightButLocked = await SignInAsync(name, "the-right-password");

        Assert.Contains("locked until", fifth, StringComparison.Ordinal);
        Assert.Contains("locked until", rightButLocked, StringComparison.Ordinal);
        var (_, entries) = await app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditFilter(Actor: name, Action: "signin."), 0, 100, Ct);
        Assert.Equal(6, entries.Count(e => e.Action == "signin.failed"));
        Assert.Contains(entries, e => e.Details == "locked out");
    }

    [Fact]
    public async Task SignIn_RightPassword_SetsTheCookieAndOpensTheDashboard()
    {
        var (client, cookies) = NewBrowserLikeClient();
        using (client)
        {
            var answer = await PostFormAsync(client, AppUrls.Login, new() { ["UserName"] = TestApp.AdminUser, ["Password"] = TestApp.AdminPassword });

            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
            Assert.Contains(cookies.GetCookies(app.BaseAddress).Cast<Cookie>(), c => c.Name == "om.auth" && c.HttpOnly);
            using var dashboard = await client.GetAsync(AppUrls.Home, Ct);
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        }
    }

    [Fact]
    public async Task SignOut_WithoutTheFormsToken_IsRefused()
    {
        using var client = app.CreateRealClient(apiKey: null);

        using var response = await client.PostAsync(AppUrls.Logout, new FormUrlEncodedContent([]), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<HttpStatusCode> GetStatusAsync(string key, string path)
    {
        using var client = app.CreateRealClient(key);
        using var response = await client.GetAsync(path, Ct);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> PostStatusAsync(string key, string path)
    {
        using var client = app.CreateRealClient(key);
        using var response = await client.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"), Ct);
        return response.StatusCode;
    }

    /// <summary>Posts the sign-in form as a browser would and returns the page it answers with (or "" after a redirect).</summary>
    private async Task<string> SignInAsync(string user, string password)
    {
        var (client, _) = NewBrowserLikeClient();
        using (client)
        {
            var answer = await PostFormAsync(client, AppUrls.Login, new() { ["UserName"] = user, ["Password"] = password });
            return await answer.Content.ReadAsStringAsync(Ct);
        }
    }

    private (HttpClient Client, CookieContainer Cookies) NewBrowserLikeClient()
    {
        var cookies = new CookieContainer();
        return (new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress }, cookies);
    }

    /// <summary>GETs a server-rendered form, keeps its hidden fields (form name, antiforgery token), fills the named fields and posts it.</summary>
    internal static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, Dictionary<string, string> values)
    {
        var html = await client.GetStringAsync(path, Ct);
        var fields = new List<KeyValuePair<string, string>>();
        foreach (Match input in InputElement().Matches(html))
        {
            var name = WebUtility.HtmlDecode(input.Groups["name"].Value);
            var field = name.Split('.')[^1];
            fields.Add(new(name, values.TryGetValue(field, out var value) ? value : WebUtility.HtmlDecode(ValueAttribute().Match(input.Value).Groups["value"].Value)));
        }

        return await client.PostAsync(path, new FormUrlEncodedContent(fields), Ct);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex("<input[^>]*\\bname=\"(?<name>[^\"]+)\"[^>]*>")]
    private static partial Regex InputElement();

    [GeneratedRegex("\\bvalue=\"(?<value>[^\"]*)\"")]
    private static partial Regex ValueAttribute();
}
