using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Core.Target.Demo;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Persistence;

public sealed class OptionsValidationTests
{
    [Fact]
    public void StorageValidator_DirectoryUnderAFile_FailsWithASentenceNamingTheSetting()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("file"), "");

        var result = new StorageOptionsValidator().Validate(null, new StorageOptions { DataDirectory = temp.Combine("file", "data") });

        Assert.True(result.Failed);
        Assert.StartsWith($"Storage:DataDirectory '{temp.Combine("file", "data")}' cannot be created or written to", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Storage__DataDirectory", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageValidator_NewDirectory_IsCreated()
    {
        using var temp = new TempDirectory();

        var result = new StorageOptionsValidator().Validate(null, new StorageOptions { DataDirectory = temp.Combine("a", "b") });

        Assert.True(result.Succeeded);
        Assert.True(Directory.Exists(temp.Combine("a", "b")));
        Assert.Empty(Directory.GetFiles(temp.Combine("a", "b")));
    }

    [Fact]
    public void DemoValidator_SimulateOnARealTarget_IsRefused()
    {
        var validator = new DemoOptionsValidator(Options.Create(new TargetOptions { Root = "/srv/orchestration" }));

        var result = validator.Validate(null, new DemoOptions { Simulate = true });

        Assert.True(result.Failed);
        Assert.Contains("only ever runs on the built-in demo target", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 30, 100, "Demo:IntervalSeconds is 0")]
    [InlineData(5, 0, 100, "Demo:HistoryDays is 0")]
    [InlineData(5, 30, -1, "Demo:HistoryRecords is -1")]
    public void DemoValidator_OutOfRangeValues_AreNamed(int interval, int days, int records, string expected)
    {
        var validator = new DemoOptionsValidator(Options.Create(new TargetOptions()));

        var result = validator.Validate(null, new DemoOptions { IntervalSeconds = interval, HistoryDays = days, HistoryRecords = records });

        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}
