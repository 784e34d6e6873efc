using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Web.Tests.Http;

/// <summary>The task and run API over real HTTP, on the app's own demo target.</summary>
public sealed class TasksApiTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly TestApp _app = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });
    private HttpClient _client = default!;

    private string TargetRoot => Path.Combine(_app.DataDirectory, "demo", "target");

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

    private async Task<HttpResponseMessage> PostAsync(string path, string json = "{}") =>
        await _client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    private async Task<JsonElement> WaitForRunAsync(string url, params string[] states)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var run = await GetJsonAsync(url);
            if (states.Contains(run.GetProperty("state").GetString()))
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, $"run still {run.GetProperty("state")}");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task Tasks_Catalogue_ListsEveryTaskWithItsParameterSchema()
    {
        var tasks = await GetJsonAsync("/api/tasks");

        var keys = tasks.EnumerateArray().Select(t => t.GetProperty("key").GetString()).ToList();
        Assert.Contains("health-check", keys);
        Assert.Contains("fix-permissions", keys);
        var cleanup = tasks.EnumerateArray().Single(t => t.GetProperty("key").GetString() == "log-cleanup");
        Assert.True(cleanup.GetProperty("changesTarget").GetBoolean());
        var retention = cleanup.GetProperty("parameters").EnumerateArray().First();
        Assert.Equal(("retentionDays", "Number", 30, 1), (retention.GetProperty("name").GetString(), retention.GetProperty("kind").GetString(),
            retention.GetProperty("default").GetInt32(), retention.GetProperty("min").GetInt32()));
    }

    [Fact]
    public async Task Post_HealthCheck_Returns202WithTheRunUrlAndTheRunSucceeds()
    {
        var response = await PostAsync("/api/tasks/health-check");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var url = queued.GetProperty("url").GetString()!;
        Assert.Equal(url, response.Headers.Location?.OriginalString);
        var run = await WaitForRunAsync(url, "Succeeded", "Failed");
        Assert.Equal("Succeeded", run.GetProperty("state").GetString());
        // The provisioned key's name: who asked, not merely "the API".
        Assert.Equal(("tests", "Api"), (run.GetProperty("requestedBy").GetString(), run.GetProperty("trigger").GetString()));
        Assert.Contains("[ ok ] main-script:", run.GetProperty("output").GetString(), StringComparison.Ordinal);
        Assert.Equal(12, run.GetProperty("result").GetArrayLength());

        var list = await GetJsonAsync("/api/runs?state=succeeded&task=health-check");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, list.GetProperty("runs")[0].GetProperty("output").ValueKind);
        var maintenanceLog = await File.ReadAllTextAsync(Path.Combine(TargetRoot, "logs", "maintenance.log"), Ct);
        Assert.Contains("\thealth-check\tsucceeded\tby=key:tests", maintenanceLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_InvalidParameters_Returns400WithEveryReasonAndQueuesNothing()
    {
        var wrong = await PostAsync("/api/tasks/log-cleanup", """{"retentionDays": "thirty", "path": "/"}""");
        var notJson = await PostAsync("/api/tasks/log-cleanup", "retentionDays=30");
        // What a form or a no-cors fetch from another site can send: refused before anything is read.
        var crossSite = await _client.PostAsync("/api/tasks/fix-permissions", new StringContent("{}", Encoding.UTF8, "text/plain"), Ct);
        var unknown = await PostAsync("/api/tasks/rm-rf");

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var problem = await wrong.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Unknown parameter 'path'", problem, StringComparison.Ordinal);
        Assert.Contains("'retentionDays' must be a whole number", problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(0, (await GetJsonAsync("/api/runs")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Post_ExclusiveTaskTenTimesAtOnce_MakesOneRun()
    {
        // A read-only run in front keeps the exclusive one queued while the ten requests arrive.
        await File.WriteAllTextAsync(Path.Combine(TargetRoot, "scripts", "test_module_loading.sh"), "#!/bin/bash\nsleep 300\n", Ct);
        var blocker = (await (await PostAsync("/api/tasks/module-loading")).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
        await WaitForRunAsync($"/api/runs/{blocker}", "Running");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostAsync("/api/tasks/fix-permissions")));
        var ids = new HashSet<long>();
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64());
        }

        var id = Assert.Single(ids);
        await PostAsync($"/api/runs/{blocker}/cancel");
        await WaitForRunAsync($"/api/runs/{id}", "Succeeded");
        Assert.Equal(1, (await GetJsonAsync("/api/runs?task=fix-permissions")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Cancel_RunningScript_IsCancelledAndAFinishedRunAnswers409()
    {
        await File.WriteAllTextAsync(Path.Combine(TargetRoot, "scripts", "test_module_loading.sh"), "#!/bin/bash\necho waiting\nsleep 300\n", Ct);
        var queued = await (await PostAsync("/api/tasks/module-loading")).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = queued.GetProperty("id").GetInt64();
        await WaitForRunAsync($"/api/runs/{id}", "Running");

        var cancel = await PostAsync($"/api/runs/{id}/cancel");
        var run = await WaitForRunAsync($"/api/runs/{id}", "Cancelled", "Failed", "Succeeded");
        var again = await PostAsync($"/api/runs/{id}/cancel");
        var missing = await PostAsync("/api/runs/999999/cancel");

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("Cancelled", run.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.True(HttpStatusCode.NotFound == missing.StatusCode, await missing.Content.ReadAsStringAsync(Ct));
    }
}
