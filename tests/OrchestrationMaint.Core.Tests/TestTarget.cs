using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Core.Target.Demo;

namespace OrchestrationMaint.Core.Tests;

/// <summary>Builds the real Core objects around a directory, the way the app's container does.</summary>
internal static class TestTarget
{
    public static TargetLocation Location(string? root, string dataDirectory) =>
        new(Options.Create(new TargetOptions { Root = root }), Options.Create(new StorageOptions { DataDirectory = dataDirectory }));

    public static TargetInspector Inspector(string root) => new(Location(root, Path.GetTempPath()), TimeProvider.System);

    public static TargetStatusMonitor Monitor(string root) => new(Inspector(root), NullLogger<TargetStatusMonitor>.Instance, TimeProvider.System);

    /// <summary>A complete demo target (and its origin) under <paramref name="demoDirectory"/>; returns the target root.</summary>
    public static string GenerateDemo(string demoDirectory, int records = 20_000)
    {
        new DemoTargetGenerator(TimeProvider.System).Generate(demoDirectory, new DemoOptions { HistoryRecords = records });
        return Path.Combine(demoDirectory, "target");
    }
}
