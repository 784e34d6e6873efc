using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Web.Tests.Http;

/// <summary>The app killed with SIGKILL in the middle of a run that changes the target, then started again on the same data.</summary>
public sealed partial class CrashRecoveryTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();

    private sealed class AppProcess(Process process, Uri address) : IDisposable
    {
        public Process Process => process;

        public HttpClient Client { get; } = new() { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30), DefaultRequestHeaders = { { "X-Api-Key", TestApp.AdminApiKey } } };

        public void Dispose()
        {
            Client.Dispose();
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }

            process.Dispose();
        }
    }

    private static async Task<AppProcess> StartAsync(string dataDirectory)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(RepoPaths.BuiltAppDll);
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Storage__DataDirectory"] = dataDirectory;
        info.Environment["Demo__Simulate"] = "false";
        info.Environment["Demo__HistoryRecords"] = "2000";
        // The environment variables an operator would set for automation.
        info.Environment["Auth__ProvisionedApiKeys__0__Name"] = "tests";
        info.Environment["Auth__ProvisionedApiKeys__0__Role"] = "Admin";
        info.Environment["Auth__ProvisionedApiKeys__0__Key"] = TestApp.AdminApiKey;
        var process = Process.Start(info)!;
        var address = new TaskCompletionSource<Uri>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && ListeningOn().Match(e.Data) is { Success: true } match)
            {
                address.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AppProcess(process, await address.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct));
    }

    private static async Task<JsonElement> RunAsync(HttpClient client, long id) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}", Ct);

    [Fact]
    public async Task Kill_DuringARunThatChangesTheTarget_RunIsInterruptedAfterRestartAndNeverRetried()
    {
        using var temp = new TempDirectory();
        var root = Path.Combine(temp.Path, "demo", "target");
        long runId;
        int scriptPid;
        using (var first = await StartAsync(temp.Path))
        {
            // recreate-config changes the target and runs the main script when a default config is missing: make that script hang.
            File.Delete(Path.Combine(root, "config", "default.json"));
            await File.WriteAllTextAsync(Path.Combine(root, "scripts", "distribute-orchestration-files.sh"), "#!/bin/bash\necho $$ > /tmp/om-crash-$PPID.pid\necho recreating\nsleep 300\n", Ct);
            var response = await first.Client.PostAsync("/api/tasks/recreate-config", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            runId = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await RunAsync(first.Client, runId)).GetProperty("output").GetString()?.Contains("recreating", StringComparison.Ordinal) != true)
            {
                Assert.True(DateTime.UtcNow < deadline, "the run never started");
                await Task.Delay(100, Ct);
            }

            // The API shows live output; the stored copy follows within two seconds, and that is what survives a kill.
            await Task.Delay(2500, Ct);
            var pidFile = Directory.GetFiles("/tmp", "om-crash-*.pid").OrderByDescending(File.GetLastWriteTimeUtc).First();
            scriptPid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            File.Delete(pidFile);
            first.Process.Kill();
            await first.Process.WaitForExitAsync(Ct);
            // SIGKILL gives the app no chance to clean up: its script is still running.
            Assert.True(Directory.Exists($"/proc/{scriptPid}"));
        }

        using var second = await StartAsync(temp.Path);
        var run = await RunAsync(second.Client, runId);
        await Task.Delay(2000, Ct);
        var later = await RunAsync(second.Client, runId);
        var runs = await second.Client.GetFromJsonAsync<JsonElement>("/api/runs?task=recreate-config", Ct);

        Assert.Equal("Interrupted", run.GetProperty("state").GetString());
        Assert.Equal("Interrupted", later.GetProperty("state").GetString());
        Assert.Equal(1, runs.GetProperty("total").GetInt32());
        Assert.Contains("recreating", run.GetProperty("output").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(root, "config", "default.json")));
        // The start-up stopped what the cut-off run had left running.
        Assert.False(Directory.Exists($"/proc/{scriptPid}") && !File.ReadAllText($"/proc/{scriptPid}/status").Contains("zombie", StringComparison.Ordinal));
        Assert.Contains("\trecreate-config\tinterrupted\tby=key:tests", await File.ReadAllTextAsync(Path.Combine(root, "logs", "maintenance.log"), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kill_DuringABackup_LeavesNoFileUnderAFinalNameAndTheRunInterrupted()
    {
        using var temp = new TempDirectory();
        var root = Path.Combine(temp.Path, "demo", "target");
        var backups = Path.Combine(root, "backups");
        long runId;
        string[] before;
        using (var first = await StartAsync(temp.Path))
        {
            // Enough incompressible data that the archive takes a few seconds to write.
            await using (var big = File.Create(Path.Combine(root, "modules", "blob.bin")))
            {
                var chunk = new byte[1 << 20];
                for (var i = 0; i < 400; i++)
                {
                    Random.Shared.NextBytes(chunk);
                    await big.WriteAsync(chunk, Ct);
                }
            }

            before = Directory.GetFileSystemEntries(backups);
            var response = await first.Client.PostAsync("/api/backups", new StringContent("""{"kind": "system"}""", System.Text.Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            runId = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!Directory.EnumerateFiles(backups, ".*.partial").Any())
            {
                Assert.True(DateTime.UtcNow < deadline, "the backup never started writing");
                await Task.Delay(20, Ct);
            }

            first.Process.Kill();
            await first.Process.WaitForExitAsync(Ct);
        }

        using var second = await StartAsync(temp.Path);
        var run = await RunAsync(second.Client, runId);

        Assert.Equal("Interrupted", run.GetProperty("state").GetString());
        Assert.Equal(before.Order(), Directory.GetFileSystemEntries(backups).Order());
    }

    [Fact]
    public async Task Kill_DuringARestoreAfterTheSwap_StartUpPutsTheOldTreeBack()
    {
        using var temp = new TempDirectory();
        var root = Path.Combine(temp.Path, "demo", "target");
        var script = Path.Combine(root, "scripts", "test_module_loading.sh");
        var config = Path.Combine(root, "config", "distribution.json");
        static StringContent Json(string text) => new(text, System.Text.Encoding.UTF8, "application/json");
        string before;
        long restoreRun;
        using (var first = await StartAsync(temp.Path))
        {
            var original = await File.ReadAllTextAsync(script, Ct);
            // The backup's own module test hangs: after the swap, the restore waits in it, and is killed there.
            await File.WriteAllTextAsync(script, "#!/bin/bash\necho checking-restored-tree\nsleep 300\n", Ct);
            var create = await first.Client.PostAsync("/api/backups", Json("""{"kind": "system"}"""), Ct);
            var createId = (await create.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
            JsonElement created;
            while ((created = await RunAsync(first.Client, createId)).GetProperty("state").GetString() is "Queued" or "Running")
            {
                await Task.Delay(100, Ct);
            }

            var backup = created.GetProperty("result");
            await File.WriteAllTextAsync(script, original, Ct);
            await File.WriteAllTextAsync(config, "{\"state\": \"before the restore\"}\n", Ct);
            before = await File.ReadAllTextAsync(config, Ct);
            var restore = await first.Client.PostAsync($"/api/backups/{backup.GetProperty("backup").GetString()}/restore",
                Json(JsonSerializer.Serialize(new { confirm = backup.GetProperty("name").GetString() })), Ct);
            Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
            restoreRun = (await restore.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            static bool Swapped(string path)
            {
                try
                {
                    return File.ReadAllText(path).Contains("sleep 300", StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false; // mid-rename
                }
            }

            while (!Directory.EnumerateDirectories(root, ".om-restore-*").Any() || !Swapped(script))
            {
                Assert.True(DateTime.UtcNow < deadline, "the restore never reached its checks");
                await Task.Delay(50, Ct);
            }

            await Task.Delay(500, Ct);
            first.Process.Kill();
            await first.Process.WaitForExitAsync(Ct);
            // The swapped-in tree is live at this moment: the crash happened between swap and commit.
            Assert.NotEqual(before, await File.ReadAllTextAsync(config, Ct));
        }

        using var second = await StartAsync(temp.Path);
        var run = await RunAsync(second.Client, restoreRun);

        Assert.Equal("Interrupted", run.GetProperty("state").GetString());
        Assert.Equal(before, await File.ReadAllTextAsync(config, Ct));
        Assert.DoesNotContain("sleep 300", await File.ReadAllTextAsync(script, Ct), StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(root, ".om-restore-*"));
    }
}
