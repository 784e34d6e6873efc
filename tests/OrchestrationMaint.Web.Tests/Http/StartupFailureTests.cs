using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Web.Tests.Http;

/// <summary>Starts the built app as a real process, as an operator would, with impossible settings.</summary>
public sealed class StartupFailureTests
{
    private static Task<ScriptResult> StartApp(Dictionary<string, string> environment)
    {
        environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return ScriptRunner.RunAsync("dotnet", [RepoPaths.BuiltAppDll], Path.GetTempPath(), TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken, environment: environment);
    }

    [Fact]
    public async Task Start_DataDirectoryCannotBeCreated_ExitsNonZeroWithOneSentenceAndNoStackTrace()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("a-file"), "");
        var impossible = temp.Combine("a-file", "data");

        var result = await StartApp(new() { ["Storage__DataDirectory"] = impossible });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"Configuration error: Storage:DataDirectory '{impossible}' cannot be created or written to", result.Output, StringComparison.Ordinal);
        Assert.Contains("OrchestrationMaint did not start", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SmtpHostWithoutFrom_ExitsNonZeroNamingTheMissingKey()
    {
        using var temp = new TempDirectory();

        var result = await StartApp(new()
        {
            ["Storage__DataDirectory"] = temp.Combine("data"),
            ["Notifications__Smtp__Host"] = "smtp.example.com",
        });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Notifications:Smtp:From is '': set the sender's address", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DatabaseDirectoryCannotBeCreated_ExitsNonZeroWithOneSentence()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("a-file"), "");

        var result = await StartApp(new()
        {
            ["Storage__DataDirectory"] = temp.Combine("data"),
            ["ConnectionStrings__Maintenance"] = $"Data Source={temp.Combine("a-file", "db", "maint.db")}",
        });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"Configuration error: The database directory '{temp.Combine("a-file", "db")}' cannot be created", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SimulatorAskedForARealTarget_IsRefusedBeforeTouchingIt()
    {
        using var temp = new TempDirectory();
        var target = Directory.CreateDirectory(temp.Combine("target")).FullName;

        var result = await StartApp(new()
        {
            ["Storage__DataDirectory"] = temp.Combine("data"),
            ["Target__Root"] = target,
            ["Demo__Simulate"] = "true",
        });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Configuration error: Demo:Simulate is true but Target:Root is set", result.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(target));
    }
}
