namespace OrchestrationMaint.Core.Records;

/// <summary>What an operator typed into the manual-record form, before it is checked.</summary>
/// <param name="At">When the work was done; null for "now".</param>
public sealed record ManualRecordDraft(string? Task, string? Outcome, string? Issues, string? Notes, DateTimeOffset? At = null)
{
    public const int MaxTaskLength = 100;
    public const int MaxTextLength = 4000;

    /// <summary>Records from before this are refused as a typo (a year 0226 meant as 2026).</summary>
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Every problem, by field name (task, outcome, issues, notes, at), each as a sentence.</summary>
    public IReadOnlyDictionary<string, string> Validate(DateTimeOffset now)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var task = Task?.Trim() ?? "";
        if (task.Length == 0)
        {
            errors["task"] = "Say which task or activity this was (a task's key or a short name).";
        }
        else if (task.Length > MaxTaskLength)
        {
            errors["task"] = $"The task or activity is {task.Length} characters long: keep it to {MaxTaskLength}, and put details in the notes.";
        }
        else if (task.Any(char.IsControl))
        {
            errors["task"] = "The task or activity must be one line without tabs: put details in the notes.";
        }

        if (Outcome is null || !RecordOutcomes.Manual.Contains(Outcome, StringComparer.Ordinal))
        {
            errors["outcome"] = $"Choose an outcome: {string.Join(", ", RecordOutcomes.Manual)}.";
        }

        if ((Issues?.Length ?? 0) > MaxTextLength)
        {
            errors["issues"] = $"The issues are {Issues!.Length} characters long: keep them to {MaxTextLength}.";
        }

        if ((Notes?.Length ?? 0) > MaxTextLength)
        {
            errors["notes"] = $"The notes are {Notes!.Length} characters long: keep them to {MaxTextLength}.";
        }

        // A minute of slack: the browser's clock and the server's rarely agree to the second.
        if (At > now.AddMinutes(1))
        {
            errors["at"] = "That time is in the future: a record says what was done. Announce planned work as a maintenance window.";
        }
        else if (At < Earliest)
        {
            errors["at"] = $"That time is before {Earliest:yyyy}: check the year.";
        }

        return errors;
    }
}
