namespace OrchestrationMaint.Core.Target.Demo;

public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Keep appending metrics to the demo target. Null: on for the demo target. Never runs on a real target.</summary>
    public bool? Simulate { get; set; }

    public int IntervalSeconds { get; set; } = 5;

    public int HistoryDays { get; set; } = 30;

    public int HistoryRecords { get; set; } = 100_000;
}
