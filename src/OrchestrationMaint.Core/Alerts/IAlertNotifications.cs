using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Alerts;

/// <summary>Why the people on a channel hear about an alert.</summary>
public enum AlertChange
{
    Fired,
    Acknowledged,
    Resolved,
    Escalated,
}

/// <summary>
/// The seam between the alert engine and the notification channels. The engine calls
/// <see cref="AddDeliveries"/> with its own context before it saves, so the alert's change and the
/// deliveries it causes commit in one transaction: a crash cannot lose a notification or send one for a
/// change that did not happen. Expected alerts (inside a maintenance window) are never passed here.
/// </summary>
public interface IAlertNotifications
{
    /// <summary>Adds the queued deliveries for this change to <paramref name="db"/>, without saving.</summary>
    /// <remarks>For a new alert the Id is not assigned yet: deliveries must reference the entity, not the Id.</remarks>
    void AddDeliveries(MaintenanceDbContext db, Alert alert, AlertChange change);

    /// <summary>Called after the save committed: deliveries are waiting.</summary>
    void Wake();
}
