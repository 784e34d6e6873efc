using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Reports;
using OrchestrationMaint.Core.Scheduling;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Core.Tasks.Reports;
using OrchestrationMaint.Core.Tests.Queue;

namespace OrchestrationMaint.Core.Tests.Reports;

/// <summary>The queue needs its tasks before the database they write to exists: this one is wired in afterwards.</summary>
internal sealed class LateTask(TaskDescriptor descriptor) : IMaintenanceTask
{
    public IMaintenanceTask? Inner { get; set; }

    public TaskDescriptor Descriptor => descriptor;

    public Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken) => Inner!.RunAsync(context, cancellationToken);
}

public sealed class ReportServiceTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 30, 0, TimeSpan.Zero);

    private static List<GeneratedRecord> Records() =>
        ReportFiguresTests.Generate(5, new DateTimeOffset(2026, 11, 6, 0, 0, 0, TimeSpan.Zero), Now, 2_000, DateTimeOffset.MaxValue);

    [Fact]
    public async Task ReportGenerateTask_RunThroughTheQueue_StoresASnapshotWithItsRunRequesterAndFigures()
    {
        var late = new LateTask(new ReportGenerateTask(null!, null!).Descriptor);
        await using var queue = await QueueHarness.StartAsync(late);
        using var harness = await ReportHarness.StartAsync(Records(), Now, database: queue.Database);
        late.Inner = new ReportGenerateTask(harness.Service, queue.Database);

        var run = await queue.WaitFinishedAsync((await queue.EnqueueAsync("report-generate", new JsonObject { ["kind"] = "weekly" })).Id);

        Assert.Equal(RunState.Succeeded, run.State);
        Assert.False(queue.Tasks[0].Descriptor.ChangesTarget);
        var page = await harness.Service.ListAsync(null, 1, 10, Ct);
        var item = Assert.Single(page.Items);
        var snapshot = await harness.Service.GetAsync(item.Id, Ct);
        Assert.NotNull(snapshot);
        Assert.Equal((ReportKind.Weekly, "2026-W47", "tester", (long?)run.Id), (snapshot.Kind, snapshot.PeriodKey, snapshot.GeneratedBy, snapshot.RunId));
        Assert.Contains($"report #{snapshot.Id}", run.Summary, StringComparison.Ordinal);
        var fresh = await harness.Builder.BuildAsync(ReportKind.Weekly, Now, "tester", Ct);
        Assert.Equal(fresh.Success.Rate, snapshot.Model.Success.Rate);
        Assert.Equal(fresh.Success.Rate, snapshot.SuccessRate);
        Assert.Equal(fresh.Operations, snapshot.Model.Operations);

        var bad = await queue.Queue.EnqueueAsync("report-generate", new JsonObject { ["kind"] = "yearly" }, queue.Tester, Ct);
        Assert.False(bad.Accepted);
    }

    [Fact]
    public async Task ScheduleStore_CreateDefaults_AddsTheWeeklyReportOnMonday0600()
    {
        var late = new LateTask(new ReportGenerateTask(null!, null!).Descriptor);
        await using var queue = await QueueHarness.StartAsync(late);
        var store = new ScheduleStore(queue.Database, new TaskCatalog(queue.Tasks), new SettingsStore(queue.Database, TimeProvider.System), queue.Database.Guard, queue.Database.Audit,
            Options.Create(new SchedulingOptions()), Options.Create(new OrchestrationMaint.Core.Records.Checklist.ChecklistOptions { TimeZone = "America/Los_Angeles" }),
            TimeProvider.System, NullLogger<ScheduleStore>.Instance);

        await store.CreateDefaultsAsync(Ct);

        var schedule = Assert.Single(await store.ListAsync(Ct));
        // Monday 06:00 in the reports' calendar, not in UTC (still Sunday there).
        Assert.Equal(("Weekly report", "report-generate", "0 6 * * 1", "America/Los_Angeles"), (schedule.Name, schedule.TaskKey, schedule.Cron, schedule.TimeZone));
        Assert.Equal("weekly", JsonNode.Parse(schedule.Arguments)!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReportService_Generate_ViewerRefusedOperatorAuditedHistoryNewestFirstPagedAndFiltered()
    {
        using var harness = await ReportHarness.StartAsync(Records(), Now);
        var viewer = await harness.Database.AddUserAsync("vera", Role.Viewer);
        var alice = await harness.Database.OperatorAsync("alice");

        await Assert.ThrowsAsync<AccessDeniedException>(() => harness.Service.GenerateAsync(ReportKind.Weekly, viewer, Ct));
        var kinds = new[] { ReportKind.Weekly, ReportKind.Summary, ReportKind.Weekly, ReportKind.Monthly, ReportKind.Weekly };
        var ids = new List<long>();
        foreach (var kind in kinds)
        {
            harness.Clock.Now = harness.Clock.Now.AddMinutes(1);
            ids.Add((await harness.Service.GenerateAsync(kind, alice, Ct)).Id);
        }

        var all = await harness.Service.ListAsync(null, 1, 2, Ct);
        Assert.Equal(5, all.Total);
        Assert.Equal([ids[4], ids[3]], all.Items.Select(i => i.Id));
        Assert.Equal([ids[2], ids[1]], (await harness.Service.ListAsync(null, 2, 2, Ct)).Items.Select(i => i.Id));
        var weekly = await harness.Service.ListAsync(ReportKind.Weekly, 1, 10, Ct);
        Assert.Equal([ids[4], ids[2], ids[0]], weekly.Items.Select(i => i.Id));
        Assert.All(weekly.Items, i => Assert.Equal("alice", i.GeneratedBy));
        await using var db = harness.Database.CreateDbContext();
        var audit = await db.AuditEntries.Where(a => a.Action == "report.generated").OrderBy(a => a.Id).Select(a => new { a.Actor, a.Outcome }).ToListAsync(Ct);
        Assert.Equal(6, audit.Count);
        Assert.Equal(AuditOutcome.Denied, audit[0].Outcome);
        Assert.All(audit.Skip(1), a => Assert.Equal(("alice", AuditOutcome.Succeeded), (a.Actor, a.Outcome)));
    }
}
