using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Records;

/// <summary>
/// The Records page's and the CSV export's filters; every one optional. <see cref="From"/> and
/// <see cref="To"/> are whole days in <see cref="Zone"/> (the reader's time zone), both included.
/// </summary>
public sealed record RecordFilter(string? Text = null, string? Task = null, string? Outcome = null, string? Person = null,
    DateOnly? From = null, DateOnly? To = null, TimeZoneInfo? Zone = null);

public sealed record RecordPage(IReadOnlyList<MaintenanceRecord> Records, int Total);

/// <summary>The values the filters offer, taken from the records themselves.</summary>
public sealed record RecordFacets(IReadOnlyList<string> Tasks, IReadOnlyList<string> Outcomes, IReadOnlyList<string> People);

/// <summary>
/// Reads the maintenance records (paged and filtered in SQL, newest first) and adds the ones an
/// operator types in; <see cref="MaintenanceRecorder"/> stores and mirrors every record.
/// </summary>
public sealed class RecordBook(IDbContextFactory<MaintenanceDbContext> contextFactory, MaintenanceRecorder recorder, AccessGuard guard, TimeProvider clock)
{
    /// <summary>Distinct values listed per filter: a free-typed activity name per record must not grow a menu without bound.</summary>
    public const int MaxFacetValues = 200;

    public async Task<RecordPage> ListAsync(RecordFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var query = Apply(db.MaintenanceRecords.AsNoTracking(), filter);
        var total = await query.CountAsync(cancellationToken);
        var records = await Newest(query).Skip(skip).Take(take).ToListAsync(cancellationToken);
        return new RecordPage(records, total);
    }

    /// <summary>Every record the filter matches, newest first, read from the database as it is written out: never all in memory.</summary>
    public async IAsyncEnumerable<MaintenanceRecord> StreamAsync(RecordFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await foreach (var record in Newest(Apply(db.MaintenanceRecords.AsNoTracking(), filter)).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return record;
        }
    }

    public async Task<RecordFacets> FacetsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var records = db.MaintenanceRecords;
        return new RecordFacets(
            await records.Select(r => r.Task).Distinct().OrderBy(t => t).Take(MaxFacetValues).ToListAsync(cancellationToken),
            await records.Select(r => r.Outcome).Distinct().OrderBy(o => o).Take(MaxFacetValues).ToListAsync(cancellationToken),
            await records.Select(r => r.RequestedBy).Distinct().OrderBy(p => p).Take(MaxFacetValues).ToListAsync(cancellationToken));
    }

    /// <summary>Stores (and mirrors to logs/maintenance.log) a record an operator typed in; nothing is stored when it has errors.</summary>
    public Task<(MaintenanceRecord? Record, IReadOnlyDictionary<string, string> Errors)> AddManualAsync(ManualRecordDraft draft, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "record.added", "add maintenance records", draft.Task, by => AddManualCoreAsync(draft, by, cancellationToken),
            r => r.Errors.Count == 0 ? null : string.Join(" ", r.Errors.Values), cancellationToken);

    private async Task<(MaintenanceRecord? Record, IReadOnlyDictionary<string, string> Errors)> AddManualCoreAsync(ManualRecordDraft draft, string enteredBy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var errors = draft.Validate(now);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var record = new MaintenanceRecord
        {
            At = (draft.At ?? now).ToUniversalTime(),
            EnteredAt = now,
            Task = draft.Task!.Trim(),
            Outcome = draft.Outcome!,
            RequestedBy = enteredBy,
            Issues = draft.Issues?.Trim() ?? "",
            Notes = draft.Notes?.Trim() ?? "",
        };
        await recorder.RecordAsync(record, cancellationToken);
        return (record, errors);
    }

    // Id breaks ties between records of the same instant, so paging never shows one twice or skips one.
    private static IQueryable<MaintenanceRecord> Newest(IQueryable<MaintenanceRecord> query) =>
        query.OrderByDescending(r => r.At).ThenByDescending(r => r.Id);

    private static IQueryable<MaintenanceRecord> Apply(IQueryable<MaintenanceRecord> query, RecordFilter filter)
    {
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var pattern = SqlLike.Contains(filter.Text.Trim());
            query = query.Where(r => EF.Functions.Like(r.Task, pattern, SqlLike.Escape) || EF.Functions.Like(r.Summary, pattern, SqlLike.Escape)
                || EF.Functions.Like(r.Issues, pattern, SqlLike.Escape) || EF.Functions.Like(r.Notes, pattern, SqlLike.Escape));
        }

        if (!string.IsNullOrEmpty(filter.Task))
        {
            query = query.Where(r => r.Task == filter.Task);
        }

        if (!string.IsNullOrEmpty(filter.Outcome))
        {
            query = query.Where(r => r.Outcome == filter.Outcome);
        }

        if (!string.IsNullOrEmpty(filter.Person))
        {
            query = query.Where(r => r.RequestedBy == filter.Person);
        }

        var zone = filter.Zone ?? TimeZoneInfo.Utc;
        if (filter.From is { } from)
        {
            var start = ZonedTime.StartOfDay(Clamp(from), zone);
            query = query.Where(r => r.At >= start);
        }

        if (filter.To is { } to)
        {
            var end = ZonedTime.StartOfDay(Clamp(to).AddDays(1), zone);
            query = query.Where(r => r.At < end);
        }

        return query;
    }

    /// <summary>Days far outside any record's life, kept where a time zone's offset cannot overflow the calendar.</summary>
    private static DateOnly Clamp(DateOnly day) =>
        day < new DateOnly(1900, 1, 1) ? new DateOnly(1900, 1, 1) : day > new DateOnly(9998, 12, 30) ? new DateOnly(9998, 12, 30) : day;
}
