using Microsoft.EntityFrameworkCore;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Queue;

namespace OrchestrationMaint.Core.Records.Checklist;

/// <summary>Where an item stands in its current period.</summary>
public enum ChecklistState
{
    /// <summary>Ticked for the current period.</summary>
    Done,

    /// <summary>Not ticked yet; the previous period was done (or did not apply).</summary>
    Open,

    /// <summary>Not ticked, and the previous period went by without a tick: it is late, do it now.</summary>
    Overdue,
}

/// <param name="Tick">The live tick of the current period.</param>
/// <param name="PreviousMissed">The previous period applied to the item and ended without a tick.</param>
/// <param name="LastTick">The newest live tick of any period, for "last done …".</param>
/// <param name="SuggestedRun">A run of the item's task that succeeded in the current period, while the item is not done: one click ticks it.</param>
/// <param name="ActiveRun">A run of the item's task queued or running now.</param>
public sealed record ChecklistRow(
    ChecklistItem Item,
    ChecklistPeriod Period,
    DateTimeOffset DueBy,
    ChecklistState State,
    ChecklistTick? Tick,
    bool PreviousMissed,
    ChecklistTick? LastTick,
    TaskRun? SuggestedRun,
    TaskRun? ActiveRun = null)
{
    /// <summary>
    /// The rule, in one place: done when ticked for the current period; overdue when not, and the previous
    /// period applied and went by without a tick; open otherwise. So a daily item shows overdue from the
    /// first minute of a day after a day it was skipped, until it is done again.
    /// </summary>
    public static ChecklistState StateOf(bool tickedNow, bool previousApplied, bool previousTicked) =>
        tickedNow ? ChecklistState.Done : previousApplied && !previousTicked ? ChecklistState.Overdue : ChecklistState.Open;
}

public sealed record ChecklistBoard(IReadOnlyList<ChecklistRow> Rows, DateTimeOffset At, TimeZoneInfo Zone)
{
    public int Count(ChecklistState state) => Rows.Count(r => r.State == state);
}

/// <summary>One cell of the compliance history.</summary>
public enum ComplianceMark
{
    Done,
    Missed,

    /// <summary>The current period, not ticked yet.</summary>
    Open,

    /// <summary>The item did not exist, had another cadence, or was retired in that period.</summary>
    NotTracked,
}

public sealed record ComplianceCell(ChecklistPeriod Period, ComplianceMark Mark, ChecklistTick? Tick);

public sealed record ComplianceRow(ChecklistItem Item, IReadOnlyList<ComplianceCell> Cells)
{
    public int Done => Cells.Count(c => c.Mark == ComplianceMark.Done);

    /// <summary>Periods that are over and applied: the denominator of the compliance rate.</summary>
    public int Due => Cells.Count(c => c.Mark is ComplianceMark.Done or ComplianceMark.Missed);
}

public sealed record ComplianceGrid(ChecklistCadence Cadence, IReadOnlyList<ChecklistPeriod> Periods, IReadOnlyList<ComplianceRow> Rows);

/// <summary>Reads the checklist: the current board, the compliance history and an item's tick log. Sorted in SQL.</summary>
public sealed class ChecklistQueries(IDbContextFactory<MaintenanceDbContext> contextFactory, ChecklistCalendar calendar)
{
    public async Task<ChecklistBoard> BoardAsync(CancellationToken cancellationToken)
    {
        var now = calendar.Now;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var items = await db.ChecklistItems.AsNoTracking().Where(i => i.RetiredAt == null)
            .OrderBy(i => i.SortOrder).ThenBy(i => i.Title).ThenBy(i => i.Id).ToListAsync(cancellationToken);
        var ids = items.Select(i => i.Id).ToList();
        var periods = Enum.GetValues<ChecklistCadence>().ToDictionary(c => c, c => calendar.At(c, now));
        var keys = periods.Values.SelectMany(p => new[] { p.Key, p.Previous.Key }).ToList();
        var ticks = await db.ChecklistTicks.AsNoTracking()
            .Where(t => t.UntickedAt == null && ids.Contains(t.ItemId) && keys.Contains(t.PeriodKey))
            .ToDictionaryAsync(t => (t.ItemId, t.PeriodKey), cancellationToken);
        // Each item's newest tick by when it was made (not by id: ticks are not always stored in the order they
        // happened): one index seek per item on (ItemId, TickedAt).
        var lastIds = await db.ChecklistItems.Where(i => ids.Contains(i.Id))
            .Select(i => db.ChecklistTicks.Where(t => t.ItemId == i.Id && t.UntickedAt == null)
                .OrderByDescending(t => t.TickedAt).ThenByDescending(t => t.Id).Select(t => (long?)t.Id).FirstOrDefault())
            .ToListAsync(cancellationToken);
        var last = await db.ChecklistTicks.AsNoTracking().Where(t => lastIds.Contains(t.Id)).ToDictionaryAsync(t => t.ItemId, cancellationToken);

        var taskKeys = items.Select(i => i.TaskKey).OfType<string>().Distinct().ToList();
        var active = (await db.Runs.AsNoTracking()
                .Where(r => taskKeys.Contains(r.TaskKey) && (r.State == RunState.Queued || r.State == RunState.Running))
                .OrderBy(r => r.Id).ToListAsync(cancellationToken))
            .GroupBy(r => r.TaskKey).ToDictionary(g => g.Key, g => g.First());

        var rows = new List<ChecklistRow>(items.Count);
        var suggestions = new Dictionary<(string, ChecklistCadence), TaskRun?>();
        foreach (var item in items)
        {
            var period = periods[item.Cadence];
            var tick = ticks.GetValueOrDefault((item.Id, period.Key));
            var previousApplied = calendar.Tracks(item, period.Previous);
            var previousTicked = ticks.ContainsKey((item.Id, period.Previous.Key));
            TaskRun? suggested = null;
            if (tick is null && item.TaskKey is { } task)
            {
                if (!suggestions.TryGetValue((task, item.Cadence), out suggested))
                {
                    var (start, end) = (calendar.Start(period), calendar.End(period));
                    suggested = await db.Runs.AsNoTracking()
                        .Where(r => r.TaskKey == task && r.State == RunState.Succeeded && r.FinishedAt >= start && r.FinishedAt < end)
                        .OrderByDescending(r => r.FinishedAt).FirstOrDefaultAsync(cancellationToken);
                    suggestions[(task, item.Cadence)] = suggested;
                }
            }

            rows.Add(new ChecklistRow(item, period, calendar.End(period), ChecklistRow.StateOf(tick is not null, previousApplied, previousTicked),
                tick, previousApplied && !previousTicked, last.GetValueOrDefault(item.Id), suggested,
                item.TaskKey is { } key ? active.GetValueOrDefault(key) : null));
        }

        return new ChecklistBoard(rows, now, calendar.Zone);
    }

    /// <summary>
    /// The last <paramref name="count"/> periods of a cadence (the current one last) for every item of that
    /// cadence that was on the list in them, retired ones included.
    /// </summary>
    public async Task<ComplianceGrid> HistoryAsync(ChecklistCadence cadence, int count, CancellationToken cancellationToken)
    {
        var current = calendar.Current(cadence);
        var periods = new List<ChecklistPeriod> { current };
        while (periods.Count < count)
        {
            periods.Insert(0, periods[0].Previous);
        }

        var from = calendar.Start(periods[0]);
        var keys = periods.Select(p => p.Key).ToList();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var items = await db.ChecklistItems.AsNoTracking()
            .Where(i => i.Cadence == cadence && (i.RetiredAt == null || i.RetiredAt >= from))
            .OrderBy(i => i.RetiredAt != null).ThenBy(i => i.SortOrder).ThenBy(i => i.Title).ThenBy(i => i.Id).ToListAsync(cancellationToken);
        var ids = items.Select(i => i.Id).ToList();
        var ticks = await db.ChecklistTicks.AsNoTracking()
            .Where(t => t.UntickedAt == null && ids.Contains(t.ItemId) && keys.Contains(t.PeriodKey))
            .ToDictionaryAsync(t => (t.ItemId, t.PeriodKey), cancellationToken);

        var rows = items.Select(item => new ComplianceRow(item, [.. periods.Select(period =>
        {
            var tick = ticks.GetValueOrDefault((item.Id, period.Key));
            var mark = tick is not null ? ComplianceMark.Done
                : !calendar.Tracks(item, period) ? ComplianceMark.NotTracked
                : period == current ? ComplianceMark.Open
                : ComplianceMark.Missed;
            return new ComplianceCell(period, mark, tick);
        })])).ToList();
        return new ComplianceGrid(cadence, periods, rows);
    }

    /// <summary>An item's ticks, newest first, unticked ones included (with who took them back).</summary>
    public async Task<IReadOnlyList<ChecklistTick>> TicksAsync(long itemId, int take, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.ChecklistTicks.AsNoTracking().Where(t => t.ItemId == itemId)
            .OrderByDescending(t => t.TickedAt).ThenByDescending(t => t.Id).Take(take).ToListAsync(cancellationToken);
    }

    public async Task<ChecklistItem?> ItemAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.ChecklistItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
    }

    /// <summary>Retired items, newest retirement first, for the page to offer them back.</summary>
    public async Task<IReadOnlyList<ChecklistItem>> RetiredAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.ChecklistItems.AsNoTracking().Where(i => i.RetiredAt != null).OrderByDescending(i => i.RetiredAt).ThenBy(i => i.Id).ToListAsync(cancellationToken);
    }
}
