using System.Net;
using System.Text.Json;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Web.Tests.Http;

public sealed class DemoAppHttpTests(TestApp app) : IClassFixture<TestApp>
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task HealthLive_OverRealHttp_ReturnsHealthy()
    {
        using var client = app.CreateRealClient();

        using var response = await client.GetAsync(AppUrls.HealthLive, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("checks").GetArrayLength());
    }

    [Fact]
    public async Task HealthReady_DemoTarget_ReportsDatabaseAndTargetHealthy()
    {
        using var client = app.CreateRealClient();

        using var response = await client.GetAsync(AppUrls.HealthReady, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("Healthy", checks["database"]);
        Assert.Equal("Healthy", checks["target"]);
    }

    [Fact]
    public async Task TargetPage_FirstStart_CreatesTheDemoTargetAndShowsItsLayout()
    {
        using var client = app.CreateRealClient();

        var html = await client.GetStringAsync(AppUrls.Target, Ct);

        var root = Path.Combine(app.DataDirectory, "demo", "target");
        Assert.True(File.Exists(Path.Combine(root, "logs", "metrics.jsonl")));
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "orchestration-maint.db")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(app.DataDirectory, "keys"), "key-*.xml"));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(app.DataDirectory, "logs"), "orchestration-maint-*.clef"));
        Assert.Contains(root, html, StringComparison.Ordinal);
        Assert.Contains("Target ready.", html, StringComparison.Ordinal);
        Assert.Contains("scripts/distribute-orchestration-files.sh", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/assets/css/app.css", "text/css")]
    [InlineData("/assets/css/fonts.css", "text/css")]
    [InlineData("/assets/fonts/roboto-latin-400-normal.woff2", "font/woff2")]
    [InlineData("/assets/favicon.svg", "image/svg+xml")]
    [InlineData("/assets/js/app.js", "text/javascript")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css", "text/css")]
    public async Task StaticAssets_SelfHosted_AreServed(string path, string contentType)
    {
        using var client = app.CreateRealClient();

        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(AppUrls.Home)]
    [InlineData("/assets/css/app.css")]
    [InlineData("/assets/css/fonts.css")]
    public async Task PageAndStyles_LoadNothingFromAnotherHost(string path)
    {
        using var client = app.CreateRealClient();

        var text = await client.GetStringAsync(path, Ct);

        Assert.DoesNotContain("https://", text, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPath_Returns404WithTheAppsOwnPage()
    {
        using var client = app.CreateRealClient();

        using var response = await client.GetAsync("/no/such/page", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
