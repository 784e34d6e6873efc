using Microsoft.Extensions.Options;

namespace OrchestrationMaint.Core.Alerts;

/// <summary>Section "Alerts": how long a condition must hold before it fires, and how long it must be gone before it resolves.</summary>
public sealed class AlertOptions
{
    public const string SectionName = "Alerts";

    /// <summary>A condition fires only after it has held this long: a blip never pages anyone.</summary>
    public TimeSpan HoldTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Per-kind hold times (e.g. "DiskUsage": "00:15:00"), overriding <see cref="HoldTime"/>.</summary>
    public Dictionary<AlertKind, TimeSpan> HoldTimes { get; set; } = [];

    /// <summary>
    /// An alert resolves only after its condition has been gone this long, so a value hovering at the
    /// threshold gives one alert that stays open, not a stream of fired/resolved pairs.
    /// </summary>
    public TimeSpan ClearTime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Kinds never evaluated (e.g. ["ChecklistOverdue"]).</summary>
    public List<AlertKind> Disabled { get; set; } = [];

    /// <summary>Slow operations alert while any finished within this span (the seed: operations over the slow threshold).</summary>
    public TimeSpan SlowOperationsWithin { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often conditions are evaluated when nothing signals a change sooner.</summary>
    public TimeSpan EvaluateEvery { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan HoldTimeOf(AlertKind kind) => HoldTimes.TryGetValue(kind, out var hold) ? hold : HoldTime;

    public bool IsEnabled(AlertKind kind) => !Disabled.Contains(kind);
}

public sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    private static readonly TimeSpan MaxHold = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var errors = new List<string>();
        Check(errors, "Alerts:HoldTime", options.HoldTime, MaxHold);
        foreach (var (kind, hold) in options.HoldTimes)
        {
            Check(errors, $"Alerts:HoldTimes:{kind}", hold, MaxHold);
        }

        Check(errors, "Alerts:ClearTime", options.ClearTime, MaxHold);
        if (options.SlowOperationsWithin <= TimeSpan.Zero || options.SlowOperationsWithin > TimeSpan.FromHours(24))
        {
            errors.Add($"Alerts:SlowOperationsWithin must be more than 0 and at most 24 hours; it is {options.SlowOperationsWithin}.");
        }

        if (options.EvaluateEvery < TimeSpan.FromSeconds(1) || options.EvaluateEvery > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Alerts:EvaluateEvery must be from 1 second to 10 minutes; it is {options.EvaluateEvery}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, string key, TimeSpan value, TimeSpan max)
    {
        if (value < TimeSpan.Zero || value > max)
        {
            errors.Add($"{key} must be from 00:00:00 to {max}; it is {value}.");
        }
    }
}
