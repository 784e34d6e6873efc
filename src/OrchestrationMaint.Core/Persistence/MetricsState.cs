namespace OrchestrationMaint.Core.Persistence;

/// <summary>
/// Where the metrics engine stopped reading and what it had counted, so a restart continues
/// instead of rescanning. One row; the aggregate is a gzip'd binary blob (MetricsAggregate.Write).
/// </summary>
public sealed class MetricsState
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    public required string FilePath { get; set; }
    public long Device { get; set; }
    public long Inode { get; set; }
    public long Offset { get; set; }
    public long LinesRead { get; set; }
    public double SlowThresholdSeconds { get; set; }
    public DateTimeOffset SavedAt { get; set; }
    public required byte[] Aggregate { get; set; }

    /// <summary>The bytes just before <see cref="Offset"/>: if they differ on restart, the file was rewritten.</summary>
    public byte[]? Anchor { get; set; }
}
