using OrchestrationMaint.Core.Records;
using Microsoft.EntityFrameworkCore;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Notifications;

/// <summary>
/// Queues one delivery per channel that wants the change, in the caller's context and transaction; the
/// <see cref="DeliveryWorker"/> sends them after the caller saved and called <see cref="Wake"/>.
/// </summary>
public sealed class AlertNotifications(DeliveryWorker worker, TimeProvider clock) : IAlertNotifications
{
    public void AddDeliveries(MaintenanceDbContext db, Alert alert, AlertChange change)
    {
        if (alert.IsExpected)
        {
            // The engine never passes these; a maintenance window must stay quiet even if it did.
            return;
        }

        var now = clock.GetUtcNow();
        // Synchronous because the seam is: the engine is inside its own unit of work. A handful of rows.
        var channels = db.NotificationChannels.AsNoTracking().Where(c => c.Enabled).OrderBy(c => c.Id).ToList();
        foreach (var channel in channels.Where(c => c.Wants(alert, change)))
        {
            var message = NotificationPayloads.ForAlert(channel.Type, alert, change, now);
            db.NotificationDeliveries.Add(Queued(alert, change, now, message, channel.Id, channel.Name, channel.Type, channel.Recipients));
        }
    }

    /// <summary>A pending delivery about <paramref name="alert"/>, due now.</summary>
    internal static NotificationDelivery Queued(Alert alert, AlertChange change, DateTimeOffset now, RenderedMessage message, long? channelId, string channelName, ChannelType type, string recipients)
    {
        var delivery = new NotificationDelivery
        {
            ChannelId = channelId,
            ChannelName = channelName,
            Type = type,
            Kind = DeliveryKind.Alert,
            Change = change,
            Subject = TextRules.Clip(message.Subject, 500),
            Payload = message.Payload,
            Recipients = type == ChannelType.Email ? recipients : "",
            Status = DeliveryStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        // A new alert has no Id until the engine's save: reference the entity so EF fills it in. A stored
        // one (possibly loaded by another context) is referenced by Id, so EF does not try to insert it.
        if (alert.Id == 0)
        {
            delivery.Alert = alert;
        }
        else
        {
            delivery.AlertId = alert.Id;
        }

        return delivery;
    }

    public void Wake() => worker.Wake();
}
