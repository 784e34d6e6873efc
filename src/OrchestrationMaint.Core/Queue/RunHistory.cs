using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Queue;

/// <summary>Filters of the Runs page and the API; every one optional.</summary>
public sealed record RunFilter(RunState? State = null, string? Task = null, string? RequestedBy = null, DateOnly? From = null, DateOnly? To = null);

public sealed record RunPage(IReadOnlyList<TaskRun> Runs, int Total);

/// <summary>Reads the run history: lists paged in SQL (output never loaded), one run with its output, pruning.</summary>
public sealed class RunHistory(IDbContextFactory<MaintenanceDbContext> contextFactory, TimeProvider clock)
{
    private static readonly JsonSerializerOptions ResultJson = new(JsonSerializerDefaults.Web);

    public async Task<RunPage> ListAsync(RunFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Runs.AsNoTracking();
        if (filter.State is { } state)
        {
            query = query.Where(r => r.State == state);
        }

        if (!string.IsNullOrEmpty(filter.Task))
        {
            query = query.Where(r => r.TaskKey == filter.Task);
        }

        if (!string.IsNullOrEmpty(filter.RequestedBy))
        {
            query = query.Where(r => r.RequestedBy == filter.RequestedBy);
        }

        if (filter.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(r => r.QueuedAt >= start);
        }

        if (filter.To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(r => r.QueuedAt < end);
        }

        var total = await query.CountAsync(cancellationToken);
        var runs = await query.OrderByDescending(r => r.Id).Skip(skip).Take(take).ToListAsync(cancellationToken);
        return new RunPage(runs, total);
    }

    public async Task<TaskRun?> GetAsync(long id, CancellationToken cancellationToken, bool withOutput = true)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var runs = db.Runs.AsNoTracking();
        return await (withOutput ? runs.Include(r => r.Output) : runs).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
    }

    /// <summary>Several runs by id, without their output (the Schedules page's "last run" column).</summary>
    public async Task<IReadOnlyDictionary<long, TaskRun>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Runs.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
    }

    /// <summary>The newest run of each task, for the Tasks page's cards.</summary>
    public async Task<IReadOnlyDictionary<string, TaskRun>> LatestByTaskAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var ids = await db.Runs.GroupBy(r => r.TaskKey).Select(g => g.Max(r => r.Id)).ToListAsync(cancellationToken);
        var runs = await db.Runs.AsNoTracking().Where(r => ids.Contains(r.Id)).ToListAsync(cancellationToken);
        return runs.ToDictionary(r => r.TaskKey);
    }

    public async Task<IReadOnlyList<string>> RequestersAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Runs.Select(r => r.RequestedBy).Distinct().OrderBy(r => r).Take(200).ToListAsync(cancellationToken);
    }

    /// <summary>The structured result of the newest successful run of a task before <paramref name="beforeRunId"/>.</summary>
    public async Task<T?> LastResultAsync<T>(string taskKey, long beforeRunId, CancellationToken cancellationToken)
        where T : class
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var json = await db.Runs.Where(r => r.TaskKey == taskKey && r.Id < beforeRunId && r.State == RunState.Succeeded && r.Result != null)
            .OrderByDescending(r => r.Id).Select(r => r.Result).FirstOrDefaultAsync(cancellationToken);
        try
        {
            return json is null ? null : JsonSerializer.Deserialize<T>(json, ResultJson);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Deletes finished runs (and their output) queued before the cut-off; maintenance records stay.</summary>
    public async Task<int> PruneAsync(int retentionDays, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow().AddDays(-retentionDays);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var finished = db.Runs.Where(r => r.QueuedAt < cutoff && r.State != RunState.Queued && r.State != RunState.Running);
        await db.RunOutputs.Where(o => finished.Any(r => r.Id == o.RunId)).ExecuteDeleteAsync(cancellationToken);
        return await finished.ExecuteDeleteAsync(cancellationToken);
    }
}
