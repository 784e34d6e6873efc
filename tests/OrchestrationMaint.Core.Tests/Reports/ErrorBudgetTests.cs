using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Reports;

namespace OrchestrationMaint.Core.Tests.Reports;

/// <summary>The error budget against truth computed from the generated records by hand.</summary>
public sealed class ErrorBudgetTests
{
    /// <summary>Wednesday 18 Nov 2026, 14:20 UTC; the month (Berlin) began 31 Oct 23:00 UTC.</summary>
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 14, 20, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset MonthStart = new(2026, 10, 31, 23, 0, 0, TimeSpan.Zero);

    private static IEnumerable<GeneratedRecord> Records(DateTimeOffset from, int count, TimeSpan step, string status) =>
        Enumerable.Range(0, count).Select(i => new GeneratedRecord(from + step * i, "distribute", status, 1.0, status == "failure" ? "boom" : null));

    [Fact]
    public async Task ErrorBudget_NoRecordsThisMonth_SaysNoDataNotAFullBudget()
    {
        // Only last month's records (the last one a second before this month began, Berlin time).
        using var harness = await ReportHarness.StartAsync(Records(MonthStart.AddDays(-3), 100, TimeSpan.FromMinutes(43), "failure").Append(new GeneratedRecord(MonthStart.AddSeconds(-1), "x", "success", 1)), Now);

        var budget = harness.Budgets.At(Now);

        Assert.Equal(BudgetOutlook.NoData, budget.Outlook);
        Assert.False(budget.HasData);
        Assert.Null(budget.AllowedFailures);
        Assert.Null(budget.SpentPercent);
        Assert.Null(budget.RemainingFailures);
        Assert.Null(budget.Burn1h.Rate);
        Assert.Null(budget.Burn6h.Rate);
        Assert.Equal(MonthStart, budget.MonthStart);
        Assert.Equal("November 2026", budget.Month);
    }

    [Fact]
    public async Task ErrorBudget_MonthWithTrafficAndAFailingAfternoon_AllowedSpentRemainingBurnRatesAndExhaustionMatchTruth()
    {
        var records = new List<GeneratedRecord>();
        // Last month's failures must not count; the first second of this month must.
        records.AddRange(Records(MonthStart.AddHours(-5), 50, TimeSpan.FromMinutes(5), "failure"));
        records.Add(new GeneratedRecord(MonthStart, "distribute", "failure", 1, "first second"));
        // 17 quiet days: one record every 10 minutes, 1 failure in 50.
        var quiet = Enumerable.Range(0, 17 * 144).Select(i => new GeneratedRecord(MonthStart.AddMinutes(1 + 10 * i), "distribute", i % 50 == 0 ? "failure" : "success", 1.0)).ToList();
        records.AddRange(quiet.Where(r => r.At < new DateTimeOffset(2026, 11, 18, 9, 0, 0, TimeSpan.Zero)));
        // From 09:00 UTC today: 40 records an hour, 1 in 4 failing; the current hour (14:00–14:20) has 10, 5 failing.
        for (var hour = 9; hour < 14; hour++)
        {
            records.AddRange(Enumerable.Range(0, 40).Select(i => new GeneratedRecord(new DateTimeOffset(2026, 11, 18, hour, 0, 30, TimeSpan.Zero).AddSeconds(89 * i), "git_push", i % 4 == 0 ? "failure" : "success", 2)));
        }

        records.AddRange(Enumerable.Range(0, 10).Select(i => new GeneratedRecord(new DateTimeOffset(2026, 11, 18, 14, 1, 0, TimeSpan.Zero).AddMinutes(i), "git_push", i % 2 == 0 ? "failure" : "success", 2)));
        using var harness = await ReportHarness.StartAsync(records.OrderBy(r => r.At), Now);

        var budget = harness.Budgets.At(Now);

        var month = records.Where(r => r.At >= MonthStart && r.At < Now).ToList();
        long successes = month.Count(r => r.Status == "success"), failures = month.Count(r => r.Status == "failure");
        var allowed = 0.05 * (successes + failures);
        Assert.Equal((successes, failures), (budget.Successes, budget.Failures));
        Assert.Equal(allowed, budget.AllowedFailures!.Value, 9);
        Assert.Equal(100.0 * failures / allowed, budget.SpentPercent!.Value, 9);
        Assert.Equal(allowed - failures, budget.RemainingFailures!.Value, 9);
        // "1 h" is the current hour; "6 h" it and the five before (09:00 to now).
        Assert.Equal(0.5 / 0.05, budget.Burn1h.Rate!.Value, 9);
        var six = records.Where(r => r.At >= new DateTimeOffset(2026, 11, 18, 9, 0, 0, TimeSpan.Zero)).ToList();
        long sixFailures = six.Count(r => r.Status == "failure");
        Assert.Equal((double)sixFailures / six.Count / 0.05, budget.Burn6h.Rate!.Value, 9);
        Assert.True(budget.Burn6h.Rate > 1);
        // Each hour at that pace adds 0.05 × records of allowance and takes the failures: what is left lasts remaining / net loss.
        var hours = (Now - new DateTimeOffset(2026, 11, 18, 9, 0, 0, TimeSpan.Zero)).TotalHours;
        var lossPerHour = (sixFailures - 0.05 * six.Count) / hours;
        Assert.Equal(BudgetOutlook.RunsOut, budget.Outlook);
        Assert.Equal(Now.AddHours((allowed - failures) / lossPerHour), budget.ExhaustsAt!.Value, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void ErrorBudget_Compute_EdgesNeverDivideByZero()
    {
        var range = new TimeRange(MonthStart, MonthStart.AddDays(30));
        var hourStart = MetricsWindows.FloorHour(Now);
        MetricsSummary Summary(long successes, long failures, DateTimeOffset from) =>
            new(MetricsWindow.All, from, successes + failures, successes, failures, 0, successes + failures == 0 ? null : 100.0 * successes / (successes + failures), 0, 0, null, [], []);

        // Calm hours: burning slower than 1× never runs out.
        var calm = ErrorBudget.Compute(95, "November 2026", range, Now, Summary(990, 10, MonthStart), Summary(50, 0, hourStart), Summary(300, 3, hourStart.AddHours(-5)));
        Assert.Equal(BudgetOutlook.NotAtThisRate, calm.Outlook);
        Assert.Equal(20.0, calm.SpentPercent!.Value, 9);
        Assert.Equal(0.0, calm.Burn1h.Rate!.Value, 9);
        // No traffic in the last six hours: no burn rate, and no projection from nothing.
        var idle = ErrorBudget.Compute(95, "November 2026", range, Now, Summary(1000, 10, MonthStart), Summary(0, 0, hourStart), Summary(0, 0, hourStart.AddHours(-5)));
        Assert.Null(idle.Burn6h.Rate);
        Assert.Equal(BudgetOutlook.NotAtThisRate, idle.Outlook);
        // More failures than allowed: exhausted, remaining negative, spent over 100 %.
        var over = ErrorBudget.Compute(95, "November 2026", range, Now, Summary(100, 20, MonthStart), Summary(0, 1, hourStart), Summary(5, 5, hourStart.AddHours(-5)));
        Assert.Equal(BudgetOutlook.Exhausted, over.Outlook);
        Assert.Equal(20 - 6.0, -over.RemainingFailures!.Value, 9);
        Assert.Equal(100.0 * 20 / 6, over.SpentPercent!.Value, 9);
        // A 100 % objective allows nothing: no burn rate (no division by zero), the first failure exhausts it.
        var strict = ErrorBudget.Compute(100, "November 2026", range, Now, Summary(100, 1, MonthStart), Summary(10, 1, hourStart), Summary(10, 1, hourStart.AddHours(-5)));
        Assert.Equal(BudgetOutlook.Exhausted, strict.Outlook);
        Assert.Null(strict.Burn1h.Rate);
        Assert.Null(strict.SpentPercent);
        var perfect = ErrorBudget.Compute(100, "November 2026", range, Now, Summary(100, 0, MonthStart), Summary(10, 0, hourStart), Summary(10, 0, hourStart.AddHours(-5)));
        Assert.Equal(0, perfect.SpentPercent);
        Assert.Equal(BudgetOutlook.NotAtThisRate, perfect.Outlook);
    }
}
