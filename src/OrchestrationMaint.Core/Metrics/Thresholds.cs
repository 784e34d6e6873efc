using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Metrics;

/// <summary>The operator's alert thresholds. Defaults follow the maintenance procedures.</summary>
public sealed record Thresholds(
    double SlowOperationSeconds = 10,
    double SuccessRateAlertPercent = 95,
    double DiskWarningPercent = 90,
    double DiskCriticalPercent = 95,
    double BackupMaxAgeDays = 7)
{
    /// <returns>One sentence per impossible value; empty when all are fine.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!double.IsFinite(SlowOperationSeconds) || SlowOperationSeconds <= 0 || SlowOperationSeconds > 86_400)
        {
            errors.Add("The slow-operation threshold must be more than 0 and at most 86400 seconds.");
        }

        if (!double.IsFinite(SuccessRateAlertPercent) || SuccessRateAlertPercent is < 0 or > 100)
        {
            errors.Add("The success-rate alert threshold must be a percentage from 0 to 100.");
        }

        if (!double.IsFinite(DiskWarningPercent) || !double.IsFinite(DiskCriticalPercent)
            || DiskWarningPercent is <= 0 or > 100 || DiskCriticalPercent is <= 0 or > 100 || DiskWarningPercent > DiskCriticalPercent)
        {
            errors.Add("The disk thresholds must be percentages above 0 and at most 100, the warning no higher than the critical one.");
        }

        if (!double.IsFinite(BackupMaxAgeDays) || BackupMaxAgeDays is <= 0 or > 3650)
        {
            errors.Add("The backup age limit must be more than 0 and at most 3650 days.");
        }

        return errors;
    }
}

/// <summary>
/// The thresholds in force: configuration gives the defaults (section "Metrics"), the database the
/// operator's changes, which take effect at once (subscribers such as <see cref="MetricsEngine"/> are told).
/// </summary>
public sealed class ThresholdService(SettingsStore settings, Access.AccessGuard guard, Access.AuditLog audit, IOptions<MetricsOptions> options, ILogger<ThresholdService> logger)
{
    private const string SettingKey = "thresholds";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Subscribers<Thresholds> _subscribers = new(logger);

    public Thresholds Current { get; private set; } = new(options.Value.SlowOperationSeconds, options.Value.SuccessRateAlertPercent);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (await settings.GetAsync(SettingKey, cancellationToken) is { } saved
            && JsonSerializer.Deserialize<Thresholds>(saved, Json) is { } thresholds
            && thresholds.Validate().Count == 0)
        {
            Current = thresholds;
        }
    }

    /// <exception cref="ArgumentException">A value is impossible; the message says which, in sentences.</exception>
    /// <exception cref="Access.AccessDeniedException">Not an Admin.</exception>
    public async Task UpdateAsync(Thresholds thresholds, Access.Actor actor, CancellationToken cancellationToken)
    {
        await guard.RequireAsync(actor, Access.Role.Admin, "settings.thresholds", "change settings", "thresholds", cancellationToken);
        var errors = thresholds.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(thresholds));
        }

        var json = JsonSerializer.Serialize(thresholds, Json);
        await settings.SetAsync(SettingKey, json, actor.Display, cancellationToken);
        await audit.WriteAsync(actor, "settings.thresholds", Access.AuditOutcome.Succeeded, "thresholds", json, cancellationToken);
        Current = thresholds;
        _subscribers.Notify(thresholds);
    }

    public IDisposable Subscribe(Action<Thresholds> onChange) => _subscribers.Add(onChange);
}
