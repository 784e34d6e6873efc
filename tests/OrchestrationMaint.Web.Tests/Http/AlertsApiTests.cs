using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Web.Tests.Http;

/// <summary>An outage appended to the demo target's metrics fires the success-rate alert, seen and acknowledged over real HTTP.</summary>
public sealed class AlertsApiTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly TestApp _app = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });
    private HttpClient _client = default!;

    private string MetricsPath => Path.Combine(_app.DataDirectory, "demo", "target", "logs", "metrics.jsonl");

    public ValueTask InitializeAsync()
    {
        _client = _app.CreateRealClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<JsonElement> GetJsonAsync(string path) => JsonDocument.Parse(await _client.GetStringAsync(path, Ct)).RootElement.Clone();

    /// <summary>Appends failures of this very minute until the rate is far below 95 %, then waits for the alert to fire.</summary>
    private async Task<long> OutageAlertIdAsync()
    {
        await AppendOutageAsync();
        return await FiredAsync("SuccessRate");
    }

    private async Task AppendOutageAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var lines = Enumerable.Range(0, 3000).Select(i =>
            $"{{\"timestamp\": \"{now.AddMilliseconds(-i):yyyy-MM-ddTHH:mm:ssZ}\", \"operation\": \"git_push\", \"status\": \"failure\", \"duration_seconds\": 1.5, \"error\": \"remote unavailable\"}}");
        await File.AppendAllLinesAsync(MetricsPath, lines, Ct);
    }

    /// <summary>The id of the first open alert of this kind, waiting up to 30 s for it to fire.</summary>
    private async Task<long> FiredAsync(string kind)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var list = await GetJsonAsync($"/api/alerts?kind={kind}");
            if (list.GetProperty("alerts").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } alert)
            {
                return alert.GetProperty("id").GetInt64();
            }

            Assert.True(DateTime.UtcNow < deadline, $"no {kind} alert fired within 30 s");
            await Task.Delay(200, Ct);
        }
    }

    [Fact]
    public async Task Alerts_OutageAppended_FiresThenAcknowledgedOnceWithTheNote()
    {
        var id = await OutageAlertIdAsync();
        // 3,000 failures this hour burn the month's budget far faster than 14.4×: the budget alert fires too, critical.
        var burn = await GetJsonAsync($"/api/alerts/{await FiredAsync("ErrorBudgetBurn")}");
        Assert.Equal("Critical", burn.GetProperty("level").GetString());
        Assert.Contains("this hour", burn.GetProperty("message").GetString());
        var alert = await GetJsonAsync($"/api/alerts/{id}");
        Assert.Equal("Firing", alert.GetProperty("state").GetString());
        Assert.Equal("Critical", alert.GetProperty("level").GetString());
        Assert.Contains("Most failures: git_push", alert.GetProperty("message").GetString());
        Assert.Equal("Fired", alert.GetProperty("events")[0].GetProperty("kind").GetString());

        Assert.Contains("orchestration_alerts_open{state=\"Firing\",level=\"Critical\",expected=\"false\"} 2", await _client.GetStringAsync("/metrics", Ct), StringComparison.Ordinal);

        var acknowledged = await _client.PostAsJsonAsync($"/api/alerts/{id}/acknowledge", new { note = "restarting the git remote" }, Ct);
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        var body = JsonDocument.Parse(await acknowledged.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("Acknowledged", body.GetProperty("state").GetString());
        Assert.Equal("key:tests", body.GetProperty("acknowledgedBy").GetString());
        Assert.Equal("restarting the git remote", body.GetProperty("acknowledgeNote").GetString());

        var again = await _client.PostAsJsonAsync($"/api/alerts/{id}/acknowledge", new { note = "" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already acknowledged by key:tests", await again.Content.ReadAsStringAsync(Ct));

        var scraped = await _client.GetStringAsync("/metrics", Ct);
        Assert.Contains("orchestration_alerts_open{state=\"Firing\",level=\"Critical\",expected=\"false\"} 1", scraped, StringComparison.Ordinal);
        Assert.Contains("orchestration_alerts_open{state=\"Acknowledged\",level=\"Critical\",expected=\"false\"} 1", scraped, StringComparison.Ordinal);

        var open = await GetJsonAsync("/api/alerts?status=acknowledged");
        Assert.Contains(open.GetProperty("alerts").EnumerateArray(), a => a.GetProperty("id").GetInt64() == id);
    }

    [Fact]
    public async Task Acknowledge_WithAViewerKey_403AndTheAlertStaysFiring()
    {
        var id = await OutageAlertIdAsync();
        var viewer = await _app.Services.GetRequiredService<ApiKeyService>().CreateAsync(Actor.System, "viewer", Role.Viewer, null, Ct);
        using var client = _app.CreateRealClient(viewer.Secret);

        var refused = await client.PostAsJsonAsync($"/api/alerts/{id}/acknowledge", new { note = "x" }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Firing", (await GetJsonAsync($"/api/alerts/{id}")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Alerts_BadInput_ClearAnswers()
    {
        var badStatus = await _client.GetAsync("/api/alerts?status=burning", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Contains("Use open, firing, acknowledged, resolved or all.", await badStatus.Content.ReadAsStringAsync(Ct));

        var missing = await _client.PostAsJsonAsync("/api/alerts/987654/acknowledge", new { note = "x" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("There is no alert 987654.", await missing.Content.ReadAsStringAsync(Ct));

        using var form = new StringContent("note=x", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        // Not JSON: refused before anything happens (a browser form from another site cannot acknowledge).
        Assert.Contains((await _client.PostAsync("/api/alerts/1/acknowledge", form, Ct)).StatusCode, (HttpStatusCode[])[HttpStatusCode.BadRequest, HttpStatusCode.UnsupportedMediaType]);
    }
}
