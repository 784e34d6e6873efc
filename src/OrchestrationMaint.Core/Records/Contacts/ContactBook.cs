using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Records.Contacts;

/// <summary>Someone else wrote the contact since the operator loaded it: who, when, and whether they deleted it.</summary>
public sealed record ContactConflict(string By, DateTimeOffset At, bool Deleted)
{
    /// <param name="formatTime">Formats the time for the reader (the browser's time zone in the UI).</param>
    public string Describe(Func<DateTimeOffset, string> formatTime) => Deleted
        ? $"{By} deleted this contact at {formatTime(At)}. Nothing was changed; what you typed is still in the form."
        : $"{By} changed this contact at {formatTime(At)}; reload to see their version. Your changes were not saved and are still in the form.";
}

/// <summary>The outcome of a save or delete: the stored contact, or the reasons nothing was stored.</summary>
public sealed record ContactResult(EscalationContact? Contact, IReadOnlyList<FieldError> Errors, ContactConflict? Conflict = null)
{
    public bool Succeeded => Contact is not null && Errors.Count == 0 && Conflict is null;

    internal static ContactResult Refused(string field, string message) => new(null, [new FieldError(field, message)]);
}

/// <summary>
/// The escalation contacts: add, edit, deactivate and delete, never silently over someone else's
/// change (optimistic concurrency on <see cref="EscalationContact.Version"/>), and never leaving the
/// team without an active primary contact.
/// </summary>
public sealed class ContactBook(IDbContextFactory<MaintenanceDbContext> contextFactory, AccessGuard guard, TimeProvider clock, ILogger<ContactBook> logger)
{
    private readonly Subscribers<bool> _subscribers = new(logger);

    public IDisposable Subscribe(Action onChange) => _subscribers.Add(_ => onChange());

    /// <summary>Every contact not deleted, by level, then primary, secondary, emergency, then name; sorted in SQL.</summary>
    public async Task<IReadOnlyList<EscalationContact>> ListAsync(CancellationToken cancellationToken, bool activeOnly = false)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Contacts.AsNoTracking().Where(c => c.DeletedAt == null);
        if (activeOnly)
        {
            query = query.Where(c => c.Active);
        }

        return await query.OrderBy(c => c.Level).ThenBy(c => c.Role == ContactRole.Primary ? 0 : c.Role == ContactRole.Secondary ? 1 : 2)
            .ThenBy(c => c.Name).ThenBy(c => c.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Who to call at <paramref name="level"/>, primary first.</summary>
    public async Task<IReadOnlyList<EscalationContact>> AtLevelAsync(int level, CancellationToken cancellationToken) =>
        [.. (await ListAsync(cancellationToken, activeOnly: true)).Where(c => c.Level == level)];

    /// <summary>The contact as stored now, tombstones included (null when it never existed).</summary>
    public async Task<EscalationContact?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
    }

    public Task<ContactResult> SaveAsync(long? id, long loadedVersion, ContactDraft draft, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "contact.saved", "change escalation contacts", draft.Name, by => SaveCoreAsync(id, loadedVersion, draft, by, cancellationToken), r => r.Succeeded ? null : r.Conflict is not null ? "someone else changed it first" : string.Join(" ", r.Errors.Select(e => e.Message)), cancellationToken);

    /// <summary>Adds a contact (<paramref name="id"/> null) or updates the one the operator loaded at <paramref name="loadedVersion"/>.</summary>
    private async Task<ContactResult> SaveCoreAsync(long? id, long loadedVersion, ContactDraft draft, string by, CancellationToken cancellationToken)
    {
        var errors = ContactRules.Validate(draft);
        if (errors.Count > 0)
        {
            return new ContactResult(null, errors);
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        // The write lock is taken at BEGIN (SQLite's IMMEDIATE): the primary-contact rule below is read
        // and written under it, so two operators demoting the last two primaries cannot both succeed.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        EscalationContact contact;
        var wasActivePrimary = false;
        if (id is { } existing)
        {
            var stored = await db.Contacts.FirstOrDefaultAsync(c => c.Id == existing, cancellationToken);
            if (stored is null)
            {
                return ContactResult.Refused("", "This contact does not exist (any more). Add it as a new contact.");
            }

            if (Conflict(stored, loadedVersion) is { } conflict)
            {
                return new ContactResult(null, [], conflict);
            }

            contact = stored;
            wasActivePrimary = contact.IsActivePrimary;
        }
        else
        {
            contact = new EscalationContact { Name = "", UpdatedBy = by };
            db.Contacts.Add(contact);
        }

        Apply(contact, draft);
        var remainingPrimaries = await db.Contacts.CountAsync(c => c.Id != contact.Id && c.DeletedAt == null && c.Active && c.Role == ContactRole.Primary, cancellationToken)
            + (contact.IsActivePrimary ? 1 : 0);
        if (remainingPrimaries == 0 && (wasActivePrimary || id is null))
        {
            return id is null
                ? ContactResult.Refused(nameof(ContactDraft.Role), "There is no active primary contact yet: the first contact must be an active primary, so that someone is always called first.")
                : LastPrimaryRefusal(contact.Name, !draft.Active ? "deactivate this one" : "change this one's role", !draft.Active ? nameof(ContactDraft.Active) : nameof(ContactDraft.Role));
        }

        contact.UpdatedBy = by;
        contact.UpdatedAt = clock.GetUtcNow();
        if (!await TrySaveAsync(db, contact, loadedVersion, cancellationToken))
        {
            return new ContactResult(null, [], await CurrentConflictAsync(contact.Id, cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        _subscribers.Notify(true);
        return new ContactResult(contact, []);
    }

    public Task<ContactResult> DeleteAsync(long id, long loadedVersion, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "contact.deleted", "delete escalation contacts", $"contact #{id}", by => DeleteCoreAsync(id, loadedVersion, by, cancellationToken), r => r.Succeeded ? null : r.Conflict is not null ? "someone else changed it first" : string.Join(" ", r.Errors.Select(e => e.Message)), cancellationToken);

    /// <summary>Deletes the contact the operator saw at <paramref name="loadedVersion"/> (a tombstone stays, so later editors learn who and when).</summary>
    private async Task<ContactResult> DeleteCoreAsync(long id, long loadedVersion, string by, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (contact is null)
        {
            return ContactResult.Refused("", "This contact does not exist (any more).");
        }

        if (Conflict(contact, loadedVersion) is { } conflict)
        {
            return new ContactResult(null, [], conflict);
        }

        if (contact.IsActivePrimary && !await db.Contacts.AnyAsync(c => c.Id != id && c.DeletedAt == null && c.Active && c.Role == ContactRole.Primary, cancellationToken))
        {
            return LastPrimaryRefusal(contact.Name, "delete this one", "");
        }

        contact.DeletedAt = contact.UpdatedAt = clock.GetUtcNow();
        contact.DeletedBy = contact.UpdatedBy = by;
        if (!await TrySaveAsync(db, contact, loadedVersion, cancellationToken))
        {
            return new ContactResult(null, [], await CurrentConflictAsync(id, cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        _subscribers.Notify(true);
        return new ContactResult(contact, []);
    }

    private static ContactResult LastPrimaryRefusal(string name, string action, string field) => ContactResult.Refused(field,
        $"{name} is the last active primary contact, and someone must always be called first. Make another contact an active primary, then {action}.");

    private static ContactConflict? Conflict(EscalationContact stored, long loadedVersion) =>
        stored.DeletedAt is not null || stored.Version != loadedVersion
            ? new ContactConflict(stored.DeletedBy ?? stored.UpdatedBy, stored.DeletedAt ?? stored.UpdatedAt, stored.DeletedAt is not null)
            : null;

    /// <summary>
    /// The UPDATE carries <c>WHERE Version = loadedVersion</c>: a write that slipped in between reading
    /// and writing (another process, another connection) makes it touch no row, and EF reports that.
    /// </summary>
    private static async Task<bool> TrySaveAsync(MaintenanceDbContext db, EscalationContact contact, long loadedVersion, CancellationToken cancellationToken)
    {
        var entry = db.Entry(contact);
        if (entry.State != EntityState.Added)
        {
            entry.Property(c => c.Version).OriginalValue = loadedVersion;
            contact.Version = loadedVersion + 1;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    private async Task<ContactConflict> CurrentConflictAsync(long id, CancellationToken cancellationToken)
    {
        // Read on a fresh connection: the write that beat ours is committed.
        return await GetAsync(id, cancellationToken) is { } current
            ? Conflict(current, loadedVersion: -1)!
            : new ContactConflict("Someone", clock.GetUtcNow(), Deleted: true);
    }

    private static void Apply(EscalationContact contact, ContactDraft draft)
    {
        contact.Level = draft.Level;
        contact.Name = TextRules.Normalize(draft.Name);
        contact.Role = draft.Role;
        contact.Phone = TextRules.Normalize(draft.Phone);
        contact.Email = TextRules.Normalize(draft.Email);
        contact.Availability = TextRules.Normalize(draft.Availability);
        contact.Active = draft.Active;
    }
}
