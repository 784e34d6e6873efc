using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Web.Tests.Http;

/// <summary>
/// What the Docker image ships: `dotnet publish -r linux-x64`, started in Production from another
/// directory. Static web assets come from the publish output's manifest there, not the build's.
/// </summary>
public sealed partial class PublishedAppTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task PublishOutput_InProduction_ServesEveryStaticAssetItLinks()
    {
        using var temp = new TempDirectory("om-publish");
        var project = Path.Combine(RepoPaths.Root, "src", "OrchestrationMaint.Web");
        var publish = await ScriptRunner.RunAsync("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-o", temp.Combine("app"), "-nologo"],
            Environment.CurrentDirectory, TimeSpan.FromMinutes(4), Ct);
        Assert.True(publish.ExitCode == 0, publish.Output);
        Assert.False(Directory.Exists(temp.Combine("app", "data")), "the publish output must not carry a data directory");

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Directory.CreateDirectory(temp.Combine("cwd")).FullName, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(temp.Combine("app", "OrchestrationMaint.Web.dll"));
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        info.Environment["Demo__HistoryRecords"] = "1000";
        using var app = Process.Start(info)!;
        try
        {
            var baseAddress = await WaitForListeningAddressAsync(app);
            using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            var html = await client.GetStringAsync("/", Ct);
            var assets = AssetReference().Matches(html).Select(m => m.Groups["url"].Value).Where(u => !u.StartsWith('/')).Distinct().ToList();
            Assert.Contains(assets, a => a.StartsWith("assets/css/app.", StringComparison.Ordinal));
            Assert.Contains(assets, a => a.StartsWith("_framework/blazor.web", StringComparison.Ordinal));

            foreach (var asset in assets.Concat(["assets/fonts/roboto-latin-400-normal.woff2", "assets/img/logo.svg"]))
            {
                using var response = await client.GetAsync(asset, Ct);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset}: {response.StatusCode}");
                Assert.True((await response.Content.ReadAsByteArrayAsync(Ct)).Length > 0, $"{asset} came back empty");
            }

            // The data directory is relative to the working directory, not to the app.
            Assert.True(File.Exists(temp.Combine("cwd", "data", "orchestration-maint.db")));
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync(Ct);
        }
    }

    private static async Task<Uri> WaitForListeningAddressAsync(Process app)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var seen = new System.Text.StringBuilder();
        while (await app.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.AppendLine(line);
            if (ListeningOn().Match(line) is { Success: true } match)
            {
                return new Uri(match.Groups["url"].Value);
            }
        }

        throw new InvalidOperationException($"The published app exited before listening:\n{seen}{await app.StandardError.ReadToEndAsync(Ct)}");
    }

    [GeneratedRegex("(?:href|src)=\"(?<url>[^\"]+)\"")]
    private static partial Regex AssetReference();

    [GeneratedRegex(@"Now listening on: (?<url>http://\S+)")]
    private static partial Regex ListeningOn();
}
