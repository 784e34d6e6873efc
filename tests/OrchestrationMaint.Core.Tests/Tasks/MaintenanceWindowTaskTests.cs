using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Tasks;

/// <summary>Which tasks of the real catalogue belong in a maintenance window.</summary>
public sealed class MaintenanceWindowTaskTests : IDisposable
{
    private readonly TempDirectory _temp = new("om-catalog");

    public void Dispose() => _temp.Dispose();

    private TaskCatalog RealCatalog()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = _temp.Path }).Build();
        var services = new ServiceCollection().AddLogging().AddOrchestrationMaintCore(configuration).BuildServiceProvider();
        return services.GetRequiredService<TaskCatalog>();
    }

    [Fact]
    public void NeedsMaintenanceWindow_RealCatalogue_ExactlyTheTasksThatChangeTheTargetBeyondAddingABackup()
    {
        var catalog = RealCatalog();

        var needing = catalog.All.Select(t => t.Descriptor).Where(d => d.NeedsMaintenanceWindow).Select(d => d.Key).Order(StringComparer.Ordinal);

        Assert.Equal(["backup-prune", "backup-restore", "fix-permissions", "log-cleanup", "recreate-config", "system-update"], needing);
        Assert.True(catalog.Find("backup-create")!.Descriptor.ChangesTarget);
    }

    [Fact]
    public void NeedsMaintenanceWindowFor_DryRunByDefaultOrAsked_NotNeededARealRunIs()
    {
        var cleanup = RealCatalog().Find("log-cleanup")!.Descriptor;

        Assert.False(cleanup.NeedsMaintenanceWindowFor(null));
        Assert.False(cleanup.NeedsMaintenanceWindowFor(new JsonObject { ["dryRun"] = true }));
        Assert.True(cleanup.NeedsMaintenanceWindowFor(new JsonObject { ["dryRun"] = false, ["fromDryRun"] = 12 }));
        Assert.True(RealCatalog().Find("fix-permissions")!.Descriptor.NeedsMaintenanceWindowFor(null));
    }
}
