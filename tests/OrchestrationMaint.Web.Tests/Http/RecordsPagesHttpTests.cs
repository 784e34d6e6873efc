using System.Net;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Web.Tests.Http;

/// <summary>The contacts and incident pages over real HTTP: prerendered, linked from the menu, unknown ids said plainly.</summary>
public sealed class RecordsPagesHttpTests(TestApp app) : IClassFixture<TestApp>
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(AppUrls.Contacts, "Escalation contacts")]
    [InlineData(AppUrls.Incidents, "No resolved incidents match.")]
    [InlineData("/incidents?type=Nonsense&severity=&from=not-a-date", "Incidents")]
    [InlineData("/incidents/424242", "There is no incident #424242.")]
    [InlineData(AppUrls.Home, "Nobody to call yet.")]
    public async Task RecordsPages_FreshApp_PrerenderWithTheirContent(string path, string expected)
    {
        using var client = app.CreateRealClient();

        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains(expected, html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{AppUrls.Incidents}\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{AppUrls.Contacts}\"", html, StringComparison.Ordinal);
    }
}
