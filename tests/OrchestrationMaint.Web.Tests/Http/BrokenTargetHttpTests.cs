using System.Net;
using System.Text.Json;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Web.Tests.Http;

public sealed class BrokenTargetHttpTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task MissingTargetRoot_AppStillServes_AndSaysExactlyWhatIsWrong()
    {
        using var elsewhere = new TempDirectory();
        var root = elsewhere.Combine("does-not-exist");
        await using var app = new TestApp(new Dictionary<string, string?> { ["Target:Root"] = root });
        using var client = app.CreateRealClient();

        var html = await client.GetStringAsync(AppUrls.Home, Ct) + await client.GetStringAsync(AppUrls.Target, Ct);
        using var ready = await client.GetAsync(AppUrls.HealthReady, Ct);
        using var live = await client.GetAsync(AppUrls.HealthLive, Ct);

        Assert.Contains("Target unreachable.", html, StringComparison.Ordinal);
        Assert.Contains($"The target root &#x27;{root}&#x27; does not exist.", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Ct));
        var target = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "target");
        Assert.Contains("does not exist", target.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        // A configured target is never created or touched, and no demo is made instead.
        Assert.False(Directory.Exists(root));
        Assert.False(Directory.Exists(Path.Combine(app.DataDirectory, "demo")));
    }

    [Fact]
    public async Task IncompleteTarget_IsDegradedButReady()
    {
        using var target = new TempDirectory();
        Directory.CreateDirectory(target.Combine("scripts"));
        await using var app = new TestApp(new Dictionary<string, string?> { ["Target:Root"] = target.Path, ["Target:Name"] = "prod-orchestrator" });
        using var client = app.CreateRealClient();

        using var ready = await client.GetAsync(AppUrls.HealthReady, Ct);
        var html = await client.GetStringAsync(AppUrls.Target, Ct);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"status\": \"Degraded\"", await ready.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("prod-orchestrator", html, StringComparison.Ordinal);
        Assert.Contains("Target incomplete.", html, StringComparison.Ordinal);
        Assert.Equal(["scripts"], Directory.GetFileSystemEntries(target.Path).Select(Path.GetFileName));
    }
}
