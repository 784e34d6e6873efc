using Microsoft.Extensions.Options;

namespace OrchestrationMaint.Core.Records.Checklist;

public sealed class ChecklistOptions
{
    public const string SectionName = "Checklist";

    /// <summary>
    /// The IANA time zone whose days, weeks, months and quarters the checklist follows (where "today" ends);
    /// empty: the machine's local zone. One zone for the whole team, so two operators never disagree on the period.
    /// </summary>
    public string TimeZone { get; set; } = "";

    public TimeZoneInfo Zone => string.IsNullOrWhiteSpace(TimeZone) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(TimeZone.Trim());
}

public sealed class ChecklistOptionsValidator : IValidateOptions<ChecklistOptions>
{
    public ValidateOptionsResult Validate(string? name, ChecklistOptions options) =>
        string.IsNullOrWhiteSpace(options.TimeZone) || TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone.Trim(), out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Checklist:TimeZone '{options.TimeZone}' is not a time zone this machine knows: use an IANA name such as Europe/Berlin or UTC, or leave it empty for the machine's own zone.");
}
