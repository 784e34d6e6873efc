namespace OrchestrationMaint.Core.Target;

public sealed class TargetOptions
{
    public const string SectionName = "Target";

    /// <summary>The maintained system's directory. Empty: the embedded demo target in the data directory.</summary>
    public string? Root { get; set; }

    /// <summary>Shown in the app bar; defaults to the root directory's name.</summary>
    public string? Name { get; set; }
}
