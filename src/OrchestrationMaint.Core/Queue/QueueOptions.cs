namespace OrchestrationMaint.Core.Queue;

public sealed class QueueOptions
{
    public const string SectionName = "Queue";

    /// <summary>Read-only tasks that may run side by side. Tasks that change the target always run alone.</summary>
    public int MaxParallelReadOnly { get; set; } = 2;

    /// <summary>Characters of output kept per run; the rest is dropped and the cut is marked.</summary>
    public int OutputCapChars { get; set; } = 1024 * 1024;

    /// <summary>Finished runs and their output are pruned after this many days; maintenance records are kept.</summary>
    public int RetentionDays { get; set; } = 180;
}
