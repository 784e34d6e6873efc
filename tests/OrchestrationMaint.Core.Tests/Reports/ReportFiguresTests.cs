using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Reports;

namespace OrchestrationMaint.Core.Tests.Reports;

/// <summary>Report figures against truth computed by plain LINQ over the generated records, never by the engine.</summary>
public sealed class ReportFiguresTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    /// <summary>Wednesday 25 Nov 2026, 10:30 UTC: the last complete ISO week (Berlin) is W47, 16–22 Nov; the one before W46.</summary>
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 30, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset W47Start = new(2026, 11, 15, 23, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset W47End = new(2026, 11, 22, 23, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset W46Start = new(2026, 11, 8, 23, 0, 0, TimeSpan.Zero);

    private static readonly string[] Errors = ["Git operation failed: remote unavailable", "timeout after 30 s", "config invalid: line 3, column 7"];

    /// <summary>
    /// Records from 6 to 25 November: before, in and after both weeks, with a record on each side of the week's first
    /// hour. In the later week git_push is three times slower, so its p95 is a regression; the others are not.
    /// </summary>
    internal static List<GeneratedRecord> Generate(int seed, DateTimeOffset from, DateTimeOffset to, int count, DateTimeOffset slowerFrom)
    {
        var random = new Random(seed);
        var operations = new (string Name, double Seconds)[] { ("distribute", 3), ("git_push", 2.5), ("validate", 0.8), ("sync <nodes> | \"all\"", 6) };
        var records = new List<GeneratedRecord>();
        var span = (to - from).Ticks;
        for (var i = 0; i < count; i++)
        {
            var at = from.AddTicks((long)(random.NextDouble() * span));
            at = new DateTimeOffset(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
            var (name, seconds) = operations[random.Next(operations.Length)];
            var factor = name == "git_push" && at >= slowerFrom ? 3 : 1;
            // Log-normal-ish: most near the operation's typical time, a tail past the 10 s threshold.
            var duration = Math.Round(seconds * factor * Math.Exp(0.6 * Gaussian(random)), 3);
            var roll = random.NextDouble();
            var status = roll < 0.88 ? "success" : roll < 0.97 ? "failure" : "skipped";
            var error = status == "failure" && random.Next(5) > 0 ? Errors[random.Next(Errors.Length)] : null;
            records.Add(new GeneratedRecord(at, name, status, duration, error));
        }

        records.Add(new GeneratedRecord(W47Start.AddSeconds(-1), "validate", "failure", 0.5, Errors[0]));
        records.Add(new GeneratedRecord(W47Start, "validate", "success", 0.5));
        return [.. records.OrderBy(r => r.At)];
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double? TrueRate(IEnumerable<GeneratedRecord> records)
    {
        long successes = records.Count(r => r.Status == "success"), failures = records.Count(r => r.Status == "failure");
        return successes + failures == 0 ? null : 100.0 * successes / (successes + failures);
    }

    /// <summary>Nearest rank, as a sorted list gives it.</summary>
    private static double TrueP95(IEnumerable<GeneratedRecord> records)
    {
        var sorted = records.Select(r => r.Seconds).Order().ToList();
        return sorted[(int)Math.Ceiling(0.95 * sorted.Count) - 1];
    }

    [Fact]
    public async Task WeeklyReport_GeneratedRecordsAcrossTwoWeeks_FiguresMatchIndependentTruth()
    {
        var records = Generate(48, new DateTimeOffset(2026, 11, 6, 0, 0, 0, TimeSpan.Zero), Now, 12_000, W47Start);
        using var harness = await ReportHarness.StartAsync(records, Now);

        var report = await harness.Builder.BuildAsync(ReportKind.Weekly, Now, "tester", Ct);

        Assert.Equal(("2026-W47", W47Start, W47End), (report.Period.Key, report.Period.Start, report.Period.End));
        Assert.Equal(("2026-W46", W46Start, W47Start), (report.Previous.Key, report.Previous.Start, report.Previous.End));
        var current = records.Where(r => r.At >= W47Start && r.At < W47End).ToList();
        var previous = records.Where(r => r.At >= W46Start && r.At < W47Start).ToList();
        Assert.True(report.HasMetrics);
        Assert.Equal(current.Count, report.Success.Records);
        Assert.Equal(current.Count(r => r.Status == "success"), report.Success.Successes);
        Assert.Equal(current.Count(r => r.Status == "failure"), report.Success.Failures);
        Assert.Equal(TrueRate(current)!.Value, report.Success.Rate!.Value, 9);
        Assert.Equal(TrueRate(previous)!.Value, report.Success.PreviousRate!.Value, 9);
        Assert.Equal((TrueRate(current) - TrueRate(previous))!.Value, report.Success.Change!.Value, 9);
        Assert.Equal(7, report.Success.Series.Count);
        Assert.Equal(current.Count(r => r.Status is "success" or "failure"), report.Success.Series.Sum(p => p.Successes + p.Failures));

        Assert.Equal(current.Count(r => r.Seconds > 10), report.Slow.Count);
        Assert.Equal(previous.Count(r => r.Seconds > 10), report.Slow.PreviousCount);
        Assert.True(report.Slow.Coverage.Complete);
        Assert.Equal(current.Where(r => r.Seconds > 10).Max(r => r.Seconds), report.Slow.Worst[0].DurationSeconds);
        var slowTruth = current.Where(r => r.Seconds > 10).GroupBy(r => r.Operation).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(slowTruth.OrderBy(p => p.Key, StringComparer.Ordinal), report.Slow.ByOperation.ToDictionary(r => r.Name, r => r.Count).OrderBy(p => p.Key, StringComparer.Ordinal));

        foreach (var row in report.Operations)
        {
            var mine = current.Where(r => r.Operation == row.Operation).ToList();
            var before = previous.Where(r => r.Operation == row.Operation).ToList();
            Assert.Equal(mine.Count, row.Count);
            Assert.Equal(before.Count, row.PreviousCount);
            Assert.Equal(TrueP95(mine), row.P95!.Value, TrueP95(mine) * 0.01);
            Assert.Equal(TrueP95(before), row.PreviousP95!.Value, TrueP95(before) * 0.01);
            Assert.Equal(row.Operation == "git_push", row.Regression);
            Assert.Equal(ReportBuilder.IsRegression(TrueP95(mine), TrueP95(before)), row.Regression);
        }

        Assert.Equal(current.Select(r => r.Operation).Distinct().Count(), report.Operations.Count);
        Assert.Equal("git_push", report.Operations[0].Operation);

        var failuresByOperation = current.Where(r => r.Status == "failure").GroupBy(r => r.Operation).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(failuresByOperation.OrderBy(p => p.Key, StringComparer.Ordinal), report.Failures.ByOperation.ToDictionary(r => r.Name, r => r.Count).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(previous.Count(r => r.Status == "failure"), report.Failures.PreviousCount);
        var failuresByError = current.Where(r => r.Status == "failure").GroupBy(r => r.Error ?? "(no error message)").ToDictionary(g => g.Key, g => (long)g.Count());
        var previousByError = previous.Where(r => r.Status == "failure").GroupBy(r => r.Error ?? "(no error message)").ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.True(report.Failures.Coverage.Complete);
        Assert.Equal(failuresByError.OrderBy(p => p.Key, StringComparer.Ordinal), report.Failures.ByError.ToDictionary(r => r.Name, r => r.Count).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.All(report.Failures.ByError, r => Assert.Equal(previousByError.GetValueOrDefault(r.Name), r.PreviousCount));
    }

    [Theory]
    [InlineData(50)]
    [InlineData(150)]
    public async Task WeeklyReport_RingSmallerThanThePeriod_ListsSayFromTheNewestKeptAndCountsStayExact(int capacity)
    {
        var records = Generate(7, new DateTimeOffset(2026, 11, 6, 0, 0, 0, TimeSpan.Zero), Now, 6_000, W47Start);
        using var harness = await ReportHarness.StartAsync(records, Now, metricsOptions: new MetricsOptions { RecentSlowCapacity = capacity });

        var report = await harness.Builder.BuildAsync(ReportKind.Weekly, Now, "tester", Ct);

        bool InWeek(GeneratedRecord r) => r.At >= W47Start && r.At < W47End;
        var failures = records.Where(r => r.Status == "failure").ToList();
        var keptInWeek = failures.TakeLast(capacity).Where(InWeek).ToList();
        Assert.Equal(failures.Count(InWeek), report.Failures.Count);
        Assert.Equal(failures.Count(InWeek), report.Failures.ByOperation.Sum(r => r.Count));
        Assert.False(report.Failures.Coverage.Complete);
        Assert.Equal(keptInWeek.Count, report.Failures.Coverage.Kept);
        Assert.Equal(keptInWeek.Count, report.Failures.ByError.Sum(r => r.Count));
        Assert.All(report.Failures.ByError, r => Assert.Null(r.PreviousCount));
        var slowKept = records.Where(r => r.Seconds > 10).TakeLast(capacity).Count(InWeek);
        Assert.Equal((slowKept, (long)records.Where(InWeek).Count(r => r.Seconds > 10)), (report.Slow.Coverage.Kept, report.Slow.Coverage.Total));
        var note = keptInWeek.Count == 0
            ? $"none of the period's {failures.Count(InWeek):N0} is among the newest {capacity:N0} kept"
            : $"from the newest {keptInWeek.Count:N0} kept (of {failures.Count(InWeek):N0})";
        Assert.Equal(note, report.Failures.Coverage.Note);
        Assert.Contains(ReportMarkdown.Escape(note), ReportMarkdown.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeeklyReport_AlertsInBothWeeks_CountedPerKindWithTheirTimesToAcknowledgeAndResolve()
    {
        using var harness = await ReportHarness.StartAsync(Generate(5, W46Start, Now, 1_000, DateTimeOffset.MaxValue), Now);
        Alert Fired(string key, AlertKind kind, DateTimeOffset at, double? ackHours, double? resolveHours, bool notified = true) => new()
        {
            Key = key, Kind = kind, Title = key, Message = key, ConditionSince = at, FiredAt = at, LastSeenAt = at, Notified = notified,
            State = resolveHours is null ? AlertState.Firing : AlertState.Resolved,
            AcknowledgedAt = ackHours is { } a ? at.AddHours(a) : null,
            ResolvedAt = resolveHours is { } r ? at.AddHours(r) : null,
        };
        await using (var db = harness.Database.CreateDbContext())
        {
            db.Alerts.AddRange(
                Fired("success-rate", AlertKind.SuccessRate, W47Start.AddHours(1), 0.5, 2),
                Fired("disk", AlertKind.DiskUsage, W47Start.AddDays(2), null, 4),
                Fired("schedule:1", AlertKind.ScheduledRunFailed, W47Start.AddDays(3), null, null, notified: false),
                Fired("disk", AlertKind.DiskUsage, W46Start.AddDays(1), null, 1),
                Fired("success-rate", AlertKind.SuccessRate, W47End.AddHours(1), null, 1));
            await db.SaveChangesAsync(Ct);
        }

        var alerts = (await harness.Builder.BuildAsync(ReportKind.Weekly, Now, "tester", Ct)).Alerts!;

        Assert.Equal((3, 1, 1, 1), (alerts.Fired, alerts.PreviousFired, alerts.Expected, alerts.OpenAtEnd));
        Assert.Equal(0.5, alerts.MeanHoursToAcknowledge!.Value, 6);
        Assert.Equal(3, alerts.MeanHoursToResolve!.Value, 6);
        Assert.Equal([new CountRow("Disk usage", 1, 1), new CountRow("Scheduled run failed", 1, 0), new CountRow("Success rate", 1, 0)], alerts.ByKind);
    }

    [Fact]
    public async Task MonthlyReport_MadeInTheNextMonth_ShowsTheBudgetOfItsOwnMonthAtItsEnd()
    {
        using var harness = await ReportHarness.StartAsync(Generate(9, new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), Now, 4_000, DateTimeOffset.MaxValue), Now);

        var report = await harness.Builder.BuildAsync(ReportKind.Monthly, Now, "tester", Ct);

        Assert.InRange(report.Budget.At, report.Period.Start, report.Period.End);
        Assert.Equal(harness.Budgets.At(report.Period.End.AddTicks(-1)).Month, report.Budget.Month);
        Assert.NotEqual(harness.Budgets.At(Now).Month, report.Budget.Month);
    }

    [Fact]
    public async Task Report_PeriodWithoutRecords_SaysNoDataEverywhereAndNeverAFakeFigure()
    {
        // Everything happened a month before the period: the weekly report of W47 has nothing.
        var records = Generate(3, new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 5, 0, 0, 0, TimeSpan.Zero), 500, DateTimeOffset.MaxValue)
            .Where(r => r.At < new DateTimeOffset(2026, 10, 5, 0, 0, 0, TimeSpan.Zero)).ToList();
        using var harness = await ReportHarness.StartAsync(records, Now);

        var report = await harness.Builder.BuildAsync(ReportKind.Weekly, Now, "tester", Ct);

        Assert.False(report.HasMetrics);
        Assert.Null(report.Success.Rate);
        Assert.Null(report.Success.PreviousRate);
        Assert.Null(report.Success.Change);
        Assert.Empty(report.Operations);
        Assert.Equal(BudgetOutlook.NoData, report.Budget.Outlook);
        Assert.Null(report.Budget.SpentPercent);
        Assert.Equal(DiskOutlook.NoData, report.Disk.Outlook);
        Assert.All(report.Checklist, c => Assert.Null(c.Percent));
        Assert.Equal((0, 0, null, null), (report.Alerts!.Fired, report.Alerts.PreviousFired, report.Alerts.MeanHoursToAcknowledge, report.Alerts.MeanHoursToResolve));

        var markdown = ReportMarkdown.Render(report);
        Assert.Contains("| Success rate | no data | no data | no data |", markdown, StringComparison.Ordinal);
        Assert.Contains("no data this period, no data the period before.", markdown, StringComparison.Ordinal);
        Assert.Contains("0 fired (previous period 0)", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("100.0 %", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", markdown, StringComparison.Ordinal);
        var rows = ReportTable.Rows(report).ToList();
        Assert.Equal("no data", rows.Single(r => r[0] == "success" && r[2] == "success_rate_percent")[3]);
        Assert.Equal("no data", rows.Single(r => r[0] == "slow" && r[2] == "count")[3]);
        Assert.Equal("no data", rows.Single(r => r[0] == "failures" && r[2] == "count")[3]);
        Assert.Equal("no data", rows.Single(r => r[0] == "error_budget" && r[2] == "spent_percent")[3]);
        Assert.DoesNotContain(rows.SelectMany(r => r), cell => cell.Contains("NaN", StringComparison.Ordinal) || cell.Contains("Infinity", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SummaryReport_Last24Hours_EqualsTheDashboardsWindowAndThe24HoursBefore()
    {
        var records = Generate(11, Now.AddDays(-3), Now, 3_000, DateTimeOffset.MaxValue);
        using var harness = await ReportHarness.StartAsync(records, Now);

        var report = await harness.Builder.BuildAsync(ReportKind.Summary, Now, "tester", Ct);

        var dashboard = harness.Engine.Summarize(MetricsWindow.Last24Hours);
        Assert.Equal(dashboard.From, report.Period.Start);
        Assert.Equal((dashboard.Successes, dashboard.Failures, dashboard.SlowOperations), (report.Success.Successes, report.Success.Failures, report.Slow.Count));
        Assert.Equal(dashboard.SuccessRate, report.Success.Rate);
        var previous = records.Where(r => r.At >= report.Previous.Start && r.At < report.Period.Start).ToList();
        Assert.Equal(TrueRate(previous)!.Value, report.Success.PreviousRate!.Value, 9);
        Assert.Equal(24, report.Success.Series.Count);
    }

    [Fact]
    public void ReportPeriod_EachKindInBerlin_LastCompletePeriodFlooredToWholeHoursWithThePreviousOne()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var (monthly, beforeMonth) = ReportPeriod.At(ReportKind.Monthly, Now, zone);
        Assert.Equal(("2026-10", new DateTimeOffset(2026, 9, 30, 22, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 31, 23, 0, 0, TimeSpan.Zero)), (monthly.Key, monthly.Start, monthly.End));
        Assert.Equal("2026-09", beforeMonth.Key);
        var (quarterly, beforeQuarter) = ReportPeriod.At(ReportKind.Quarterly, Now, zone);
        Assert.Equal(("2026-Q3", new DateTimeOffset(2026, 6, 30, 22, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 9, 30, 22, 0, 0, TimeSpan.Zero)), (quarterly.Key, quarterly.Start, quarterly.End));
        Assert.Equal("2026-Q2", beforeQuarter.Key);
        var (weekly, _) = ReportPeriod.At(ReportKind.Weekly, new DateTimeOffset(2027, 1, 4, 5, 0, 0, TimeSpan.Zero), zone);
        Assert.Equal("2026-W53", weekly.Key);
        // A half-hour zone: local midnight is not a whole UTC hour, so the period starts at the hour before it.
        var (india, _) = ReportPeriod.At(ReportKind.Monthly, Now, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));
        Assert.Equal(new DateTimeOffset(2026, 9, 30, 18, 0, 0, TimeSpan.Zero), india.Start);
    }
}
