using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Web.Tests.Http;

public sealed class ChecklistStartupTests
{
    [Fact]
    public async Task Start_UnknownChecklistTimeZone_ExitsWithOneSentenceNamingTheSetting()
    {
        using var temp = new TempDirectory();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["Storage__DataDirectory"] = temp.Combine("data"),
            ["Checklist__TimeZone"] = "Europe/Atlantis",
        };

        var result = await ScriptRunner.RunAsync("dotnet", [RepoPaths.BuiltAppDll], Path.GetTempPath(), TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken, environment: environment);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Configuration error: Checklist:TimeZone 'Europe/Atlantis' is not a time zone this machine knows", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
    }
}
