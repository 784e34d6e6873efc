using OrchestrationMaint.Core.Records;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Tasks;

namespace OrchestrationMaint.Core.Records.Checklist;

/// <summary>What an operator fills in to add or edit an item.</summary>
public sealed record ChecklistItemDraft(string? Title, string? Guidance, ChecklistCadence Cadence, string? TaskKey, bool AutoTick);

/// <summary>A tick for the item's current period, with optional evidence.</summary>
public sealed record TickRequest(long ItemId, string? Note = null, long? RunId = null, long? MaintenanceRecordId = null);

/// <param name="AlreadyTicked">Set when someone else's tick holds the period: the caller says who and when.</param>
public sealed record TickResult(ChecklistTick? Tick, ChecklistTick? AlreadyTicked, IReadOnlyList<string> Errors)
{
    public bool Ticked => Tick is not null;

    public static TickResult Refused(params string[] errors) => new(null, null, errors);
}

public sealed record ItemResult(ChecklistItem? Item, IReadOnlyList<string> Errors);

/// <summary>
/// Every change to the checklist: items added, edited, retired and restored; ticks, unticks and
/// auto-ticks. Nothing invalid is stored, and every refusal is a sentence for the operator.
/// </summary>
public sealed class ChecklistStore(
    IDbContextFactory<MaintenanceDbContext> contextFactory,
    TaskCatalog catalog,
    ChecklistCalendar calendar,
    AccessGuard guard,
    ILogger<ChecklistStore> logger)
{
    public const string AutoTickUser = "auto-tick";

    private readonly Subscribers<bool> _subscribers = new(logger);

    /// <summary>Called after every change, and when a new day (so a new period) begins.</summary>
    public IDisposable Subscribe(Action onChange) => _subscribers.Add(_ => onChange());

    internal void NotifyChanged() => _subscribers.Notify(true);

    public IReadOnlyList<string> Validate(ChecklistItemDraft draft)
    {
        var errors = new List<string?> { TitleError(draft.Title), GuidanceError(draft.Guidance) };
        if (!Enum.IsDefined(draft.Cadence))
        {
            errors.Add("Choose how often the item is due: daily, weekly, monthly or quarterly.");
        }

        if (!string.IsNullOrWhiteSpace(draft.TaskKey) && catalog.Find(draft.TaskKey.Trim()) is null)
        {
            errors.Add($"There is no task '{draft.TaskKey.Trim()}'.");
        }

        if (draft.AutoTick && string.IsNullOrWhiteSpace(draft.TaskKey))
        {
            errors.Add("Auto-tick needs a task: choose the task whose successful run shows the item is done.");
        }

        return [.. errors.OfType<string>()];
    }

    public static string? TitleError(string? title) =>
        string.IsNullOrWhiteSpace(title) ? "Give the item a name." : TooLong("name", title, ChecklistItem.TitleMax);

    public static string? GuidanceError(string? guidance) => TooLong("guidance", guidance, ChecklistItem.GuidanceMax);

    public static string? NoteError(string? note) => TooLong("note", note, ChecklistTick.NoteMax);

    private static string? TooLong(string what, string? text, int max) =>
        (text?.Trim().Length ?? 0) is var length && length > max ? $"The {what} is {length} characters long; keep it to {max}." : null;

    public Task<ItemResult> SaveItemAsync(long? id, int version, ChecklistItemDraft draft, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "checklist.item-saved", "change checklist items", draft.Title, by => SaveItemCoreAsync(id, version, draft, by, cancellationToken), r => r.Errors.Count == 0 ? null : string.Join(" ", r.Errors), cancellationToken);

    /// <summary>Adds (<paramref name="id"/> null) or edits an item. An edit must name the <paramref name="version"/> it started from.</summary>
    private async Task<ItemResult> SaveItemCoreAsync(long? id, int version, ChecklistItemDraft draft, string by, CancellationToken cancellationToken)
    {
        if (Validate(draft) is { Count: > 0 } errors)
        {
            return new(null, errors);
        }

        var title = draft.Title!.Trim();
        var taskKey = string.IsNullOrWhiteSpace(draft.TaskKey) ? null : draft.TaskKey.Trim();
        var now = calendar.Now;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (await db.ChecklistItems.AnyAsync(i => i.RetiredAt == null && i.Id != id && EF.Functions.Collate(i.Title, "NOCASE") == title, cancellationToken))
        {
            return new(null, [$"An item named “{title}” is already on the checklist."]);
        }

        ChecklistItem? item;
        var autoTickTurnedOn = draft.AutoTick;
        if (id is { } existing)
        {
            item = await db.ChecklistItems.FirstOrDefaultAsync(i => i.Id == existing, cancellationToken);
            if (item is null)
            {
                return new(null, [$"There is no checklist item #{existing}."]);
            }

            if (item.IsRetired)
            {
                return new(null, [$"“{item.Title}” is retired; restore it before editing it."]);
            }

            if (item.Version != version)
            {
                return new(null, [Conflict(item)]);
            }

            autoTickTurnedOn = draft.AutoTick && !item.AutoTick;
            if (item.Cadence != draft.Cadence)
            {
                // Periods of the old cadence are done with; the new one is tracked from now (its ticks stay in the item's log).
                item.TrackedSince = now;
            }

            item.UpdatedAt = now;
            item.UpdatedBy = by;
            item.Version++;
        }
        else
        {
            var last = await db.ChecklistItems.MaxAsync(i => (int?)i.SortOrder, cancellationToken) ?? 0;
            item = new ChecklistItem { Title = title, CreatedAt = now, CreatedBy = by, TrackedSince = now, SortOrder = last + 10 };
            db.ChecklistItems.Add(item);
        }

        item.Title = title;
        item.Guidance = draft.Guidance?.Trim() ?? "";
        item.Cadence = draft.Cadence;
        item.TaskKey = taskKey;
        item.AutoTick = draft.AutoTick;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await contextFactory.CreateDbContextAsync(cancellationToken);
            var current = await fresh.ChecklistItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == item.Id, cancellationToken);
            return new(null, [current is null ? $"There is no checklist item #{item.Id}." : Conflict(current)]);
        }

        logger.LogInformation("Checklist item {Id} “{Title}” saved by {By}", item.Id, item.Title, by);
        if (autoTickTurnedOn)
        {
            // A run that already succeeded in this period counts at once.
            await CatchUpAutoTicksAsync(item.Id, cancellationToken);
        }

        NotifyChanged();
        return new(item, []);
    }

    private static string Conflict(ChecklistItem current) =>
        $"{current.UpdatedBy ?? current.CreatedBy} changed “{current.Title}” while you were editing it, so your changes were not saved. Close this form and open the item again.";

    public Task<string?> RetireAsync(long id, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "checklist.item-retired", "retire checklist items", $"item #{id}", by => RetireCoreAsync(id, by, cancellationToken), r => r, cancellationToken);

    /// <summary>Takes the item off the current list; its ticks and history stay. Null when done, else the reason.</summary>
    private async Task<string?> RetireCoreAsync(long id, string by, CancellationToken cancellationToken) =>
        await SetRetiredAsync(id, retire: true, by, cancellationToken);

    public Task<string?> RestoreAsync(long id, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "checklist.item-restored", "restore checklist items", $"item #{id}", by => RestoreCoreAsync(id, by, cancellationToken), r => r, cancellationToken);

    /// <summary>Puts a retired item back on the list; it is tracked afresh from now.</summary>
    private async Task<string?> RestoreCoreAsync(long id, string by, CancellationToken cancellationToken) =>
        await SetRetiredAsync(id, retire: false, by, cancellationToken);

    private async Task<string?> SetRetiredAsync(long id, bool retire, string by, CancellationToken cancellationToken)
    {
        var now = calendar.Now;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var changed = retire
            ? await db.ChecklistItems.Where(i => i.Id == id && i.RetiredAt == null).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.RetiredAt, now).SetProperty(i => i.RetiredBy, by).SetProperty(i => i.Version, i => i.Version + 1), cancellationToken)
            : await db.ChecklistItems.Where(i => i.Id == id && i.RetiredAt != null).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.RetiredAt, (DateTimeOffset?)null).SetProperty(i => i.RetiredBy, (string?)null)
                .SetProperty(i => i.TrackedSince, now).SetProperty(i => i.UpdatedAt, now).SetProperty(i => i.UpdatedBy, by)
                .SetProperty(i => i.Version, i => i.Version + 1), cancellationToken);
        if (changed == 1)
        {
            logger.LogInformation("Checklist item {Id} {Action} by {By}", id, retire ? "retired" : "restored", by);
            NotifyChanged();
            return null;
        }

        var item = await db.ChecklistItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        return item is null ? $"There is no checklist item #{id}."
            : retire ? $"“{item.Title}” was already retired by {item.RetiredBy}."
            : $"“{item.Title}” is not retired.";
    }

    public Task<TickResult> TickAsync(TickRequest request, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "checklist.ticked", "tick the checklist", $"item #{request.ItemId}", by => TickCoreAsync(request, by, cancellationToken), r => r.Ticked ? null : string.Join(" ", r.Errors), cancellationToken);

    /// <summary>Ticks the item for its current period. A second tick of the same period is refused with the first one attached.</summary>
    private async Task<TickResult> TickCoreAsync(TickRequest request, string by, CancellationToken cancellationToken)
    {
        var now = calendar.Now;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var item = await db.ChecklistItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == request.ItemId, cancellationToken);
        if (item is null)
        {
            return TickResult.Refused($"There is no checklist item #{request.ItemId}.");
        }

        if (item.IsRetired)
        {
            return TickResult.Refused($"“{item.Title}” was retired by {item.RetiredBy}; a retired item can no longer be ticked.");
        }

        var period = calendar.At(item.Cadence, now);
        var start = calendar.Start(period);
        var errors = new List<string>();
        if (NoteError(request.Note) is { } noteError)
        {
            errors.Add(noteError);
        }

        string? runTaskKey = null;
        if (request.RunId is { } runId)
        {
            var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
            if (run is null)
            {
                errors.Add($"There is no run #{runId}.");
            }
            else if (run.State != RunState.Succeeded)
            {
                errors.Add($"Run #{runId} ({run.TaskKey}) is {run.State.ToString().ToLowerInvariant()}: only a run that succeeded shows the work was done.");
            }
            else if (run.FinishedAt < start)
            {
                errors.Add($"Run #{runId} ({run.TaskKey}) finished before {period.Label} began: link a run from this period.");
            }

            runTaskKey = run?.TaskKey;
        }

        if (request.MaintenanceRecordId is { } recordId)
        {
            var record = await db.MaintenanceRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Id == recordId, cancellationToken);
            if (record is null)
            {
                errors.Add($"There is no maintenance record #{recordId}.");
            }
            else if (record.At < start)
            {
                errors.Add($"Maintenance record #{recordId} is from before {period.Label} began: link a record from this period.");
            }
        }

        if (errors.Count > 0)
        {
            return new(null, null, errors);
        }

        var tick = new ChecklistTick
        {
            ItemId = item.Id,
            Cadence = item.Cadence,
            PeriodKey = period.Key,
            PeriodStart = start,
            ItemTitle = item.Title,
            TickedAt = now,
            TickedBy = by,
            Note = request.Note?.Trim() ?? "",
            RunId = request.RunId,
            RunTaskKey = runTaskKey,
            MaintenanceRecordId = request.MaintenanceRecordId,
        };
        return await InsertTickAsync(tick, cancellationToken);
    }

    /// <summary>Inserts, or reports the live tick that holds the period (found first, or by the unique index when two race).</summary>
    private async Task<TickResult> InsertTickAsync(ChecklistTick tick, CancellationToken cancellationToken)
    {
        if (await ActiveTickAsync(tick.ItemId, tick.PeriodKey, cancellationToken) is { } existing)
        {
            return new(null, existing, [AlreadyTickedMessage(existing)]);
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        db.ChecklistTicks.Add(tick);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is SqliteException { SqliteExtendedErrorCode: 2067 })
        {
            // SQLITE_CONSTRAINT_UNIQUE: another browser's tick for this period won the race.
            var winner = await ActiveTickAsync(tick.ItemId, tick.PeriodKey, cancellationToken);
            return winner is null ? TickResult.Refused("The tick could not be stored; try again.") : new(null, winner, [AlreadyTickedMessage(winner)]);
        }

        logger.LogInformation("Checklist item {ItemId} ticked for {Period} by {By}", tick.ItemId, tick.PeriodKey, tick.TickedBy);
        NotifyChanged();
        return new(tick, null, []);
    }

    private static string AlreadyTickedMessage(ChecklistTick tick) =>
        $"Already ticked by {tick.TickedBy} at {tick.TickedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC.";

    private async Task<ChecklistTick?> ActiveTickAsync(long itemId, string periodKey, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.ChecklistTicks.AsNoTracking().FirstOrDefaultAsync(t => t.ItemId == itemId && t.PeriodKey == periodKey && t.UntickedAt == null, cancellationToken);
    }

    public Task<string?> UntickAsync(long tickId, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "checklist.unticked", "take back checklist ticks", $"tick #{tickId}", by => UntickCoreAsync(tickId, by, cancellationToken), r => r, cancellationToken);

    /// <summary>
    /// Takes a tick of the current period back. The row stays with who and when, so the history shows
    /// it; a past period's tick is final. Null when done, else the reason.
    /// </summary>
    private async Task<string?> UntickCoreAsync(long tickId, string by, CancellationToken cancellationToken)
    {
        var now = calendar.Now;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var tick = await db.ChecklistTicks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tickId, cancellationToken);
        if (tick is null)
        {
            return $"There is no tick #{tickId}.";
        }

        if (tick.UntickedAt is { } at)
        {
            return $"Already unticked by {tick.UntickedBy} at {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC.";
        }

        if (calendar.At(tick.Cadence, now).Key != tick.PeriodKey)
        {
            return "That period is over: its tick is part of the history and cannot be taken back.";
        }

        var changed = await db.ChecklistTicks.Where(t => t.Id == tickId && t.UntickedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UntickedAt, now).SetProperty(t => t.UntickedBy, by), cancellationToken);
        if (changed == 0)
        {
            return "Someone else unticked it a moment ago.";
        }

        logger.LogInformation("Checklist tick {TickId} of item {ItemId} for {Period} taken back by {By}", tickId, tick.ItemId, tick.PeriodKey, by);
        NotifyChanged();
        return null;
    }

    /// <summary>Ticks every auto-tick item of the run's task for the period the run finished in. Returns the ticks made.</summary>
    public async Task<int> AutoTickAsync(long runId, CancellationToken cancellationToken)
    {
        List<ChecklistItem> items;
        TaskRun? run;
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId && r.State == RunState.Succeeded, cancellationToken);
            if (run?.FinishedAt is null)
            {
                return 0;
            }

            items = await db.ChecklistItems.AsNoTracking()
                .Where(i => i.RetiredAt == null && i.AutoTick && i.TaskKey == run.TaskKey).ToListAsync(cancellationToken);
        }

        var ticked = 0;
        foreach (var item in items)
        {
            ticked += await TryAutoTickAsync(item, run, calendar.At(item.Cadence, run.FinishedAt.Value), cancellationToken) ? 1 : 0;
        }

        return ticked;
    }

    /// <summary>
    /// At start-up (and when auto-tick is turned on): ticks auto-tick items whose task succeeded in the current
    /// or the previous period without being ticked, so a run that ended while nobody listened still counts.
    /// </summary>
    public async Task<int> CatchUpAutoTicksAsync(long? itemId, CancellationToken cancellationToken)
    {
        List<ChecklistItem> items;
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            items = await db.ChecklistItems.AsNoTracking()
                .Where(i => i.RetiredAt == null && i.AutoTick && i.TaskKey != null && (itemId == null || i.Id == itemId)).ToListAsync(cancellationToken);
        }

        var ticked = 0;
        foreach (var item in items)
        {
            var current = calendar.Current(item.Cadence);
            foreach (var period in new[] { current.Previous, current })
            {
                var (start, end) = (calendar.Start(period), calendar.End(period));
                await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
                var run = await db.Runs.AsNoTracking()
                    .Where(r => r.TaskKey == item.TaskKey && r.State == RunState.Succeeded && r.FinishedAt >= start && r.FinishedAt < end)
                    .OrderByDescending(r => r.FinishedAt).FirstOrDefaultAsync(cancellationToken);
                if (run is not null && item.TrackedSince < end)
                {
                    ticked += await TryAutoTickAsync(item, run, period, cancellationToken) ? 1 : 0;
                }
            }
        }

        return ticked;
    }

    private async Task<bool> TryAutoTickAsync(ChecklistItem item, TaskRun run, ChecklistPeriod period, CancellationToken cancellationToken)
    {
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            // An operator who took back a tick that rested on this run has spoken: the same run never ticks it again.
            if (await db.ChecklistTicks.AnyAsync(t => t.ItemId == item.Id && t.RunId == run.Id, cancellationToken))
            {
                return false;
            }
        }

        var result = await InsertTickAsync(new ChecklistTick
        {
            ItemId = item.Id,
            Cadence = item.Cadence,
            PeriodKey = period.Key,
            PeriodStart = calendar.Start(period),
            ItemTitle = item.Title,
            TickedAt = calendar.Now,
            TickedBy = AutoTickUser,
            Note = TextRules.Clip($"{run.TaskKey} succeeded: {run.Summary}".Trim(), ChecklistTick.NoteMax),
            RunId = run.Id,
            RunTaskKey = run.TaskKey,
            Automatic = true,
        }, cancellationToken);
        return result.Ticked;
    }

    /// <summary>Adds each built-in item once (by its seed key): an operator's edit or retirement is never undone by a restart.</summary>
    public async Task<int> SeedDefaultsAsync(CancellationToken cancellationToken)
    {
        var now = calendar.Now;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var present = (await db.ChecklistItems.Where(i => i.SeedKey != null).Select(i => i.SeedKey!).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var added = 0;
        foreach (var (entry, index) in ChecklistDefaults.All.Select((d, i) => (d, i)))
        {
            if (present.Contains(entry.SeedKey))
            {
                continue;
            }

            db.ChecklistItems.Add(new ChecklistItem
            {
                SeedKey = entry.SeedKey,
                Title = entry.Title,
                Guidance = entry.Guidance,
                Cadence = entry.Cadence,
                // A task a later version dropped is left out rather than failing the start-up.
                TaskKey = entry.TaskKey is { } key && catalog.Find(key) is not null ? key : null,
                Source = entry.Source,
                SortOrder = (index + 1) * 10,
                CreatedAt = now,
                CreatedBy = "system",
                TrackedSince = now,
            });
            added++;
        }

        await db.SaveChangesAsync(cancellationToken);
        if (added > 0)
        {
            logger.LogInformation("Added {Count} built-in checklist item(s)", added);
        }

        return added;
    }
}
