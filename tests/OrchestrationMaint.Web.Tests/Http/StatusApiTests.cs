using System.Net;
using System.Text.Json;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Web.Tests.Http;

/// <summary>The API over real HTTP on a generated target, checked against figures computed independently from the file.</summary>
public sealed class StatusApiTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly TestApp _app = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });
    private HttpClient _client = default!;

    private string MetricsPath => Path.Combine(_app.DataDirectory, "demo", "target", "logs", "metrics.jsonl");

    public async ValueTask InitializeAsync()
    {
        _client = _app.CreateRealClient();
        var expected = MetricsTruth.Of(MetricsPath, 10, null).Records;
        await WaitForAsync(async () => (await GetJsonAsync("/api/status?window=all")).GetProperty("metrics").GetProperty("records").GetInt64() == expected);
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var text = await _client.GetStringAsync(path, Ct);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 20 s");
            await Task.Delay(100, Ct);
        }
    }

    [Theory]
    [InlineData("all")]
    [InlineData("24h")]
    [InlineData("7d")]
    [InlineData("30d")]
    public async Task Status_EveryWindow_EqualsTheIndependentlyComputedTruth(string window)
    {
        Assert.True(MetricsWindows.TryParse(window, out var parsed));

        var status = await GetJsonAsync($"/api/status?window={window}");

        var truth = MetricsTruth.Of(MetricsPath, 10, parsed.Start(DateTimeOffset.UtcNow));
        var metrics = status.GetProperty("metrics");
        Assert.Equal(window, metrics.GetProperty("window").GetString());
        Assert.Equal(truth.Records, metrics.GetProperty("records").GetInt64());
        Assert.Equal(truth.Successes, metrics.GetProperty("successes").GetInt64());
        Assert.Equal(truth.Failures, metrics.GetProperty("failures").GetInt64());
        Assert.Equal(truth.Other, metrics.GetProperty("other").GetInt64());
        Assert.Equal(truth.Slow, metrics.GetProperty("slowOperations").GetInt64());
        Assert.Equal(truth.Malformed, metrics.GetProperty("malformedLines").GetInt64());
        Assert.Equal(Math.Round(truth.SuccessRate!.Value, 4), metrics.GetProperty("successRate").GetDouble());
        Assert.True(status.GetProperty("target").GetProperty("reachable").GetBoolean());
        Assert.InRange(status.GetProperty("disk").GetProperty("usedPercent").GetDouble(), 0, 100);
        Assert.True(status.GetProperty("disk").GetProperty("logsBytes").GetInt64() > 0);
    }

    [Fact]
    public async Task Status_UnknownWindow_Is400WithASentence()
    {
        using var response = await _client.GetAsync("/api/status?window=1y", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Unknown window '1y': use all, 24h, 7d or 30d.", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_AfterTheFirstRun_ListsEveryCheckWithDetails()
    {
        await WaitForAsync(async () => (await GetJsonAsync("/api/health")).GetArrayLength() == 12);

        var checks = (await GetJsonAsync("/api/health")).EnumerateArray().ToList();

        Assert.Equal(
            ["main-script", "modules", "module-loading", "config", "git", "disk", "logs-size", "backups", "metrics-freshness", "success-rate", "slow-operations", "access-profiles"],
            checks.Select(c => c.GetProperty("key").GetString()));
        var git = checks.Single(c => c.GetProperty("key").GetString() == "git");
        Assert.Equal("Healthy", git.GetProperty("status").GetString());
        Assert.Contains(git.GetProperty("details").EnumerateArray(), d => d.GetString()!.StartsWith("origin ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlowAndOperations_FollowTheFileAndTheLimit()
    {
        var truth = MetricsTruth.Of(MetricsPath, 10, null);

        var slow = await GetJsonAsync("/api/metrics/slow?window=all&limit=5");
        var operations = await GetJsonAsync("/api/metrics/operations?window=all");
        using var tooMany = await _client.GetAsync("/api/metrics/slow?limit=100000", Ct);

        Assert.Equal(5, slow.GetArrayLength());
        Assert.All(slow.EnumerateArray(), s => Assert.True(s.GetProperty("durationSeconds").GetDouble() > 10));
        Assert.Equal(truth.Operations.Keys.Order(), operations.EnumerateArray().Select(o => o.GetProperty("operation").GetString()).Order());
        foreach (var operation in operations.EnumerateArray())
        {
            var name = operation.GetProperty("operation").GetString()!;
            Assert.Equal(truth.Operations[name].Count, operation.GetProperty("count").GetInt64());
            Assert.Equal(truth.Operations[name].Max, operation.GetProperty("max").GetDouble());
        }

        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }

    [Fact]
    public async Task Prometheus_Scrape_ExposesTheSameFigures()
    {
        var truth = MetricsTruth.Of(MetricsPath, 10, null);

        var text = await _client.GetStringAsync("/metrics", Ct);

        Assert.Contains($"orchestration_records{{window=\"all\"}} {truth.Records}", text, StringComparison.Ordinal);
        Assert.Contains($"orchestration_slow_operations{{window=\"all\"}} {truth.Slow}", text, StringComparison.Ordinal);
        Assert.Contains($"orchestration_malformed_lines{{window=\"all\"}} {truth.Malformed}", text, StringComparison.Ordinal);
        Assert.Contains("orchestration_slow_threshold_seconds 10", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE orchestration_success_rate_percent gauge", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_LinesAppendedWhileRunning_AreCountedWithinASecondOrTwo()
    {
        var before = (await GetJsonAsync("/api/status")).GetProperty("metrics").GetProperty("records").GetInt64();
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        await File.AppendAllTextAsync(MetricsPath, $"{{\"timestamp\": \"{now}\", \"operation\": \"api_test\", \"status\": \"failure\", \"duration_seconds\": 1}}\n", Ct);

        await WaitForAsync(async () => (await GetJsonAsync("/api/status")).GetProperty("metrics").GetProperty("records").GetInt64() == before + 1);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }
}
