using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Target;

public sealed class TargetInspectorTests
{
    [Fact]
    public void Inspect_RootDoesNotExist_ReportsWhatToDoWithoutThrowing()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("no-such-target");

        var status = TestTarget.Inspector(root).Inspect();

        Assert.Equal(HealthStatus.Unhealthy, status.Health);
        Assert.Contains($"'{root}' does not exist", status.Problem, StringComparison.Ordinal);
        Assert.Contains("Target__Root", status.Problem, StringComparison.Ordinal);
        Assert.Equal(status.Problem, status.Summary);
    }

    [Fact]
    public void Inspect_RootIsAFile_ReportsIt()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("target.txt");
        File.WriteAllText(root, "not a directory");

        var status = TestTarget.Inspector(root).Inspect();

        Assert.False(status.IsReachable);
        Assert.Contains("is a file, not a directory", status.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_EmptyDirectory_IsDegradedAndNamesEveryMissingRequiredPart()
    {
        using var temp = new TempDirectory();

        var status = TestTarget.Inspector(temp.Path).Inspect();

        Assert.True(status.IsReachable);
        Assert.Equal(HealthStatus.Degraded, status.Health);
        var missing = status.Entries.Where(e => e.State == EntryState.Missing && e.Entry.Required).Select(e => e.Entry.Path).ToList();
        Assert.Equal(TargetLayout.Entries.Where(e => e.Required).Select(e => e.Path), missing);
        var config = status.Entries.Single(e => e.Entry.Path == "config/distribution.json");
        Assert.Contains("distribute-orchestration-files.sh --help", config.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_MainScriptNotExecutable_IsAProblemWithTheChmodFix()
    {
        using var temp = new TempDirectory();
        var root = TestTarget.GenerateDemo(temp.Combine("demo"), records: 10);
        File.SetUnixFileMode(Path.Combine(root, "scripts", "distribute-orchestration-files.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var status = TestTarget.Inspector(root).Inspect();

        var entry = status.Entries.Single(e => e.Entry.Path == "scripts/distribute-orchestration-files.sh");
        Assert.Equal(EntryState.Problem, entry.State);
        Assert.Equal("Not executable. Fix with: chmod +x scripts/distribute-orchestration-files.sh", entry.Detail);
        Assert.Equal(HealthStatus.Degraded, status.Health);
        Assert.Equal($"scripts/distribute-orchestration-files.sh: {entry.Detail}", status.Summary);
    }

    [Fact]
    public void Inspect_SomeModulesNotExecutable_NamesThem()
    {
        using var temp = new TempDirectory();
        var root = TestTarget.GenerateDemo(temp.Combine("demo"), records: 10);
        File.SetUnixFileMode(Path.Combine(root, "modules", "config.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var status = TestTarget.Inspector(root).Inspect();

        var modules = status.Entries.Single(e => e.Entry.Path == "modules/*.sh");
        Assert.Equal(EntryState.Problem, modules.State);
        Assert.StartsWith("1 of 5 not executable (config.sh)", modules.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_DirectoryWhereAFileBelongs_IsAProblem()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("config", "default.json"));

        var status = TestTarget.Inspector(temp.Path).Inspect();

        var entry = status.Entries.Single(e => e.Entry.Path == "config/default.json");
        Assert.Equal(EntryState.Problem, entry.State);
        Assert.Equal("Is a directory, not a file.", entry.Detail);
    }
}
