using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Records;

namespace OrchestrationMaint.Core.Alerts;

public sealed record AcknowledgeResult(bool Done, string? Error)
{
    public static AcknowledgeResult Failed(string error) => new(false, error);
}

/// <summary>
/// The one writer of alerts: turns the conditions that hold now into alerts that fire, stay open while the
/// condition holds and resolve when it is gone, and records who acknowledged them.
/// </summary>
/// <remarks>
/// Hold and clear times run on the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>), not on the
/// wall clock, so setting the system clock forward does not fire a pending condition early and setting it
/// back does not hold one for hours. A condition not yet held long enough lives only in memory: after a
/// restart its hold starts again, the cautious side. Open alerts live in the database and carry on.
/// </remarks>
public sealed class AlertEngine(
    IDbContextFactory<MaintenanceDbContext> contextFactory,
    IEnumerable<IAlertNotifications> notifications,
    AccessGuard guard,
    IOptions<AlertOptions> options,
    TimeProvider clock,
    ILogger<AlertEngine> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, PendingCondition> _pending = [];
    private readonly Dictionary<long, long> _lastSeen = [];
    private readonly Subscribers<bool> _subscribers = new(logger);
    private readonly IAlertNotifications[] _notifications = [.. notifications];
    private long _nextDue = long.MaxValue;

    /// <summary>Conditions that hold but have not yet held for their hold time, with when each was first seen.</summary>
    public IReadOnlyList<(AlertCondition Condition, DateTimeOffset Since)> Pending
    {
        get
        {
            lock (_pending)
            {
                return [.. _pending.Values.OrderBy(p => p.At).Select(p => (p.Condition, p.At))];
            }
        }
    }

    /// <summary>
    /// How long until a pending condition has held long enough, or an open alert's condition has been gone
    /// long enough, as of the last evaluation; null when nothing is due. The monitor evaluates again then,
    /// so an alert fires at its hold time, not at the next periodic look.
    /// </summary>
    public TimeSpan? UntilNextDue
    {
        get
        {
            var due = Volatile.Read(ref _nextDue);
            if (due == long.MaxValue)
            {
                return null;
            }

            var left = clock.GetElapsedTime(clock.GetTimestamp(), due);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Called on a background thread after an alert fired, changed or resolved; dispose to stop.</summary>
    public IDisposable Subscribe(Action onChange) => _subscribers.Add(_ => onChange());

    /// <param name="conditions">Every condition that holds now; a key missing here is a condition that is gone.</param>
    /// <param name="expectedBecause">The active maintenance window that explains alerts now, or null.</param>
    /// <returns>How many alerts fired, resolved or changed in what people see.</returns>
    public async Task<int> EvaluateAsync(IEnumerable<AlertCondition> conditions, string? expectedBecause, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var holding = new Dictionary<string, AlertCondition>(StringComparer.Ordinal);
        foreach (var condition in conditions.Where(c => settings.IsEnabled(c.Kind)))
        {
            holding.TryAdd(condition.Key, condition);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var timestamp = clock.GetTimestamp();
            var now = clock.GetUtcNow();
            // Worked on copies and kept only once the save succeeded: a failed save (a locked database) must not
            // restart a condition's hold time or its clear time.
            var pending = new Dictionary<string, PendingCondition>(_pending, StringComparer.Ordinal);
            var lastSeen = new Dictionary<long, long>(_lastSeen);
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            var open = await db.Alerts.Where(a => a.State != AlertState.Resolved).ToListAsync(cancellationToken);
            var changes = new List<(Alert Alert, AlertChange Change)>();
            var fired = new List<Alert>();
            var nextDue = long.MaxValue;
            var changed = 0;
            foreach (var alert in open)
            {
                var holds = holding.Remove(alert.Key, out var condition);
                if (holds)
                {
                    lastSeen[alert.Id] = timestamp;
                    var (visible, worse) = Refresh(db, alert, condition!, now);
                    changed += visible ? 1 : 0;
                    if (worse && alert.Notified && expectedBecause is null)
                    {
                        // Now critical: the channels that only want critical alerts hear of it, as a firing.
                        changes.Add((alert, AlertChange.Fired));
                    }
                }
                else
                {
                    if (!lastSeen.TryGetValue(alert.Id, out var seenAt))
                    {
                        // After a restart: from the first look that missed it (the cautious side).
                        lastSeen[alert.Id] = seenAt = timestamp;
                    }

                    var gone = clock.GetElapsedTime(seenAt, timestamp);
                    if (gone < settings.ClearTime)
                    {
                        nextDue = Math.Min(nextDue, Later(timestamp, settings.ClearTime - gone));
                    }
                    else
                    {
                        lastSeen.Remove(alert.Id);
                        alert.State = AlertState.Resolved;
                        alert.ResolvedAt = now;
                        db.AlertEvents.Add(Event(alert, now, AlertEventKind.Resolved, "The condition cleared."));
                        if (alert.Notified)
                        {
                            changes.Add((alert, AlertChange.Resolved));
                        }

                        changed++;
                        continue;
                    }
                }

                if (alert.ExpectedBecause != expectedBecause)
                {
                    alert.ExpectedBecause = expectedBecause;
                    changed++;
                    if (expectedBecause is null && alert.State == AlertState.Firing)
                    {
                        // Nobody escalates during a window: the clock for the next level starts when it ends.
                        alert.EscalatedAt = now;
                    }
                }

                if (expectedBecause is null && !alert.Notified && holds && alert.State == AlertState.Firing)
                {
                    // Fired inside a window and still firing after it: now it is news.
                    alert.Notified = true;
                    alert.EscalatedAt = now;
                    db.AlertEvents.Add(Event(alert, now, AlertEventKind.Fired, "Still firing after the maintenance window ended."));
                    changes.Add((alert, AlertChange.Fired));
                }
            }

            foreach (var gone in pending.Keys.Where(k => !holding.ContainsKey(k)).ToList())
            {
                pending.Remove(gone);
            }

            foreach (var condition in holding.Values)
            {
                var since = pending.TryGetValue(condition.Key, out var seen) ? seen : new PendingCondition(timestamp, now, condition);
                var held = clock.GetElapsedTime(since.Timestamp, timestamp);
                if (held < settings.HoldTimeOf(condition.Kind))
                {
                    pending[condition.Key] = since with { Condition = condition };
                    nextDue = Math.Min(nextDue, Later(timestamp, settings.HoldTimeOf(condition.Kind) - held));
                    continue;
                }

                pending.Remove(condition.Key);
                var alert = Fire(condition, since.At, now, expectedBecause);
                db.Alerts.Add(alert);
                fired.Add(alert);
                if (alert.Notified)
                {
                    changes.Add((alert, AlertChange.Fired));
                }

                changed++;
            }

            foreach (var (alert, change) in changes)
            {
                foreach (var channel in _notifications)
                {
                    channel.AddDeliveries(db, alert, change);
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            // Alerts no longer open need no clearing clock; new ones were seen just now.
            var stillOpen = open.Where(a => a.IsOpen).Select(a => a.Id).ToHashSet();
            foreach (var id in lastSeen.Keys.Where(id => !stillOpen.Contains(id)).ToList())
            {
                lastSeen.Remove(id);
            }

            foreach (var alert in fired)
            {
                lastSeen[alert.Id] = timestamp;
            }

            lock (_pending)
            {
                _pending.Clear();
                foreach (var (key, value) in pending)
                {
                    _pending[key] = value;
                }
            }

            _lastSeen.Clear();
            foreach (var (id, value) in lastSeen)
            {
                _lastSeen[id] = value;
            }

            Volatile.Write(ref _nextDue, nextDue);
            if (changes.Count > 0)
            {
                WakeChannels();
            }

            if (changed > 0)
            {
                _subscribers.Notify(true);
            }

            return changed;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Someone is on it: escalation stops, and the channels that want to know hear who.</summary>
    public async Task<AcknowledgeResult> AcknowledgeAsync(long alertId, string? note, Actor actor, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        TextRules.Check(errors, "Note", "Note", note, AlertModel.NoteMax, required: false, singleLine: false);
        if (errors.Count > 0)
        {
            return AcknowledgeResult.Failed(errors[0].Message);
        }

        note = TextRules.Normalize(note);

        return await guard.AuditedAsync(actor, Role.Operator, "alert.acknowledged", "acknowledge alerts", $"alert #{alertId}", async by =>
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
                var alert = await db.Alerts.FirstOrDefaultAsync(a => a.Id == alertId, cancellationToken);
                if (alert is null)
                {
                    return AcknowledgeResult.Failed($"Alert #{alertId} does not exist.");
                }

                if (alert.State != AlertState.Firing)
                {
                    return AcknowledgeResult.Failed(alert.State == AlertState.Resolved
                        ? $"Alert #{alertId} already resolved by itself; nothing to acknowledge."
                        : $"Alert #{alertId} was already acknowledged by {alert.AcknowledgedBy}.");
                }

                var now = clock.GetUtcNow();
                alert.State = AlertState.Acknowledged;
                alert.AcknowledgedAt = now;
                alert.AcknowledgedBy = by;
                alert.AcknowledgeNote = note.Length == 0 ? null : note;
                db.AlertEvents.Add(new AlertEvent { AlertId = alert.Id, At = now, Kind = AlertEventKind.Acknowledged, By = by, Note = note });
                var notify = alert.Notified;
                if (notify)
                {
                    foreach (var channel in _notifications)
                    {
                        channel.AddDeliveries(db, alert, AlertChange.Acknowledged);
                    }
                }

                await db.SaveChangesAsync(cancellationToken);
                if (notify)
                {
                    WakeChannels();
                }

                _subscribers.Notify(true);
                return new AcknowledgeResult(true, null);
            }
            finally
            {
                _gate.Release();
            }
        }, result => result.Error, cancellationToken);
    }

    private static Alert Fire(AlertCondition condition, DateTimeOffset since, DateTimeOffset now, string? expectedBecause)
    {
        var alert = new Alert
        {
            Key = condition.Key,
            Kind = condition.Kind,
            Level = condition.Level,
            State = AlertState.Firing,
            Title = TextRules.Clip(condition.Title, AlertModel.TitleMax),
            Message = TextRules.Clip(condition.Message, AlertModel.MessageMax),
            ConditionSince = since,
            FiredAt = now,
            LastSeenAt = now,
            ExpectedBecause = expectedBecause,
            Notified = expectedBecause is null,
        };
        alert.Events.Add(new AlertEvent
        {
            At = now,
            Kind = AlertEventKind.Fired,
            By = Actor.System.Display,
            Note = expectedBecause is null ? $"The condition held for {AlertKinds.Span(now - since)}." : $"The condition held for {AlertKinds.Span(now - since)}; expected: {expectedBecause}. Not notified.",
        });
        return alert;
    }

    /// <summary>The latest reading. The level only rises while the alert is open (the worst seen), so a channel that took it as critical also hears it resolve.</summary>
    /// <returns>Whether what people see changed, and whether it got worse (warning to critical).</returns>
    private static (bool Visible, bool Worse) Refresh(MaintenanceDbContext db, Alert alert, AlertCondition condition, DateTimeOffset now)
    {
        alert.LastSeenAt = now;
        var title = TextRules.Clip(condition.Title, AlertModel.TitleMax);
        var message = TextRules.Clip(condition.Message, AlertModel.MessageMax);
        var worse = condition.Level < alert.Level;
        var visible = title != alert.Title || message != alert.Message || worse;
        alert.Title = title;
        alert.Message = message;
        if (worse)
        {
            db.AlertEvents.Add(Event(alert, now, AlertEventKind.LevelChanged, $"{alert.Level} → {condition.Level}: {message}"));
            alert.Level = condition.Level;
        }

        return (visible, worse);
    }

    private long Later(long timestamp, TimeSpan by) => timestamp + (long)(by.TotalSeconds * clock.TimestampFrequency);

    private void WakeChannels()
    {
        foreach (var channel in _notifications)
        {
            channel.Wake();
        }
    }

    public void Dispose() => _gate.Dispose();

    private static AlertEvent Event(Alert alert, DateTimeOffset at, AlertEventKind kind, string note) =>
        new() { AlertId = alert.Id, At = at, Kind = kind, By = Actor.System.Display, Note = TextRules.Clip(note, AlertModel.NoteMax) };

    /// <param name="Timestamp">Monotonic: when the condition was first seen, for the hold time.</param>
    /// <param name="At">Wall clock: the same moment, for people.</param>
    private readonly record struct PendingCondition(long Timestamp, DateTimeOffset At, AlertCondition Condition);
}
