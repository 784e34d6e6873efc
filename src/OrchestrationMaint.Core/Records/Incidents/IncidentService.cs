using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records.Contacts;
using OrchestrationMaint.Core.Tasks;

namespace OrchestrationMaint.Core.Records.Incidents;

/// <summary>The outcome of a change to an incident: the incident as stored, or why nothing changed.</summary>
public sealed record IncidentResult(Incident? Incident, IReadOnlyList<FieldError> Errors)
{
    public bool Succeeded => Errors.Count == 0;

    internal static IncidentResult Refused(string message, string field = "") => new(null, [new FieldError(field, message)]);
}

/// <summary>An incident with its steps (in runbook order) and its whole timeline (oldest first).</summary>
public sealed record IncidentDetails(Incident Incident, IReadOnlyList<IncidentEvent> Events);

/// <summary>The history's filters, every one optional; <see cref="From"/> and <see cref="To"/> bound the opening time, [From, To).</summary>
public sealed record IncidentFilter(IncidentType? Type = null, IncidentSeverity? Severity = null, DateTimeOffset? From = null, DateTimeOffset? To = null, bool? Resolved = null);

public enum IncidentSort
{
    Opened,
    Severity,
    Duration,
}

public sealed record IncidentList(IReadOnlyList<Incident> Incidents, int Total);

/// <summary>The incidents resolved in one UTC month and their mean time to resolve.</summary>
public sealed record MonthlyResolution(string Month, int Resolved, TimeSpan MeanTimeToResolve);

/// <summary>
/// Incidents: opened by hand or from a failing check, worked through their runbook, escalated, resolved.
/// Every change is one SQLite write transaction (taken at BEGIN) that checks the incident as it is
/// now, so two operators on the same incident never undo each other, and appends its event to the
/// timeline in the same commit.
/// </summary>
public sealed class IncidentService(IDbContextFactory<MaintenanceDbContext> contextFactory, TaskCatalog catalog, AccessGuard guard, TimeProvider clock, ILogger<IncidentService> logger)
{
    /// <summary>Who the timeline names for what the app recorded by itself (a linked run finishing).</summary>
    public const string SystemActor = "task queue";

    private readonly Subscribers<long> _subscribers = new(logger);

    /// <summary>Hears the id of every incident that changed, on the thread that changed it.</summary>
    public IDisposable Subscribe(Action<long> onChange) => _subscribers.Add(onChange);

    public Task<IncidentResult> OpenAsync(IncidentDraft draft, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "incident.opened", "open incidents", draft.Title, by => OpenCoreAsync(draft, by, cancellationToken), r => r.Succeeded ? null : string.Join(" ", r.Errors.Select(e => e.Message)), cancellationToken);

    private async Task<IncidentResult> OpenCoreAsync(IncidentDraft draft, string by, CancellationToken cancellationToken)
    {
        var errors = IncidentRules.ValidateOpen(draft);
        if (errors.Count > 0)
        {
            return new IncidentResult(null, errors);
        }

        var now = clock.GetUtcNow();
        var incident = new Incident
        {
            Type = draft.Type,
            Severity = draft.Severity,
            Title = TextRules.Normalize(draft.Title),
            Description = TextRules.Normalize(draft.Description),
            SourceCheck = string.IsNullOrWhiteSpace(draft.SourceCheck) ? null : draft.SourceCheck.Trim(),
            OpenedAt = now,
            OpenedBy = by,
            Steps = [.. Runbooks.For(draft.Type).Select((step, i) => new IncidentStep { Position = i, Key = step.Key, Title = step.Title })],
        };
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Incidents.Add(incident);
        await db.SaveChangesAsync(cancellationToken);
        var from = incident.SourceCheck is { } check ? $" from the failing health check “{check}”" : "";
        db.IncidentEvents.Add(Event(incident.Id, now, by, IncidentEventKind.Opened,
            $"Opened{from}: {Runbooks.Title(incident.Type)}, {Runbooks.Label(incident.Severity)}, escalation level 1."));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _subscribers.Notify(incident.Id);
        return new IncidentResult(incident, []);
    }

    public async Task<IncidentDetails?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var incident = await db.Incidents.AsNoTracking().Include(i => i.Steps.OrderBy(s => s.Position)).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (incident is null)
        {
            return null;
        }

        var events = await db.IncidentEvents.AsNoTracking().Where(e => e.IncidentId == id).OrderBy(e => e.Id).ToListAsync(cancellationToken);
        return new IncidentDetails(incident, events);
    }

    public Task<IncidentResult> MarkStepDoneAsync(long id, string stepKey, string? note, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "incident.step-done", "work on incidents", $"incident #{id}: {stepKey}", by => MarkStepDoneCoreAsync(id, stepKey, note, by, cancellationToken), r => r.Succeeded ? null : string.Join(" ", r.Errors.Select(e => e.Message)), cancellationToken);

    private Task<IncidentResult> MarkStepDoneCoreAsync(long id, string stepKey, string? note, string by, CancellationToken cancellationToken) =>
        WithNoteAsync(note, required: false, () => Update(id, allowResolved: false, (db, incident, now) =>
        {
            if (FindStep(incident, stepKey, out var step) is { } missing)
            {
                return missing;
            }

            if (step.IsDone)
            {
                return $"{step.DoneBy} already marked “{step.Title}” done.";
            }

            var skipped = incident.Steps.Where(s => s.Position < step.Position && !s.IsDone).Select(s => $"“{s.Title}”").ToList();
            step.DoneAt = now;
            step.DoneBy = by;
            step.Note = NoteOrNull(note);
            step.OutOfOrder = skipped.Count > 0;
            db.IncidentEvents.Add(Event(incident.Id, now, by, IncidentEventKind.StepDone,
                skipped.Count == 0 ? $"Marked “{step.Title}” done." : $"Marked “{step.Title}” done out of order: {string.Join(", ", skipped)} not done yet.",
                step.Note, step.Key));
            return null;
        }, cancellationToken));

    public Task<IncidentResult> MarkStepNotDoneAsync(long id, string stepKey, string? note, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "incident.step-reopened", "work on incidents", $"incident #{id}: {stepKey}", by => MarkStepNotDoneCoreAsync(id, stepKey, note, by, cancellationToken), r => r.Succeeded ? null : string.Join(" ", r.Errors.Select(e => e.Message)), cancellationToken);

    private Task<IncidentResult> MarkStepNotDoneCoreAsync(long id, string stepKey, string? note, string by, CancellationToken cancellationToken) =>
        WithNoteAsync(note, required: false, () => Update(id, allowResolved: false, (db, incident, now) =>
        {
            if (FindStep(incident, stepKey, out var step) is { } missing)
            {
                return missing;
            }

            if (!step.IsDone)
            {
                return $"“{step.Title}” is not marked done (someone may have just undone it).";
            }

            var was = $"it was marked done by {step.DoneBy}";
            (step.DoneAt, step.DoneBy, step.Note, step.OutOfOrder) = (null, null, null, false);
            db.IncidentEvents.Add(Event(incident.Id, now, by, IncidentEventKind.StepUndone, $"Marked “{step.Title}” not done ({was}).", NoteOrNull(note), step.Key));
            return null;
        }, cancellationToken));

    public Task<IncidentResult> LinkRunAsync(long id, string stepKey, long runId, bool alreadyActive, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "incident.run-linked", "work on incidents", $"incident #{id}: run #{runId}", by => LinkRunCoreAsync(id, stepKey, runId, alreadyActive, by, cancellationToken), r => r.Succeeded ? null : string.Join(" ", r.Errors.Select(e => e.Message)), cancellationToken);

    /// <summary>Links a run started for a step; if it has already finished, its end is recorded at once.</summary>
    private Task<IncidentResult> LinkRunCoreAsync(long id, string stepKey, long runId, bool alreadyActive, string by, CancellationToken cancellationToken) =>
        UpdateAsync(id, allowResolved: false, async (db, incident, now) =>
        {
            if (FindStep(incident, stepKey, out var step) is { } missing)
            {
                return missing;
            }

            if (await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken) is not { } run)
            {
                return $"There is no run #{runId}.";
            }

            var text = alreadyActive
                ? $"Linked run #{run.Id} of “{TaskTitle(run.TaskKey)}” to “{step.Title}”: it was already {run.State.ToString().ToLowerInvariant()}, so no second one was started."
                : $"Started run #{run.Id} of “{TaskTitle(run.TaskKey)}” for “{step.Title}”.";
            db.IncidentEvents.Add(Event(incident.Id, now, by, IncidentEventKind.RunStarted, text, stepKey: step.Key, runId: run.Id));
            if (run.IsFinished)
            {
                // It finished before this link was stored: the tracker looked too early to see the link.
                db.IncidentEvents.Add(RunFinishedEvent(incident.Id, step.Key, run, now));
            }

            return null;
        }, cancellationToken);

    /// <summary>Records the end of a finished run in every incident it is linked to, once; the ids of the incidents that changed.</summary>
    public async Task<IReadOnlyList<long>> RecordRunFinishedAsync(long runId, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var links = await db.IncidentEvents.Where(e => e.RunId == runId && e.Kind == IncidentEventKind.RunStarted)
            .Select(e => new { e.IncidentId, e.StepKey })
            .Where(l => !db.IncidentEvents.Any(f => f.IncidentId == l.IncidentId && f.RunId == runId && f.Kind == IncidentEventKind.RunFinished))
            .Distinct().ToListAsync(cancellationToken);
        var run = links.Count == 0 ? null : await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
        if (run is not { IsFinished: true })
        {
            return [];
        }

        var now = clock.GetUtcNow();
        var changed = links.Select(l => l.IncidentId).Distinct().ToList();
        foreach (var incidentId in changed)
        {
            db.IncidentEvents.Add(RunFinishedEvent(incidentId, links.First(l => l.IncidentId == incidentId).StepKey, run, now));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        changed.ForEach(_subscribers.Notify);
        return changed;
    }

    /// <summary>The runs linked to an incident whose end is not recorded yet (for the tracker's start-up catch-up).</summary>
    public async Task<IReadOnlyList<long>> RunsAwaitingFinishAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.IncidentEvents
            .Where(e => e.Kind == IncidentEventKind.RunStarted && e.RunId != null
                && !db.IncidentEvents.Any(f => f.Kind == IncidentEventKind.RunFinished && f.RunId == e.RunId && f.IncidentId == e.IncidentId))
            .Select(e => e.RunId!.Value).Distinct().ToListAsync(cancellationToken);
    }

    public Task<IncidentResult> EscalateAsync(long id, int fromLevel, string? note, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "incident.escalated", "escalate incidents", $"incident #{id}", by => EscalateCoreAsync(id, fromLevel, note, by, cancellationToken), r => r.Succeeded ? null : string.Join(" ", r.Errors.Select(e => e.Message)), cancellationToken);

    /// <summary>Moves the incident from <paramref name="fromLevel"/> (the level the operator saw) one level up, and names who to call there.</summary>
    private Task<IncidentResult> EscalateCoreAsync(long id, int fromLevel, string? note, string by, CancellationToken cancellationToken) =>
        WithNoteAsync(note, required: false, () => UpdateAsync(id, allowResolved: false, async (db, incident, now) =>
        {
            if (incident.EscalationLevel >= EscalationLevels.Highest)
            {
                return $"This incident is already at level {EscalationLevels.Highest} ({EscalationLevels.Who(EscalationLevels.Highest)}): there is no higher level.";
            }

            if (incident.EscalationLevel != fromLevel)
            {
                var who = await db.IncidentEvents.Where(e => e.IncidentId == id && e.Kind == IncidentEventKind.Escalated)
                    .OrderByDescending(e => e.Id).Select(e => e.By).FirstOrDefaultAsync(cancellationToken) ?? "Someone";
                return $"{who} already escalated this incident to level {incident.EscalationLevel}; the contacts to call there are shown.";
            }

            var level = incident.EscalationLevel + 1;
            incident.EscalationLevel = level;
            var contacts = await db.Contacts.AsNoTracking().Where(c => c.Level == level && c.Active && c.DeletedAt == null)
                .OrderBy(c => c.Role == ContactRole.Primary ? 0 : c.Role == ContactRole.Secondary ? 1 : 2).ThenBy(c => c.Name)
                .Select(c => new { c.Name, c.Role }).ToListAsync(cancellationToken);
            var call = contacts.Count == 0 ? "No active contact at this level: add one on the Contacts page."
                : $"To call: {string.Join(", ", contacts.Select(c => $"{c.Name} ({c.Role.ToString().ToLowerInvariant()})"))}.";
            db.IncidentEvents.Add(Event(id, now, by, IncidentEventKind.Escalated,
                $"Escalated from level {fromLevel} to level {level} ({EscalationLevels.Who(level)}). {call}", NoteOrNull(note)));
            return null;
        }, cancellationToken));

    public Task<IncidentResult> ChangeSeverityAsync(long id, IncidentSeverity severity, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "incident.severity-changed", "work on incidents", $"incident #{id}: {severity}", by => ChangeSeverityCoreAsync(id, severity, by, cancellationToken), r => r.Succeeded ? null : string.Join(" ", r.Errors.Select(e => e.Message)), cancellationToken);

    private Task<IncidentResult> ChangeSeverityCoreAsync(long id, IncidentSeverity severity, string by, CancellationToken cancellationToken) =>
        Update(id, allowResolved: false, (db, incident, now) =>
        {
            if (!Enum.IsDefined(severity))
            {
                return "Choose a severity: SEV1, SEV2 or SEV3.";
            }

            if (incident.Severity != severity)
            {
                db.IncidentEvents.Add(Event(id, now, by, IncidentEventKind.SeverityChanged, $"Severity changed from {Runbooks.Label(incident.Severity)} to {Runbooks.Label(severity)}."));
                incident.Severity = severity;
            }

            return null;
        }, cancellationToken);

    public Task<IncidentResult> AddNoteAsync(long id, string? note, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "incident.note-added", "work on incidents", $"incident #{id}", by => AddNoteCoreAsync(id, note, by, cancellationToken), r => r.Succeeded ? null : string.Join(" ", r.Errors.Select(e => e.Message)), cancellationToken);

    /// <summary>A note on the timeline; allowed after resolution too (what was learned later belongs with the incident).</summary>
    private Task<IncidentResult> AddNoteCoreAsync(long id, string? note, string by, CancellationToken cancellationToken) =>
        WithNoteAsync(note, required: true, () => Update(id, allowResolved: true, (db, incident, now) =>
        {
            db.IncidentEvents.Add(Event(id, now, by, IncidentEventKind.NoteAdded, "Added a note.", NoteOrNull(note)));
            return null;
        }, cancellationToken));

    public Task<IncidentResult> ResolveAsync(long id, string? resolution, string? rootCause, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "incident.resolved", "resolve incidents", $"incident #{id}", by => ResolveCoreAsync(id, resolution, rootCause, by, cancellationToken), r => r.Succeeded ? null : string.Join(" ", r.Errors.Select(e => e.Message)), cancellationToken);

    /// <summary>Resolves with what fixed it and why it happened, both required; steps left open are named on the timeline.</summary>
    private async Task<IncidentResult> ResolveCoreAsync(long id, string? resolution, string? rootCause, string by, CancellationToken cancellationToken)
    {
        var errors = IncidentRules.ValidateResolve(resolution, rootCause);
        if (errors.Count > 0)
        {
            return new IncidentResult(null, errors);
        }

        return await Update(id, allowResolved: false, (db, incident, now) =>
        {
            incident.ResolvedAt = now;
            incident.ResolvedBy = by;
            incident.Resolution = TextRules.Normalize(resolution);
            incident.RootCause = TextRules.Normalize(rootCause);
            var open = incident.Steps.Where(s => !s.IsDone).Select(s => $"“{s.Title}”").ToList();
            db.IncidentEvents.Add(Event(id, now, by, IncidentEventKind.Resolved,
                $"Resolved after {IncidentRules.FormatDuration(now - incident.OpenedAt)}." + (open.Count == 0 ? "" : $" Not done: {string.Join(", ", open)}.")));
            return null;
        }, cancellationToken);
    }

    /// <summary>One page of the history, filtered, sorted and paged in SQL.</summary>
    public async Task<IncidentList> ListAsync(IncidentFilter filter, IncidentSort sort, bool descending, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(cancellationToken);
        var ordered = sort switch
        {
            IncidentSort.Severity => descending ? query.OrderByDescending(i => i.Severity) : query.OrderBy(i => i.Severity),
            // Open incidents have no time to resolve yet: last, whichever the direction.
            IncidentSort.Duration => descending
                ? query.OrderBy(i => i.DurationTicks == null).ThenByDescending(i => i.DurationTicks)
                : query.OrderBy(i => i.DurationTicks == null).ThenBy(i => i.DurationTicks),
            _ => descending ? query.OrderByDescending(i => i.OpenedAt) : query.OrderBy(i => i.OpenedAt),
        };
        var page = await ordered.ThenByDescending(i => i.Id).Skip(skip).Take(take).ToListAsync(cancellationToken);
        return new IncidentList(page, total);
    }

    /// <summary>
    /// The mean time to resolve per UTC month of resolution (a month's figure is final once it is
    /// over), newest month first, for the incidents matching <paramref name="filter"/>; averaged in SQL.
    /// </summary>
    public async Task<IReadOnlyList<MonthlyResolution>> MonthlyMeansAsync(IncidentFilter filter, int months, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var rows = await Filtered(db, filter with { Resolved = true })
            .GroupBy(i => i.ResolvedMonth)
            .Select(g => new { Month = g.Key!, Count = g.Count(), MeanTicks = g.Average(i => (double)i.DurationTicks!.Value) })
            .OrderByDescending(m => m.Month).Take(months).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new MonthlyResolution(r.Month, r.Count, TimeSpan.FromTicks((long)Math.Round(r.MeanTicks))))];
    }

    /// <summary>The open incidents, most severe and newest first (the dashboard's on-call card).</summary>
    public async Task<IReadOnlyList<Incident>> OpenIncidentsAsync(int take, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Incidents.AsNoTracking().Where(i => i.ResolvedAt == null)
            .OrderBy(i => i.Severity).ThenByDescending(i => i.OpenedAt).Take(take).ToListAsync(cancellationToken);
    }

    /// <summary>The open incidents opened from one health check, so the "open incident" form can point at them instead of a duplicate.</summary>
    public async Task<IReadOnlyList<Incident>> OpenForCheckAsync(string checkKey, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Incidents.AsNoTracking().Where(i => i.ResolvedAt == null && i.SourceCheck == checkKey).OrderByDescending(i => i.Id).ToListAsync(cancellationToken);
    }

    private static IQueryable<Incident> Filtered(MaintenanceDbContext db, IncidentFilter filter)
    {
        var query = db.Incidents.AsNoTracking();
        if (filter.Type is { } type)
        {
            query = query.Where(i => i.Type == type);
        }

        if (filter.Severity is { } severity)
        {
            query = query.Where(i => i.Severity == severity);
        }

        if (filter.From is { } from)
        {
            query = query.Where(i => i.OpenedAt >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(i => i.OpenedAt < to);
        }

        return filter.Resolved switch
        {
            true => query.Where(i => i.ResolvedAt != null),
            false => query.Where(i => i.ResolvedAt == null),
            _ => query,
        };
    }

    private static async Task<IncidentResult> WithNoteAsync(string? note, bool required, Func<Task<IncidentResult>> change)
    {
        var errors = IncidentRules.ValidateNote(note, required);
        return errors.Count > 0 ? new IncidentResult(null, errors) : await change();
    }

    private Task<IncidentResult> Update(long id, bool allowResolved, Func<MaintenanceDbContext, Incident, DateTimeOffset, string?> change, CancellationToken cancellationToken) =>
        UpdateAsync(id, allowResolved, (db, incident, now) => Task.FromResult(change(db, incident, now)), cancellationToken);

    /// <summary>Loads the incident inside a write transaction, applies <paramref name="change"/> (a refusal is a sentence), and commits it with its event.</summary>
    private async Task<IncidentResult> UpdateAsync(long id, bool allowResolved, Func<MaintenanceDbContext, Incident, DateTimeOffset, Task<string?>> change,
        CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var incident = await db.Incidents.Include(i => i.Steps.OrderBy(s => s.Position)).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (incident is null)
        {
            return IncidentResult.Refused($"There is no incident #{id}.");
        }

        if (incident.IsResolved && !allowResolved)
        {
            return IncidentResult.Refused($"{incident.ResolvedBy} resolved this incident, so it no longer changes; you can still add a note.");
        }

        if (await change(db, incident, clock.GetUtcNow()) is { } refusal)
        {
            return IncidentResult.Refused(refusal);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _subscribers.Notify(id);
        return new IncidentResult(incident, []);
    }

    private static string? FindStep(Incident incident, string stepKey, out IncidentStep step)
    {
        step = incident.Steps.FirstOrDefault(s => s.Key == stepKey)!;
        return step is null ? $"This incident has no step “{stepKey}”." : null;
    }

    private IncidentEvent RunFinishedEvent(long incidentId, string? stepKey, TaskRun run, DateTimeOffset now) =>
        Event(incidentId, now, SystemActor, IncidentEventKind.RunFinished,
            $"Run #{run.Id} of “{TaskTitle(run.TaskKey)}” {run.State.ToString().ToLowerInvariant()}" + (run.Summary is { Length: > 0 } summary ? $": {summary}" : "."),
            stepKey: stepKey, runId: run.Id);

    private string TaskTitle(string taskKey) => catalog.Find(taskKey)?.Descriptor.Title ?? taskKey;

    private static string? NoteOrNull(string? note) => string.IsNullOrWhiteSpace(note) ? null : note.Trim();

    private static IncidentEvent Event(long incidentId, DateTimeOffset at, string by, IncidentEventKind kind, string text, string? note = null, string? stepKey = null, long? runId = null) =>
        new() { IncidentId = incidentId, At = at, By = by, Kind = kind, Text = text, Note = note, StepKey = stepKey, RunId = runId };
}
