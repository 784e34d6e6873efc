using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Tasks;

namespace OrchestrationMaint.Core.Scheduling;

public sealed record ScheduleDraft(string Name, string TaskKey, string Cron, string TimeZone, JsonObject? Arguments = null);

/// <summary>Adds, edits, pauses, resumes and deletes schedules (Admins only, audited); nothing invalid is ever stored.</summary>
public sealed class ScheduleStore(
    IDbContextFactory<MaintenanceDbContext> contextFactory,
    TaskCatalog catalog,
    SettingsStore settings,
    AccessGuard guard,
    AuditLog audit,
    IOptions<SchedulingOptions> options,
    IOptions<Records.Checklist.ChecklistOptions> calendar,
    TimeProvider clock,
    ILogger<ScheduleStore> logger)
{
    private readonly Subscribers<bool> _subscribers = new(logger);

    public IDisposable Subscribe(Action onChange) => _subscribers.Add(_ => onChange());

    public async Task<IReadOnlyList<Schedule>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Schedules.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
    }

    public IReadOnlyList<string> Validate(ScheduleDraft draft, out string arguments)
    {
        var errors = new List<string>();
        arguments = "{}";
        if (string.IsNullOrWhiteSpace(draft.Name) || draft.Name.Length > 200)
        {
            errors.Add("Give the schedule a name (up to 200 characters).");
        }

        if (catalog.Find(draft.TaskKey) is not { } task)
        {
            errors.Add($"There is no task '{draft.TaskKey}'.");
        }
        else
        {
            // Checked now, but stored as given: parameters left out take their default when the run is
            // queued, so a changed default (say Queue:RetentionDays) reaches existing schedules.
            TaskCatalog.Validate(task.Descriptor, draft.Arguments, out var argumentErrors);
            errors.AddRange(argumentErrors);
            arguments = (draft.Arguments ?? []).ToJsonString();
        }

        if (!CronSchedule.TryParse(draft.Cron, draft.TimeZone, out _, out _, out var cronError))
        {
            errors.Add(cronError!);
        }

        return errors;
    }

    /// <summary>Creates (<paramref name="id"/> null) or updates a schedule; returns the errors, and stores nothing when there are any.</summary>
    /// <exception cref="AccessDeniedException">Not an Admin.</exception>
    public async Task<(Schedule? Schedule, IReadOnlyList<string> Errors)> SaveAsync(Actor actor, long? id, ScheduleDraft draft, CancellationToken cancellationToken)
    {
        var action = id is null ? "schedule.created" : "schedule.changed";
        await guard.RequireAsync(actor, Role.Admin, action, "change schedules", draft.Name, cancellationToken);
        var (schedule, errors) = await SaveCoreAsync(id, draft, cancellationToken);
        await audit.WriteAsync(actor, action, errors.Count == 0 ? AuditOutcome.Succeeded : AuditOutcome.Failed, draft.Name,
            errors.Count == 0 ? $"{draft.TaskKey} at '{draft.Cron}' ({draft.TimeZone}) with {draft.Arguments?.ToJsonString() ?? "{}"}" : string.Join(" ", errors), cancellationToken);
        return (schedule, errors);
    }

    private async Task<(Schedule? Schedule, IReadOnlyList<string> Errors)> SaveCoreAsync(long? id, ScheduleDraft draft, CancellationToken cancellationToken)
    {
        var errors = Validate(draft, out var arguments);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Schedules.AnyAsync(s => s.Name == draft.Name.Trim() && s.Id != id, cancellationToken))
        {
            return (null, [$"A schedule named '{draft.Name.Trim()}' already exists."]);
        }

        var now = clock.GetUtcNow();
        Schedule? schedule;
        if (id is { } existing)
        {
            schedule = await db.Schedules.FirstOrDefaultAsync(s => s.Id == existing, cancellationToken);
            if (schedule is null)
            {
                return (null, ["The schedule no longer exists."]);
            }

            if (schedule.Cron != draft.Cron.Trim() || schedule.TimeZone != (draft.TimeZone ?? "").Trim())
            {
                // A new timetable starts now: no occurrence of the old one is caught up.
                schedule.LastOccurrence = now;
            }
        }
        else
        {
            schedule = new Schedule { Name = "", TaskKey = "", Cron = "", TimeZone = "", CreatedAt = now, LastOccurrence = now };
            db.Schedules.Add(schedule);
        }

        schedule.Name = draft.Name.Trim();
        schedule.TaskKey = draft.TaskKey;
        schedule.Cron = draft.Cron.Trim();
        schedule.TimeZone = string.IsNullOrWhiteSpace(draft.TimeZone) ? "UTC" : draft.TimeZone.Trim();
        schedule.Arguments = arguments;
        await db.SaveChangesAsync(cancellationToken);
        _subscribers.Notify(true);
        return (schedule, []);
    }

    /// <summary>Pauses or resumes. Resuming starts from now: what fell due while paused is not run.</summary>
    public async Task<bool> SetPausedAsync(Actor actor, long id, bool paused, CancellationToken cancellationToken)
    {
        var action = paused ? "schedule.paused" : "schedule.resumed";
        await guard.RequireAsync(actor, Role.Admin, action, "pause or resume schedules", $"schedule #{id}", cancellationToken);
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var changed = paused
            ? await db.Schedules.Where(s => s.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Paused, true), cancellationToken)
            : await db.Schedules.Where(s => s.Id == id && s.Paused).ExecuteUpdateAsync(s => s.SetProperty(x => x.Paused, false).SetProperty(x => x.LastOccurrence, now), cancellationToken);
        _subscribers.Notify(true);
        await audit.WriteAsync(actor, action, changed > 0 ? AuditOutcome.Succeeded : AuditOutcome.Failed, $"schedule #{id}", null, cancellationToken);
        return changed > 0;
    }

    public async Task<bool> DeleteAsync(Actor actor, long id, CancellationToken cancellationToken)
    {
        await guard.RequireAsync(actor, Role.Admin, "schedule.deleted", "delete schedules", $"schedule #{id}", cancellationToken);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var name = await db.Schedules.Where(s => s.Id == id).Select(s => s.Name).FirstOrDefaultAsync(cancellationToken);
        var deleted = await db.Schedules.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
        _subscribers.Notify(true);
        await audit.WriteAsync(actor, "schedule.deleted", deleted > 0 ? AuditOutcome.Succeeded : AuditOutcome.Failed, name ?? $"schedule #{id}", null, cancellationToken);
        return deleted > 0;
    }

    /// <summary>
    /// The seed's two cron examples, the weekly backup verification and the history pruning, each
    /// created once (a default added by a later version appears once too); a deleted one stays deleted.
    /// </summary>
    public async Task CreateDefaultsAsync(CancellationToken cancellationToken)
    {
        var zone = options.Value.DefaultTimeZone;
        ScheduleDraft[] defaults =
        [
            new("Daily health check", "health-check", "0 9 * * *", zone),
            new("Weekly log cleanup", "log-cleanup", "0 1 * * 0", zone, new JsonObject { ["retentionDays"] = 30, ["dryRun"] = false }),
            new("Weekly backup verification", "backup-verify", "0 2 * * 0", zone),
            new("Run history retention", "prune-run-history", "30 3 * * *", zone),
            // In the reports' own calendar: Monday 06:00 UTC is still Sunday west of UTC−6, and "last week" would be the one before.
            new("Weekly report", "report-generate", "0 6 * * 1", calendar.Value.Zone.Id, new JsonObject { ["kind"] = "weekly" }),
        ];
        foreach (var draft in defaults.Where(d => catalog.Find(d.TaskKey) is not null))
        {
            var key = $"schedules.default.{draft.TaskKey}";
            if (await settings.GetAsync(key, cancellationToken) is not null)
            {
                continue;
            }

            var (_, errors) = await SaveAsync(Actor.System, null, draft, cancellationToken);
            if (errors.Count > 0)
            {
                logger.LogWarning("Default schedule {Name} not created: {Errors}", draft.Name, string.Join(" ", errors));
            }

            await settings.SetAsync(key, "created", "system", cancellationToken);
        }
    }

    internal void NotifyChanged() => _subscribers.Notify(true);
}
