using OrchestrationMaint.Core.Alerts;

namespace OrchestrationMaint.Core.Notifications;

public enum DeliveryStatus
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>What caused a delivery: an alert's change, the channel's "Send test", or several deliveries sent as one message.</summary>
public enum DeliveryKind
{
    Alert,
    Test,
    Group,
}

/// <summary>
/// One message to one destination, queued durably. The payload is rendered when it is queued, so the log
/// shows exactly what was (or will be) sent; the destination URL is read from the channel when it is sent,
/// so fixing a channel's URL and pressing "retry now" reaches the fixed address.
/// </summary>
public sealed class NotificationDelivery
{
    public long Id { get; set; }

    /// <summary>Null for an escalation email to the level's contacts, or once the channel is deleted.</summary>
    public long? ChannelId { get; set; }

    /// <summary>The channel's name when queued (or "Level 2 contacts"): the log stays readable after a delete.</summary>
    public required string ChannelName { get; set; }

    public ChannelType Type { get; set; }

    public DeliveryKind Kind { get; set; }

    public long? AlertId { get; set; }

    /// <summary>Set by the alert engine for a new alert, whose Id is assigned by the same save.</summary>
    public Alert? Alert { get; set; }

    public AlertChange? Change { get; set; }

    /// <summary>One line: the email's subject, the chat message's headline, the grouped message's list entry.</summary>
    public required string Subject { get; set; }

    /// <summary>The body as sent: JSON for webhooks and Slack, plain text for email.</summary>
    public required string Payload { get; set; }

    /// <summary>Email: the addresses, comma separated, as they were when queued.</summary>
    public string Recipients { get; set; } = "";

    public DeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    /// <summary>Why the last attempt failed, in a sentence ("HTTP 500 from hooks.example.com").</summary>
    public string? LastError { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>Set when this delivery went out inside a grouped message (a <see cref="DeliveryKind.Group"/> row).</summary>
    public long? GroupId { get; set; }
}
