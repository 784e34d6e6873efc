using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Notifications;

namespace OrchestrationMaint.Web.Components.Notifications;

/// <summary>How the page words a channel's settings and a delivery's state.</summary>
public static class ChannelText
{
    public static string ChangeLabel(ChannelChanges change) => change switch
    {
        ChannelChanges.Fired => "fires",
        ChannelChanges.Resolved => "resolves",
        ChannelChanges.Acknowledged => "is acknowledged",
        ChannelChanges.Escalated => "is escalated",
        _ => change.ToString(),
    };

    /// <summary>"Critical only · SuccessRate, DiskUsage · fires, resolves, is escalated".</summary>
    public static string Filters(NotificationChannel channel)
    {
        var kinds = channel.KindList.Count == 0 ? "all kinds" : string.Join(", ", channel.KindList.Select(k => k.Label()));
        var changes = string.Join(", ", new[] { ChannelChanges.Fired, ChannelChanges.Resolved, ChannelChanges.Acknowledged, ChannelChanges.Escalated }
            .Where(c => (channel.Changes & c) != 0).Select(ChangeLabel));
        return $"{(channel.CriticalOnly ? "Critical only" : "Warning and Critical")} · {kinds} · when it {changes}";
    }

    public static string TypeLabel(ChannelType type) => type switch
    {
        ChannelType.Slack => "Slack",
        ChannelType.Email => "Email",
        _ => "Webhook",
    };
}
