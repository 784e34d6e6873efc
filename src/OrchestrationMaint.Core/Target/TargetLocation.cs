using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Target;

/// <summary>Where the target is and whether it is the embedded demo, resolved once from configuration.</summary>
public sealed class TargetLocation
{
    public TargetLocation(IOptions<TargetOptions> target, IOptions<StorageOptions> storage)
    {
        var configuredRoot = target.Value.Root;
        IsDemo = string.IsNullOrWhiteSpace(configuredRoot);
        DemoDirectory = Path.Combine(storage.Value.FullDataDirectory, "demo");
        Root = IsDemo ? Path.Combine(DemoDirectory, "target") : Path.GetFullPath(configuredRoot!);
        Name = !string.IsNullOrWhiteSpace(target.Value.Name) ? target.Value.Name!
            : IsDemo ? "Demo target"
            : Path.GetFileName(Root.TrimEnd(Path.DirectorySeparatorChar)) is { Length: > 0 } dirName ? dirName : Root;
    }

    public string Root { get; }

    public string Name { get; }

    public bool IsDemo { get; }

    /// <summary>Holds the demo target and its bare <c>origin</c> repository side by side.</summary>
    public string DemoDirectory { get; }
}
