using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Records.Contacts;

namespace OrchestrationMaint.Core.Notifications;

/// <summary>
/// An alert nobody acknowledged goes up one escalation level every <see cref="NotificationOptions.EscalateAfter"/>
/// (to level 3 at most): the new level's contacts are emailed and the channels that want escalations are told.
/// </summary>
public sealed class AlertEscalator(IDbContextFactory<MaintenanceDbContext> contextFactory, IAlertNotifications notifications,
    IOptions<NotificationOptions> options, TimeProvider clock, ILogger<AlertEscalator> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Escalating unacknowledged alerts failed; trying again in {Interval}", Interval);
            }

            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Escalates every alert that is due now; returns how many went up a level.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var cutoff = now - options.Value.EscalateAfter;
        List<Alert> due;
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            due = await db.Alerts.AsNoTracking()
                .Where(a => a.State == AlertState.Firing && a.Notified && a.ExpectedBecause == null && a.EscalationLevel < EscalationLevels.Highest)
                .Where(a => a.EscalatedAt != null ? a.EscalatedAt <= cutoff : a.FiredAt <= cutoff)
                .OrderBy(a => a.Id).ToListAsync(cancellationToken);
        }

        var escalated = 0;
        foreach (var alert in due)
        {
            if (await EscalateAsync(alert, now, cancellationToken))
            {
                escalated++;
            }
        }

        if (escalated > 0)
        {
            notifications.Wake();
        }

        return escalated;
    }

    /// <summary>Sends <paramref name="alert"/> (as read a moment ago) up one level, unless its stored state moved on meanwhile.</summary>
    internal async Task<bool> EscalateAsync(Alert alert, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = alert.EscalationLevel;
        var to = from + 1;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Conditional: an acknowledge (or another escalator) that got there first makes this touch no row.
        var changed = await db.Alerts.Where(a => a.Id == alert.Id && a.State == AlertState.Firing && a.EscalationLevel == from)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.EscalationLevel, to).SetProperty(a => a.EscalatedAt, now), cancellationToken);
        if (changed == 0)
        {
            return false;
        }

        alert.EscalationLevel = to;
        alert.EscalatedAt = now;
        var contacts = await db.Contacts.AsNoTracking().Where(c => c.DeletedAt == null && c.Active && c.Level == to)
            .OrderBy(c => c.Role == ContactRole.Primary ? 0 : c.Role == ContactRole.Secondary ? 1 : 2).ThenBy(c => c.Name).ToListAsync(cancellationToken);
        var reachable = contacts.Where(c => EmailAddresses.IsValid(c.Email)).ToList();
        string note;
        if (reachable.Count > 0)
        {
            note = $"sent to level {to}: {string.Join(", ", reachable.Select(c => c.Name))}";
            var message = NotificationPayloads.ForAlert(ChannelType.Email, alert, AlertChange.Escalated, now);
            db.NotificationDeliveries.Add(AlertNotifications.Queued(alert, AlertChange.Escalated, now, message, null, $"Level {to} contacts",
                ChannelType.Email, string.Join(", ", reachable.Select(c => c.Email))));
        }
        else
        {
            note = contacts.Count == 0
                ? $"level {to} has no active contact: nobody was emailed; the channels were told"
                : $"level {to} has no contact with an email ({string.Join(", ", contacts.Select(c => c.Name))}): nobody was emailed; the channels were told";
        }

        db.AlertEvents.Add(new AlertEvent { AlertId = alert.Id, At = now, Kind = AlertEventKind.Escalated, By = "system", Note = note });
        notifications.AddDeliveries(db, alert, AlertChange.Escalated);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogWarning("Alert {AlertId} ({Title}) firing unacknowledged since {FiredAt}: escalated to level {Level}, {Note}", alert.Id, alert.Title, alert.FiredAt, to, note);
        return true;
    }
}
