using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Metrics;

public sealed record Thresholds(double SlowOperationSeconds, double SuccessRateAlertPercent)
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

        return errors;
    }
}

/// <summary>
/// The thresholds in force: configuration gives the defaults, the database the operator's changes,
/// which take effect at once (subscribers such as <see cref="MetricsEngine"/> are told).
/// </summary>
public sealed class ThresholdService(SettingsStore settings, IOptions<MetricsOptions> options)
{
    private const string SlowKey = "thresholds.slowOperationSeconds";
    private const string SuccessKey = "thresholds.successRateAlertPercent";

    private ImmutableList<Action<Thresholds>> _subscribers = [];

    public Thresholds Current { get; private set; } = new(options.Value.SlowOperationSeconds, options.Value.SuccessRateAlertPercent);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var slow = await settings.GetAsync(SlowKey, cancellationToken);
        var success = await settings.GetAsync(SuccessKey, cancellationToken);
        Current = new Thresholds(Parse(slow) ?? Current.SlowOperationSeconds, Parse(success) ?? Current.SuccessRateAlertPercent);
    }

    public async Task UpdateAsync(Thresholds thresholds, string changedBy, CancellationToken cancellationToken)
    {
        var errors = thresholds.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(thresholds));
        }

        await settings.SetAsync(SlowKey, thresholds.SlowOperationSeconds.ToString(CultureInfo.InvariantCulture), changedBy, cancellationToken);
        await settings.SetAsync(SuccessKey, thresholds.SuccessRateAlertPercent.ToString(CultureInfo.InvariantCulture), changedBy, cancellationToken);
        Current = thresholds;
        foreach (var subscriber in _subscribers)
        {
            subscriber(thresholds);
        }
    }

    public IDisposable Subscribe(Action<Thresholds> onChange)
    {
        ImmutableInterlocked.Update(ref _subscribers, list => list.Add(onChange));
        return new Unsubscriber(() => ImmutableInterlocked.Update(ref _subscribers, list => list.Remove(onChange)));
    }

    private static double? Parse(string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
}
