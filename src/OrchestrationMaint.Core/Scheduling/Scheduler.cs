using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records;

namespace OrchestrationMaint.Core.Scheduling;

/// <summary>
/// Queues the runs of due schedules. Each schedule remembers the newest occurrence it dealt with, so
/// after downtime it looks at what fell due meanwhile: the newest occurrence runs once if it is within
/// the grace period, every other one is recorded as missed (a maintenance record), and there is never
/// a burst of catch-ups. Paused schedules are skipped; resuming starts from the moment of resuming.
/// </summary>
public sealed class Scheduler(
    ScheduleStore store,
    TaskQueue queue,
    MaintenanceRecorder recorder,
    IDbContextFactory<MaintenanceDbContext> contextFactory,
    IOptions<SchedulingOptions> options,
    TimeProvider clock,
    ILogger<Scheduler> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.CreateDefaultsAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken);
                await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Looking for due schedules failed; trying again in {Interval}", options.Value.PollInterval);
                await Task.WhenAny(Task.Delay(options.Value.PollInterval, clock, stoppingToken));
            }
        }
    }

    /// <summary>One pass over the schedules at the current time; public so tests can drive it.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        List<Schedule> schedules;
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            schedules = await db.Schedules.AsNoTracking().Where(s => !s.Paused).ToListAsync(cancellationToken);
        }

        var changed = false;
        foreach (var schedule in schedules)
        {
            try
            {
                changed |= await TickAsync(schedule, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One schedule that fails never holds up (or repeats) the others.
                logger.LogError(ex, "Schedule {Name} could not be handled; trying again next time", schedule.Name);
            }
        }

        if (changed)
        {
            store.NotifyChanged();
        }
    }

    private async Task<bool> TickAsync(Schedule schedule, CancellationToken cancellationToken)
    {
        if (!CronSchedule.TryParse(schedule.Cron, schedule.TimeZone, out var cron, out var zone, out var error))
        {
            logger.LogWarning("Schedule {Name} cannot run: {Error}", schedule.Name, error);
            return false;
        }

        var now = clock.GetUtcNow();
        var grace = options.Value.MissedRunGrace;
        var last = schedule.LastOccurrence;
        var (count, latest, previous) = CronSchedule.Due(cron!, zone!, last ?? schedule.CreatedAt, now);
        if (latest is not { } due)
        {
            return false;
        }

        var runNow = now - due <= grace;
        var missed = runNow ? count - 1 : count;
        DateTimeOffset? lastMissed = runNow ? previous : due;
        // Claim the occurrence before acting on it: only if nobody paused, edited or handled the schedule
        // meanwhile. So a failure below can lose a run, but never repeat one.
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            var claimed = await db.Schedules
                .Where(s => s.Id == schedule.Id && !s.Paused && s.LastOccurrence == last && s.Cron == schedule.Cron && s.TimeZone == schedule.TimeZone)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.LastOccurrence, due)
                    .SetProperty(x => x.MissedCount, x => x.MissedCount + (missed > 0 ? missed : 0))
                    .SetProperty(x => x.LastMissedAt, x => missed > 0 ? lastMissed : x.LastMissedAt), cancellationToken);
            if (claimed == 0)
            {
                return false;
            }
        }

        if (runNow)
        {
            var result = await queue.EnqueueAsync(schedule.TaskKey, JsonNode.Parse(schedule.Arguments) as JsonObject,
                Access.Actor.Scheduler(schedule.Name), cancellationToken, schedule.Id);
            if (result.Run is { } run)
            {
                await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
                await db.Schedules.Where(s => s.Id == schedule.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastRunId, run.Id), cancellationToken);
                logger.LogInformation("Schedule {Name} queued run {RunId} for {Due}", schedule.Name, run.Id, due);
            }
            else
            {
                logger.LogWarning("Schedule {Name} could not queue {Task}: {Errors}", schedule.Name, schedule.TaskKey, string.Join(" ", result.Errors));
                await RecordMissedAsync(schedule, 1, due, $"Could not be queued: {string.Join(" ", result.Errors)}", cancellationToken);
            }
        }

        if (missed > 0 && lastMissed is { } missedAt)
        {
            var text = string.Create(CultureInfo.InvariantCulture,
                $"{missed} occurrence(s) up to {missedAt:yyyy-MM-dd HH:mm}Z were missed while the app was not running (grace {grace.TotalMinutes:0} min); not caught up.");
            logger.LogWarning("Schedule {Name}: {Missed}", schedule.Name, text);
            await RecordMissedAsync(schedule, missed, missedAt, text, cancellationToken);
        }

        return true;
    }

    private Task RecordMissedAsync(Schedule schedule, int count, DateTimeOffset at, string summary, CancellationToken cancellationToken) =>
        recorder.RecordAsync(new MaintenanceRecord
        {
            At = at,
            Task = schedule.TaskKey,
            Outcome = "missed",
            RequestedBy = "scheduler",
            Issues = $"schedule '{schedule.Name}': {count} missed",
            Summary = summary,
        }, cancellationToken);
}
