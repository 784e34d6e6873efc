namespace OrchestrationMaint.Core.Metrics;

/// <param name="SuccessRate">Successes / (successes + failures) in percent; null when there are neither ("no data").</param>
public sealed record MetricsSummary(
    MetricsWindow Window,
    DateTimeOffset? From,
    long Records,
    long Successes,
    long Failures,
    long Other,
    double? SuccessRate,
    long SlowOperations,
    long MalformedLines,
    DateTimeOffset? LastRecordAt,
    IReadOnlyList<OperationStats> Operations,
    IReadOnlyList<SeriesPoint> Series,
    DateTimeOffset? To = null);

/// <summary>How a summary's series is bucketed.</summary>
public enum SeriesBucket
{
    Hour,
    Day,
}

/// <param name="P50">Median duration within 1 % (log-binned); null without records.</param>
public sealed record OperationStats(
    string Operation,
    long Count,
    long Successes,
    long Failures,
    long Other,
    double? FailurePercent,
    double? P50,
    double? P95,
    double Max,
    long Slow);

/// <summary>One hour (24h and 7d windows) or one UTC day (30d and all) of the series; for a time range, as its bucket says.</summary>
public sealed record SeriesPoint(DateTimeOffset Start, long Successes, long Failures, long Other, long Slow)
{
    public double? SuccessRate => Successes + Failures == 0 ? null : 100.0 * Successes / (Successes + Failures);
}

/// <summary>
/// A record kept in full (slow or failed). Its other fields are parsed from the line the first time
/// they are asked for: ingestion keeps only the bytes, since most kept records are never shown.
/// </summary>
public sealed class KeptRecord(long lineNumber, DateTimeOffset timestamp, string operation, string status, double durationSeconds, byte[] line)
{
    private IReadOnlyDictionary<string, string>? _fields;

    public long LineNumber => lineNumber;

    public DateTimeOffset Timestamp => timestamp;

    public string Operation => operation;

    public string Status => status;

    public double DurationSeconds => durationSeconds;

    public IReadOnlyDictionary<string, string> Fields => _fields ??= line.Length == 0
        ? new Dictionary<string, string> { ["note"] = "line too long to keep its other fields" }
        : MetricLineParser.ReadFields(line);

    internal byte[] Line => line;
}

public sealed record MalformedLine(long LineNumber, string Reason, string Excerpt);
