using Microsoft.EntityFrameworkCore;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Queue;

namespace OrchestrationMaint.Core.Alerts;

public enum AlertStatusFilter
{
    /// <summary>Firing or acknowledged: what is wrong now.</summary>
    Open,
    Firing,
    Acknowledged,
    Resolved,
    All,
}

/// <param name="Text">Matched against title, message and key.</param>
public sealed record AlertFilter(AlertStatusFilter Status = AlertStatusFilter.All, AlertKind? Kind = null, AlertLevel? Level = null, string? Text = null, int Page = 1);

public sealed record AlertPage(IReadOnlyList<Alert> Items, int Total, int PageSize);

/// <summary>What the pages, the API and the reports read: filtered, sorted and paged in SQL.</summary>
public sealed class AlertQueries(IDbContextFactory<MaintenanceDbContext> contextFactory)
{
    public const int PageSize = 50;

    /// <summary>What is wrong now: firing before acknowledged, critical before warning, newest first.</summary>
    public async Task<IReadOnlyList<Alert>> OpenAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Alerts.AsNoTracking()
            .Where(a => a.State != AlertState.Resolved)
            .OrderBy(a => a.State == AlertState.Firing ? 0 : 1).ThenBy(a => a.Level).ThenByDescending(a => a.FiredAt)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Firing, not acknowledged, not explained by a maintenance window: what still needs someone.</summary>
    public async Task<int> NeedingSomeoneCountAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Alerts.CountAsync(a => a.State == AlertState.Firing && a.ExpectedBecause == null, cancellationToken);
    }

    /// <summary>Open alerts counted by state, level and whether a maintenance window explains them (for /metrics).</summary>
    public async Task<IReadOnlyList<(AlertState State, AlertLevel Level, bool Expected, int Count)>> OpenCountsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var counts = await db.Alerts.Where(a => a.State != AlertState.Resolved)
            .GroupBy(a => new { a.State, a.Level, Expected = a.ExpectedBecause != null })
            .Select(g => new { g.Key.State, g.Key.Level, g.Key.Expected, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return [.. counts.Select(c => (c.State, c.Level, c.Expected, c.Count))];
    }

    public async Task<AlertPage> ListAsync(AlertFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Alerts.AsNoTracking();
        query = filter.Status switch
        {
            AlertStatusFilter.Open => query.Where(a => a.State != AlertState.Resolved),
            AlertStatusFilter.Firing => query.Where(a => a.State == AlertState.Firing),
            AlertStatusFilter.Acknowledged => query.Where(a => a.State == AlertState.Acknowledged),
            AlertStatusFilter.Resolved => query.Where(a => a.State == AlertState.Resolved),
            _ => query,
        };
        if (filter.Kind is { } kind)
        {
            query = query.Where(a => a.Kind == kind);
        }

        if (filter.Level is { } level)
        {
            query = query.Where(a => a.Level == level);
        }

        if (filter.Text?.Trim() is { Length: > 0 } text)
        {
            var pattern = SqlLike.Contains(text);
            query = query.Where(a => EF.Functions.Like(a.Title, pattern, SqlLike.Escape) || EF.Functions.Like(a.Message, pattern, SqlLike.Escape) || EF.Functions.Like(a.Key, pattern, SqlLike.Escape));
        }

        var total = await query.CountAsync(cancellationToken);
        var page = Math.Max(1, filter.Page);
        var items = await query.OrderByDescending(a => a.FiredAt).ThenByDescending(a => a.Id)
            .Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken);
        return new AlertPage(items, total, PageSize);
    }

    /// <summary>The alert with its timeline, oldest event first; null when there is no such alert.</summary>
    public async Task<Alert?> DetailAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Alerts.AsNoTracking().Include(a => a.Events.OrderBy(e => e.Id)).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
    }

    /// <summary>Schedules (not paused) whose newest finished run failed or was cut off.</summary>
    public async Task<IReadOnlyList<FailedScheduledRun>> FailedSchedulesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var latest = await db.Schedules.AsNoTracking().Where(s => !s.Paused)
            .Select(s => new
            {
                s.Id,
                s.Name,
                Run = db.Runs.Where(r => r.ScheduleId == s.Id && (r.State == RunState.Succeeded || r.State == RunState.Failed || r.State == RunState.Interrupted))
                    .OrderByDescending(r => r.Id).Select(r => new { r.Id, r.State, r.Summary, r.FinishedAt, r.QueuedAt }).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return [.. latest.Where(s => s.Run is { State: RunState.Failed or RunState.Interrupted })
            .Select(s => new FailedScheduledRun(s.Id, s.Name, s.Run!.Id, s.Run.State.ToString(), s.Run.Summary, s.Run.FinishedAt ?? s.Run.QueuedAt))];
    }
}
