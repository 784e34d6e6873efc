namespace OrchestrationMaint.Core.Metrics;

/// <summary>Defaults from configuration (section "Metrics"); thresholds can then be changed at runtime.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    public double SlowOperationSeconds { get; set; } = 10;

    public double SuccessRateAlertPercent { get; set; } = 95;

    /// <summary>How often the file is checked for appended lines.</summary>
    public int PollMilliseconds { get; set; } = 500;

    /// <summary>A longer line is counted as malformed without being held in memory.</summary>
    public int MaxLineBytes { get; set; } = 1024 * 1024;

    public int RecentSlowCapacity { get; set; } = 10_000;

    public int RecentMalformedCapacity { get; set; } = 1_000;
}
