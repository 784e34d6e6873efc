namespace OrchestrationMaint.Core.Records;

/// <summary>
/// A planned period of maintenance, announced in advance (the seed: "Scheduled: off-peak hours;
/// Communication: notify stakeholders in advance"). Never deleted: a cancelled one keeps its row.
/// </summary>
public sealed class MaintenanceWindow
{
    public long Id { get; set; }

    public DateTimeOffset Start { get; set; }

    /// <summary>Exclusive: the window is over at this instant.</summary>
    public DateTimeOffset End { get; set; }

    public required string Description { get; set; }

    public required string AnnouncedBy { get; set; }

    public DateTimeOffset AnnouncedAt { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public string? CancelledBy { get; set; }

    /// <summary>Set once its "started" record is written, so a restart never writes it twice.</summary>
    public bool StartRecorded { get; set; }

    public bool EndRecorded { get; set; }

    public bool IsCancelled => CancelledAt is not null;

    public bool IsActive(DateTimeOffset now) => !IsCancelled && Start <= now && now < End;

    public bool IsOver(DateTimeOffset now) => End <= now;
}

/// <summary>What the announce/edit form holds, before it is checked.</summary>
public sealed record WindowDraft(DateTimeOffset? Start, DateTimeOffset? End, string? Description)
{
    /// <summary>
    /// The longest window: a weekend's migration fits, a typo (a month instead of a day) does not, and
    /// a window that never ends would mark every alert "expected" for good.
    /// </summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(72);

    /// <summary>How far ahead a window can be announced.</summary>
    public static readonly TimeSpan MaxLeadTime = TimeSpan.FromDays(366);

    public const int MaxDescriptionLength = 500;

    /// <summary>Every problem, by field (start, end, description), each as a sentence.</summary>
    public IReadOnlyDictionary<string, string> Validate(DateTimeOffset now)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var description = Description?.Trim() ?? "";
        if (description.Length == 0)
        {
            errors["description"] = "Say what the window is for: it is shown to everyone in the banner.";
        }
        else if (description.Length > MaxDescriptionLength)
        {
            errors["description"] = $"The description is {description.Length} characters long: keep it to {MaxDescriptionLength}.";
        }

        if (Start is not { } start)
        {
            errors["start"] = "Choose when the window starts.";
        }
        else if (start > now + MaxLeadTime)
        {
            errors["start"] = $"That is more than {MaxLeadTime.TotalDays:0} days ahead: check the year.";
        }

        if (End is not { } end)
        {
            errors["end"] = "Choose when the window ends.";
        }
        else if (Start is { } begin && end <= begin)
        {
            errors["end"] = "The window must end after it starts.";
        }
        else if (Start is { } from && end - from > MaxDuration)
        {
            errors["end"] = $"The window lasts {Describe(end - from)}: a window is at most {MaxDuration.TotalHours:0} hours. Announce longer work as several windows.";
        }
        else if (end <= now)
        {
            errors["end"] = "That window is already over: write down past work as a maintenance record instead.";
        }

        return errors;
    }

    public static string Describe(TimeSpan span) => span.TotalHours >= 48 ? $"{span.TotalDays:0.#} days"
        : span.TotalMinutes >= 90 ? $"{span.TotalHours:0.#} hours"
        : $"{span.TotalMinutes:0} minutes";
}
