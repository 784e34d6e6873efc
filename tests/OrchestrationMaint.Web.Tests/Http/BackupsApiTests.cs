using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Web.Tests.Http;

/// <summary>The backups API over real HTTP on the app's demo target.</summary>
public sealed class BackupsApiTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly TestApp _app = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });
    private HttpClient _client = default!;

    private string ConfigFile => Path.Combine(_app.DataDirectory, "demo", "target", "config", "distribution.json");

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

    private Task<HttpResponseMessage> PostAsync(string path, string json = "{}") =>
        _client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    private async Task<JsonElement> WaitForRunAsync(string url)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var run = await _client.GetFromJsonAsync<JsonElement>(url, Ct);
            if (run.GetProperty("state").GetString() is not ("Queued" or "Running"))
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, "the run did not finish");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task CreateThenRestore_ThroughTheApi_BringsTheConfigBack()
    {
        var original = await File.ReadAllTextAsync(ConfigFile, Ct);
        var created = await PostAsync("/api/backups", """{"kind": "system"}""");
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var createRun = await WaitForRunAsync((await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("url").GetString()!);
        Assert.Equal("Succeeded", createRun.GetProperty("state").GetString());
        var id = createRun.GetProperty("result").GetProperty("backup").GetString()!;
        var list = await _client.GetFromJsonAsync<JsonElement>("/api/backups", Ct);
        var item = list.EnumerateArray().Single(b => b.GetProperty("id").GetString() == id);
        Assert.Equal(("system", "Verified"), (item.GetProperty("kind").GetString(), item.GetProperty("status").GetString()));
        Assert.True(item.GetProperty("sizeBytes").GetInt64() > 0);
        await File.WriteAllTextAsync(ConfigFile, "{\"changed\": true}\n", Ct);

        var unconfirmed = await PostAsync($"/api/backups/{id}/restore", """{"confirm": "yes"}""");
        var restore = await PostAsync($"/api/backups/{id}/restore", JsonSerializer.Serialize(new { confirm = item.GetProperty("name").GetString() }));

        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
        var restoreRun = await WaitForRunAsync((await restore.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("url").GetString()!);
        Assert.Equal("Succeeded", restoreRun.GetProperty("state").GetString());
        Assert.Equal(original, await File.ReadAllTextAsync(ConfigFile, Ct));
        var after = await _client.GetFromJsonAsync<JsonElement>("/api/backups", Ct);
        Assert.Contains(after.EnumerateArray(), b => b.GetProperty("isSafetyBackup").GetBoolean());
    }

    [Fact]
    public async Task RestorePlanThenRestore_BackupOverwrittenInBetween_TheRunIsRefusedUntilPlannedAgain()
    {
        var root = Path.Combine(_app.DataDirectory, "demo", "target");
        var list = await _client.GetFromJsonAsync<JsonElement>("/api/backups", Ct);
        var handMade = list.EnumerateArray().Single(b => b.GetProperty("kind").GetString() == "system" && !b.GetProperty("path").GetString()!.StartsWith("backups/", StringComparison.Ordinal));
        var (id, name) = (handMade.GetProperty("id").GetString()!, handMade.GetProperty("name").GetString()!);
        await File.WriteAllTextAsync(ConfigFile, "{\"changed\": true}\n", Ct);

        var plan = await _client.GetFromJsonAsync<JsonElement>($"/api/backups/{id}/restore-plan", Ct);
        Assert.Contains(plan.GetProperty("changes").EnumerateArray(), c => c.GetProperty("path").GetString() == "config/distribution.json" && c.GetProperty("kind").GetString() == "changed");
        // The seed's "tar -czf backup_$(date +%Y%m%d).tar.gz", run again the same day, overwrites it in place.
        using (var tar = System.Diagnostics.Process.Start("tar", ["-czf", Path.Combine(root, name), "-C", root, "scripts/", "modules/", "config/"]))
        {
            await tar.WaitForExitAsync(Ct);
            Assert.Equal(0, tar.ExitCode);
        }

        await File.WriteAllTextAsync(ConfigFile, "{\"changed\": 2}\n", Ct);

        var refused = await PostAsync($"/api/backups/{id}/restore", JsonSerializer.Serialize(new { confirm = name, fingerprint = plan.GetProperty("fingerprint").GetString() }));
        var refusedRun = await WaitForRunAsync((await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("url").GetString()!);
        var again = await _client.GetFromJsonAsync<JsonElement>($"/api/backups/{id}/restore-plan", Ct);
        var restored = await PostAsync($"/api/backups/{id}/restore", JsonSerializer.Serialize(new { confirm = name, fingerprint = again.GetProperty("fingerprint").GetString() }));
        var restoredRun = await WaitForRunAsync((await restored.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("url").GetString()!);

        Assert.Equal(HttpStatusCode.Accepted, refused.StatusCode);
        Assert.Equal("Failed", refusedRun.GetProperty("state").GetString());
        Assert.Equal($"Refused: {name} changed after you reviewed it: review the changes again. Nothing was changed.", refusedRun.GetProperty("summary").GetString());
        Assert.NotEqual(plan.GetProperty("fingerprint").GetString(), again.GetProperty("fingerprint").GetString());
        Assert.Contains(again.GetProperty("changes").EnumerateArray(), c => c.GetProperty("path").GetString() == "config/distribution.json");
        Assert.Equal("Succeeded", restoredRun.GetProperty("state").GetString());
        Assert.Equal("{\"changed\": true}\n", await File.ReadAllTextAsync(ConfigFile, Ct));
    }

    [Fact]
    public async Task Restore_FingerprintThatIsNotOne_Is400AndQueuesNothing()
    {
        var backup = (await _client.GetFromJsonAsync<JsonElement>("/api/backups", Ct))[0];

        var response = await PostAsync($"/api/backups/{backup.GetProperty("id").GetString()}/restore",
            JsonSerializer.Serialize(new { confirm = backup.GetProperty("name").GetString(), fingerprint = "not-a-fingerprint" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("fingerprint", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(0, (await _client.GetFromJsonAsync<JsonElement>("/api/runs", Ct)).GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("..%2F..%2Fetc%2Fpasswd", HttpStatusCode.BadRequest)]
    [InlineData("backup_20261109.tar.gz", HttpStatusCode.BadRequest)]
    [InlineData("0123456789abcdef", HttpStatusCode.NotFound)]
    public async Task Restore_IdThatIsAPathANameOrUnknown_IsRefused(string id, HttpStatusCode expected)
    {
        var response = await PostAsync($"/api/backups/{id}/restore", """{"confirm": "x"}""");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(0, (await _client.GetFromJsonAsync<JsonElement>("/api/runs", Ct)).GetProperty("total").GetInt32());
    }
}
