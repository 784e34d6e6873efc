namespace OrchestrationMaint.Core.Queue;

/// <summary>Hangfire's vocabulary: a run found Running at start-up was cut off by a crash or stop, and is Interrupted.</summary>
public enum RunState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Interrupted,
}

public enum RunTrigger
{
    User,
    Schedule,
    Api,
    Incident,
    System,
}

public sealed class TaskRun
{
    public long Id { get; set; }

    public required string TaskKey { get; set; }

    /// <summary>The validated arguments as JSON, parameters in declaration order.</summary>
    public string Arguments { get; set; } = "{}";

    public RunTrigger Trigger { get; set; }

    public required string RequestedBy { get; set; }

    public long? ScheduleId { get; set; }

    public bool Exclusive { get; set; }

    public RunState State { get; set; }

    public DateTimeOffset QueuedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? Summary { get; set; }

    public int IssuesFound { get; set; }

    /// <summary>The issues found, one per line.</summary>
    public string Issues { get; set; } = "";

    public IReadOnlyList<string> IssueList => Issues.Length == 0 ? [] : Issues.Split('\n');

    /// <summary>The task's structured result as JSON.</summary>
    public string? Result { get; set; }

    public bool OutputTruncated { get; set; }

    public RunOutput? Output { get; set; }

    public TimeSpan? Duration => StartedAt is { } started ? (FinishedAt ?? DateTimeOffset.UtcNow) - started : null;

    public bool IsFinished => State is not (RunState.Queued or RunState.Running);
}

/// <summary>A run's output, in its own table so lists of runs never load it.</summary>
public sealed class RunOutput
{
    public long RunId { get; set; }

    public string Text { get; set; } = "";
}
