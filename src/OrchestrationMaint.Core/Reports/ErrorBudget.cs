using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Records.Checklist;

namespace OrchestrationMaint.Core.Reports;

public enum BudgetOutlook
{
    /// <summary>No successes or failures this month: nothing to say, and no fake 100 %.</summary>
    NoData,

    /// <summary>The failures so far already exceed what the objective allows.</summary>
    Exhausted,

    /// <summary>At the 6 h burn rate the remaining budget runs out at <see cref="ErrorBudget.ExhaustsAt"/>.</summary>
    RunsOut,

    /// <summary>The 6 h burn rate is at most 1 (or there was no traffic in those hours): the budget is not being used up.</summary>
    NotAtThisRate,
}

/// <summary>Failure ratio over a window divided by the ratio the objective allows; null without records ("no data").</summary>
public sealed record BurnRate(string Window, DateTimeOffset From, long Successes, long Failures, double? Rate);

/// <summary>
/// The error budget of the success-rate objective for one calendar month, as of <see cref="At"/>. The budget
/// grows with the traffic: allowed failures = (1 − objective) × (successes + failures) so far.
/// </summary>
public sealed record ErrorBudget(
    double ObjectivePercent,
    string Month,
    DateTimeOffset MonthStart,
    DateTimeOffset MonthEnd,
    DateTimeOffset At,
    long Successes,
    long Failures,
    double? AllowedFailures,
    double? SpentPercent,
    double? RemainingFailures,
    BurnRate Burn1h,
    BurnRate Burn6h,
    BudgetOutlook Outlook,
    DateTimeOffset? ExhaustsAt)
{
    /// <summary>Google SRE's multiwindow thresholds: 14.4× for an hour spends 2 % of a 30-day budget; 6× for 6 hours, 5 %.</summary>
    public const double FastBurn = 14.4;

    /// <inheritdoc cref="FastBurn"/>
    public const double SlowBurn = 6;

    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasData => Successes + Failures > 0;

    /// <summary>
    /// The budget from the month's figures and the two burn windows. Projection: at the 6 h window's pace the budget
    /// loses (failures − (1 − objective) × records) per hour, since every record also earns its share of allowance.
    /// </summary>
    public static ErrorBudget Compute(double objectivePercent, string month, TimeRange monthRange, DateTimeOffset now,
        MetricsSummary monthSoFar, MetricsSummary last1h, MetricsSummary last6h)
    {
        var allowedRatio = Math.Clamp(1 - objectivePercent / 100.0, 0, 1);
        long successes = monthSoFar.Successes, failures = monthSoFar.Failures;
        var burn1h = Burn("1 h", last1h, allowedRatio);
        var burn6h = Burn("6 h", last6h, allowedRatio);
        if (successes + failures == 0)
        {
            return new(objectivePercent, month, monthRange.Start, monthRange.End, now, 0, 0, null, null, null, burn1h, burn6h, BudgetOutlook.NoData, null);
        }

        var allowed = allowedRatio * (successes + failures);
        var remaining = allowed - failures;
        // A 100 % objective allows no failure at all: spent is "all of it" at the first one, never a division by zero.
        double? spent = allowed > 0 ? 100.0 * failures / allowed : failures == 0 ? 0 : null;
        if (remaining < 0 || (allowed == 0 && failures > 0))
        {
            return new(objectivePercent, month, monthRange.Start, monthRange.End, now, successes, failures, allowed, spent, remaining, burn1h, burn6h, BudgetOutlook.Exhausted, null);
        }

        var hours = (now - last6h.From!.Value).TotalHours;
        var records6h = last6h.Successes + last6h.Failures;
        var lossPerHour = hours > 0 ? (last6h.Failures - allowedRatio * records6h) / hours : 0;
        if (lossPerHour <= 0 || records6h == 0)
        {
            return new(objectivePercent, month, monthRange.Start, monthRange.End, now, successes, failures, allowed, spent, remaining, burn1h, burn6h, BudgetOutlook.NotAtThisRate, null);
        }

        var exhaustsAt = now + TimeSpan.FromHours(Math.Min(remaining / lossPerHour, 24 * 366 * 10));
        return new(objectivePercent, month, monthRange.Start, monthRange.End, now, successes, failures, allowed, spent, remaining, burn1h, burn6h, BudgetOutlook.RunsOut, exhaustsAt);
    }

    private static BurnRate Burn(string window, MetricsSummary summary, double allowedRatio)
    {
        var records = summary.Successes + summary.Failures;
        double? rate = records == 0 || allowedRatio == 0 ? null : (double)summary.Failures / records / allowedRatio;
        return new BurnRate(window, summary.From!.Value, summary.Successes, summary.Failures, rate);
    }
}

/// <summary>
/// The current month's error budget. The month is the calendar month of the checklist's time zone (Checklist:TimeZone),
/// the same calendar the reports and the checklist use, floored to whole UTC hours because figures are kept per hour.
/// Burn windows are whole UTC hours like the dashboard's: "1 h" is the current hour, "6 h" it and the five before.
/// </summary>
public sealed class ErrorBudgetService(MetricsEngine metrics, ThresholdService thresholds, ChecklistCalendar calendar)
{
    /// <summary>
    /// Every open dashboard asks after each metrics change (at most once a second each); one answer serves them all
    /// for this long. Worth it: with a million records in the file one computation is about 13 ms.
    /// </summary>
    private static readonly TimeSpan Reuse = TimeSpan.FromSeconds(2);

    // One reference, swapped whole: circuits read it from their own threads.
    private volatile Cached? _last;

    public ErrorBudget Current()
    {
        var now = calendar.Now;
        var objective = thresholds.Current.SuccessRateAlertPercent;
        if (_last is { } last && last.Objective == objective && now >= last.Budget.At && now - last.Budget.At < Reuse
            && MetricsWindows.FloorHour(now) == MetricsWindows.FloorHour(last.Budget.At))
        {
            return last.Budget;
        }

        var budget = At(now);
        _last = new Cached(budget, objective);
        return budget;
    }

    private sealed record Cached(ErrorBudget Budget, double Objective);

    public ErrorBudget At(DateTimeOffset now)
    {
        var month = calendar.At(ChecklistCadence.Monthly, now);
        var start = MetricsWindows.FloorHour(calendar.Start(month));
        var end = MetricsWindows.FloorHour(calendar.End(month));
        var hourEnd = MetricsWindows.FloorHour(now).AddHours(1);
        var soFar = metrics.Summarize(new TimeRange(start, hourEnd), SeriesBucket.Day);
        var last1h = metrics.Summarize(new TimeRange(hourEnd.AddHours(-1), hourEnd), SeriesBucket.Hour);
        var last6h = metrics.Summarize(new TimeRange(hourEnd.AddHours(-6), hourEnd), SeriesBucket.Hour);
        return ErrorBudget.Compute(thresholds.Current.SuccessRateAlertPercent, month.Label, new TimeRange(start, end), now, soFar, last1h, last6h);
    }
}
