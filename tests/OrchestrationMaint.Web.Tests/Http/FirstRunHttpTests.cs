using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrchestrationMaint.Tests;
using OrchestrationMaint.Web.Auth;

namespace OrchestrationMaint.Web.Tests.Http;

/// <summary>A fresh install with no account and no Auth:InitialAdmin: the one-time setup link, and the sign-in rate limit.</summary>
public sealed class FirstRunHttpTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private readonly TestApp _app = new(new Dictionary<string, string?>
    {
        ["Auth:InitialAdmin:UserName"] = null,
        ["Auth:InitialAdmin:Password"] = null,
        ["Auth:SignInAttemptsPerMinute"] = "3",
    });

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SetupLink_WorksOnce_ThenNeverAgain()
    {
        var token = _app.Services.GetRequiredService<SetupToken>();
        Assert.True(token.IsActive);
        var link = $"{AppUrls.Setup}?token={token.Issue()}";
        using var wrong = _app.CreateRealClient(apiKey: null);
        Assert.Contains("This setup link is not valid", await wrong.GetStringAsync($"{AppUrls.Setup}?token=guess", Ct), StringComparison.Ordinal);

        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = _app.BaseAddress };
        using var created = await AuthHttpTests.PostFormAsync(client, link, new() { ["UserName"] = "root", ["Password"] = "first-admin-password", ["Confirm"] = "first-admin-password" });

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(AppUrls.Users, Ct)).StatusCode);
        Assert.False(token.IsActive);
        using var again = _app.CreateRealClient(apiKey: null);
        Assert.Contains("Setup is done", await again.GetStringAsync(link, Ct), StringComparison.Ordinal);
        var accounts = await _app.Services.GetRequiredService<OrchestrationMaint.Core.Access.UserAdmin>().ListAsync(Ct);
        Assert.Equal(("root", OrchestrationMaint.Core.Access.Role.Admin), (Assert.Single(accounts).UserName, accounts[0].Role));
    }

    [Fact]
    public async Task SignIn_MoreAttemptsPerMinuteThanAllowed_Get429()
    {
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = _app.BaseAddress };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var answer = await AuthHttpTests.PostFormAsync(client, AppUrls.Login, new() { ["UserName"] = "nobody", ["Password"] = "whatever-password" });
            statuses.Add(answer.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }
}
