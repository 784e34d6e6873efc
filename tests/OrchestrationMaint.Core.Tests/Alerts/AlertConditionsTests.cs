using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Health;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Reports;
using OrchestrationMaint.Core.Scheduling;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Alerts;

/// <summary>The rules that turn figures, checks and schedules into conditions.</summary>
public sealed class AlertConditionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 3, 30, 0, TimeSpan.Zero);

    private static MetricsSummary Summary(long successes, long failures) =>
        new(MetricsWindow.Last24Hours, null, successes + failures, successes, failures, 0,
            successes + failures == 0 ? null : 100.0 * successes / (successes + failures), 0, 0, null,
            [new OperationStats("git_push", successes + failures, successes, failures, 0, null, null, null, 0, 0)], []);

    private static KeptRecord Slow(TimeSpan ago, double seconds) => new(1, Now - ago, "deploy", "success", seconds, []);

    [Theory]
    [InlineData(949, 51, true)]
    [InlineData(950, 50, false)]
    [InlineData(0, 0, false)]
    public void FromMetrics_SuccessRateAgainstThreshold_ConditionOnlyBelowIt(long successes, long failures, bool expected)
    {
        var conditions = AlertConditions.FromMetrics(Summary(successes, failures), [], new Thresholds(), TimeSpan.FromHours(1), Now).ToList();

        Assert.Equal(expected, conditions.Any(c => c.Kind == AlertKind.SuccessRate));
        if (expected)
        {
            var condition = Assert.Single(conditions);
            Assert.Equal(AlertLevel.Critical, condition.Level);
            Assert.Contains("94.90 %", condition.Message);
            Assert.Contains("Most failures: git_push (51)", condition.Message);
        }
    }

    [Fact]
    public void FromMetrics_SlowRecordsOlderThanTheSpan_DoNotCount()
    {
        var old = AlertConditions.FromMetrics(Summary(10, 0), [Slow(TimeSpan.FromMinutes(61), 30)], new Thresholds(), TimeSpan.FromHours(1), Now);
        var recent = AlertConditions.FromMetrics(Summary(10, 0), [Slow(TimeSpan.FromMinutes(5), 12.5), Slow(TimeSpan.FromMinutes(50), 42)], new Thresholds(), TimeSpan.FromHours(1), Now);

        Assert.Empty(old);
        var condition = Assert.Single(recent);
        Assert.Equal(AlertKind.SlowOperations, condition.Kind);
        Assert.Equal("2 operation(s) took longer than 10 s in the last 1 h; slowest deploy at 42.0 s.", condition.Message);
    }

    [Fact]
    public void FromChecks_DiskBackupsAndOthers_EachItsKindAndLevelMetricChecksLeftToTheirRules()
    {
        CheckResult Check(string key, HealthStatus status) => new(key, key, status, $"{key} says so.", [], "Do this.", Now, TimeSpan.Zero);

        var conditions = AlertConditions.FromChecks([
            Check("disk", HealthStatus.Unhealthy), Check("backups", HealthStatus.Degraded), Check("git", HealthStatus.Degraded),
            Check("config", HealthStatus.Healthy), Check("success-rate", HealthStatus.Unhealthy), Check("slow-operations", HealthStatus.Degraded)]).ToList();

        Assert.Equal(
            [("disk", AlertKind.DiskUsage, AlertLevel.Critical), ("backups", AlertKind.BackupAge, AlertLevel.Warning), ("check:git", AlertKind.HealthCheck, AlertLevel.Warning)],
            conditions.Select(c => (c.Key, c.Kind, c.Level)));
        Assert.Equal("disk says so. Do this.", conditions[0].Message);
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(20.0, 5.9, null)]
    [InlineData(10.0, 6.0, AlertLevel.Warning)]
    [InlineData(null, 7.5, AlertLevel.Warning)]
    [InlineData(14.4, 6.0, AlertLevel.Critical)]
    public void FromBudget_BurnRates_WarningFromSixTimesOverSixHoursCriticalWhenTheHourBurnsFourteenPointFour(double? hour, double? sixHours, AlertLevel? expected)
    {
        var budget = new ErrorBudget(95, "November 2026", Now.AddDays(-28), Now.AddDays(2), Now, 9_000, 800, 490, 163, -310,
            new BurnRate("1 h", Now, 10, 10, hour), new BurnRate("6 h", Now, 100, 60, sixHours), BudgetOutlook.Exhausted, null);

        var condition = AlertConditions.FromBudget(budget).SingleOrDefault();

        Assert.Equal(expected, condition?.Level);
        if (condition is not null)
        {
            Assert.Equal(("error-budget", AlertKind.ErrorBudgetBurn), (condition.Key, condition.Kind));
            Assert.EndsWith("The month's budget is already spent.", condition.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FailedSchedules_NewestFinishedRunFailed_ListedUntilALaterRunSucceeds()
    {
        using var temp = new TempDirectory("om-alert-schedules");
        var database = await TestDatabase.MigratedAsync(temp.Combine("maint.db"));
        var queries = new AlertQueries(database);
        await using (var db = database.CreateDbContext())
        {
            db.Schedules.AddRange(
                new Schedule { Name = "Nightly backup", TaskKey = "backup-create", Cron = "0 2 * * *", TimeZone = "UTC" },
                new Schedule { Name = "Paused and failing", TaskKey = "health-check", Cron = "0 * * * *", TimeZone = "UTC", Paused = true });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            db.Runs.AddRange(
                Run(1, RunState.Succeeded, "ok"),
                Run(1, RunState.Failed, "tar: backups/: No space left on device"),
                Run(1, RunState.Running, null),
                Run(2, RunState.Failed, "broken"));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var failed = Assert.Single(await queries.FailedSchedulesAsync(TestContext.Current.CancellationToken));
        Assert.Equal(("Nightly backup", "Failed"), (failed.ScheduleName, failed.State));
        Assert.Equal(
            "Run #2 of \"Nightly backup\" ended failed: tar: backups/: No space left on device. The alert resolves when the schedule's next run succeeds.",
            Assert.Single(AlertConditions.FromSchedules([failed])).Message);

        await using (var db = database.CreateDbContext())
        {
            db.Runs.Add(Run(1, RunState.Succeeded, "ok"));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        Assert.Empty(await queries.FailedSchedulesAsync(TestContext.Current.CancellationToken));
    }

    private static TaskRun Run(long scheduleId, RunState state, string? summary) => new()
    {
        TaskKey = "backup-create",
        RequestedBy = "scheduler",
        Trigger = RunTrigger.Schedule,
        ScheduleId = scheduleId,
        State = state,
        Summary = summary,
        QueuedAt = Now,
        FinishedAt = state is RunState.Running ? null : Now,
    };
}
