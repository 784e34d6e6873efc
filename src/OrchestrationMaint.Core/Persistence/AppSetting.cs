namespace OrchestrationMaint.Core.Persistence;

/// <summary>A setting the app changes at runtime (thresholds, demo facts): a key, a value, who and when.</summary>
public sealed class AppSetting
{
    public required string Key { get; set; }
    public required string Value { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "system";
}
