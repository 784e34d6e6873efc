namespace OrchestrationMaint.Core.Records;

/// <summary>What is wrong with one field of a form, in a sentence the operator can act on.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>The text rules every record form shares: required, a length limit, and single-line fields without control characters.</summary>
public static class TextRules
{
    /// <summary>Adds an error when <paramref name="value"/> is missing (and required), too long, or holds control characters where one line is expected.</summary>
    public static void Check(List<FieldError> errors, string field, string label, string? value, int maxLength, bool required, bool singleLine = true)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            if (required)
            {
                errors.Add(new FieldError(field, $"{label} is required."));
            }

            return;
        }

        if (text.Length > maxLength)
        {
            // Say how much to cut rather than truncating: nothing the operator typed is thrown away.
            errors.Add(new FieldError(field, $"{label} is {text.Length:N0} characters long; the limit is {maxLength:N0}."));
        }
        else if (singleLine && text.Any(char.IsControl))
        {
            errors.Add(new FieldError(field, $"{label} must be a single line (no line breaks or tabs)."));
        }
    }

    public static string Normalize(string? value) => value?.Trim() ?? "";

    /// <summary>Cut to at most <paramref name="max"/> characters, the last one "…", where a column or a message has a limit.</summary>
    public static string Clip(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
