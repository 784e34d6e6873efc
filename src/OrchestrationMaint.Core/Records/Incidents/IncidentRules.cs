using System.Globalization;

namespace OrchestrationMaint.Core.Records.Incidents;

/// <summary>What the operator typed into the "open incident" form.</summary>
public sealed record IncidentDraft(IncidentType Type, IncidentSeverity Severity, string Title, string Description, string? SourceCheck = null);

/// <summary>The incident forms' rules, shared by the forms (as the operator types) and <see cref="IncidentService"/> (before storing).</summary>
public static class IncidentRules
{
    public const int TitleMax = 200;
    public const int DescriptionMax = 4000;
    public const int NoteMax = 2000;
    public const int ResolutionMax = 4000;
    public const int RootCauseMax = 4000;

    public static IReadOnlyList<FieldError> ValidateOpen(IncidentDraft draft)
    {
        var errors = new List<FieldError>();
        if (!Enum.IsDefined(draft.Type))
        {
            errors.Add(new FieldError(nameof(draft.Type), "Choose the kind of incident."));
        }

        if (!Enum.IsDefined(draft.Severity))
        {
            errors.Add(new FieldError(nameof(draft.Severity), "Choose a severity: SEV1, SEV2 or SEV3."));
        }

        TextRules.Check(errors, nameof(draft.Title), "Title", draft.Title, TitleMax, required: true);
        TextRules.Check(errors, nameof(draft.Description), "Description", draft.Description, DescriptionMax, required: false, singleLine: false);
        return errors;
    }

    /// <summary>
    /// The incident form filled in from something that went wrong (a failing check, an alert): an outage
    /// at Sev2 when it is critical, otherwise a general Sev3, with title and description cut to fit.
    /// </summary>
    public static IncidentDraft DraftFrom(bool critical, string title, string description, string? source) => new(
        critical ? IncidentType.SystemOutage : IncidentType.General,
        critical ? IncidentSeverity.Sev2 : IncidentSeverity.Sev3,
        TextRules.Clip(title, TitleMax),
        TextRules.Clip(description, DescriptionMax),
        source);

    public static IReadOnlyList<FieldError> ValidateNote(string? note, bool required)
    {
        var errors = new List<FieldError>();
        TextRules.Check(errors, "Note", "Note", note, NoteMax, required, singleLine: false);
        return errors;
    }

    public static IReadOnlyList<FieldError> ValidateResolve(string? resolution, string? rootCause)
    {
        var errors = new List<FieldError>();
        TextRules.Check(errors, "Resolution", "Resolution (what fixed it)", resolution, ResolutionMax, required: true, singleLine: false);
        TextRules.Check(errors, "RootCause", "Root cause", rootCause, RootCauseMax, required: true, singleLine: false);
        return errors;
    }

    /// <summary>A time to resolve as people say it: "42 s", "12 min", "3 h 5 min", "2 d 4 h".</summary>
    public static string FormatDuration(TimeSpan duration) => duration switch
    {
        { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)duration.TotalSeconds)} s"),
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes} min"),
        { TotalDays: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours} h {duration.Minutes} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalDays} d {duration.Hours} h"),
    };
}
