namespace OrchestrationMaint.Core.Metrics;

public enum MetricStatus
{
    Success,
    Failure,
    /// <summary>Any other status text: shown, but outside the success rate.</summary>
    Other,
}

/// <param name="StatusText">The status as written, for display.</param>
/// <param name="Fields">Every other field as its raw JSON text, kept for display.</param>
public sealed record MetricRecord(
    DateTimeOffset Timestamp,
    string Operation,
    MetricStatus Status,
    string StatusText,
    double DurationSeconds,
    IReadOnlyDictionary<string, string> Fields);
