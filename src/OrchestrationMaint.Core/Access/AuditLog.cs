using System.Globalization;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Access;

/// <param name="Action">An action, or a prefix ending in a dot (<c>user.</c>) for a family.</param>
public sealed record AuditFilter(string? Actor = null, string? Action = null, AuditOutcome? Outcome = null, DateOnly? From = null, DateOnly? To = null);

/// <summary>Writes and reads the audit trail. There is deliberately no update or delete here.</summary>
public sealed class AuditLog(IDbContextFactory<MaintenanceDbContext> contextFactory, TimeProvider clock, ILogger<AuditLog> logger)
{
    public const int MaxDetails = 4000;

    public async Task WriteAsync(Actor actor, string action, AuditOutcome outcome, string? target = null, string? details = null, CancellationToken cancellationToken = default)
    {
        var entry = new AuditEntry
        {
            At = clock.GetUtcNow(),
            ActorKind = actor.Kind,
            Actor = Truncate(actor.Display, 200)!,
            ActorId = actor.Kind is ActorKind.User or ActorKind.ApiKey ? actor.Id : null,
            Action = action,
            Target = Truncate(target, 300),
            Details = Truncate(details, MaxDetails),
            Outcome = outcome,
            From = Truncate(actor.From, 100),
        };
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(CancellationToken.None);
            db.AuditEntries.Add(entry);
            // Not the caller's token: an action that happened is recorded even when its request was cancelled afterwards.
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbUpdateException or Microsoft.Data.Sqlite.SqliteException)
        {
            // The action itself already happened: losing its audit line must not turn it into an error for the user,
            // but it must be loud in the app's log, which has the same facts.
            logger.LogError(ex, "Audit entry not stored: {Actor} {Action} {Target} {Outcome} {Details}", entry.Actor, action, target, outcome, details);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    public async Task<(int Total, IReadOnlyList<AuditEntry> Entries)> QueryAsync(AuditFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var query = Filter(db, filter);
        var total = await query.CountAsync(cancellationToken);
        var entries = await query.OrderByDescending(e => e.Id).Skip(skip).Take(take).ToListAsync(cancellationToken);
        return (total, entries);
    }

    public async Task<IReadOnlyList<string>> ActorsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.AuditEntries.Select(e => e.Actor).Distinct().OrderBy(a => a).Take(500).ToListAsync(cancellationToken);
    }

    /// <summary>Streams every matching entry as CSV, oldest first, without holding them all in memory.</summary>
    public async Task WriteCsvAsync(AuditFilter filter, TextWriter output, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        // A cell starting with = + - @ is a formula to a spreadsheet; audit data comes from users and must stay text.
        await using var csv = CsvWriter.Create(output, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        csv.WriteHeader(["id", "at_utc", "actor_kind", "actor", "action", "target", "outcome", "from", "details"]);
        await foreach (var e in Filter(db, filter).OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            await csv.WriteRecordAsync(
            [
                e.Id.ToString(CultureInfo.InvariantCulture),
                e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                e.ActorKind.ToString(), e.Actor, e.Action, e.Target ?? "", e.Outcome.ToString(), e.From ?? "", e.Details ?? "",
            ], cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }

    private static IQueryable<AuditEntry> Filter(MaintenanceDbContext db, AuditFilter filter)
    {
        IQueryable<AuditEntry> query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.Actor))
        {
            query = query.Where(e => e.Actor == filter.Actor);
        }

        if (!string.IsNullOrEmpty(filter.Action))
        {
            query = filter.Action.EndsWith('.')
                ? query.Where(e => e.Action.StartsWith(filter.Action))
                : query.Where(e => e.Action == filter.Action);
        }

        if (filter.Outcome is { } outcome)
        {
            query = query.Where(e => e.Outcome == outcome);
        }

        // Dates are UTC days, as the CSV's at_utc column.
        if (filter.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(e => e.At >= start);
        }

        if (filter.To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(e => e.At < end);
        }

        return query;
    }

    private static string? Truncate(string? text, int max) => text is null ? null : Records.TextRules.Clip(text, max);
}
