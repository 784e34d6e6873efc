using OrchestrationMaint.Core.Alerts;

namespace OrchestrationMaint.Core.Notifications;

public enum ChannelType
{
    /// <summary>A generic JSON POST, for scripts and chat bridges.</summary>
    Webhook,

    /// <summary>A Slack-compatible incoming webhook (also Mattermost, Rocket.Chat, Teams' Slack connector).</summary>
    Slack,

    /// <summary>SMTP; the server comes from configuration (Notifications:Smtp), the recipients from the channel.</summary>
    Email,
}

/// <summary>Which alert changes a channel hears about.</summary>
[Flags]
public enum ChannelChanges
{
    None = 0,
    Fired = 1,
    Acknowledged = 2,
    Resolved = 4,
    Escalated = 8,
    Default = Fired | Resolved | Escalated,
    All = Fired | Acknowledged | Resolved | Escalated,
}

/// <summary>Where alert notifications go, and which of them.</summary>
public sealed class NotificationChannel
{
    public long Id { get; set; }

    public required string Name { get; set; }

    public ChannelType Type { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Webhook and Slack: where to POST. A secret for Slack, so lists show it masked.</summary>
    public string Url { get; set; } = "";

    /// <summary>Email: addresses, comma separated.</summary>
    public string Recipients { get; set; } = "";

    /// <summary>Alert kinds, comma separated; empty means every kind (also the ones added later).</summary>
    public string Kinds { get; set; } = "";

    /// <summary>True: Critical only; false: Warning and Critical.</summary>
    public bool CriticalOnly { get; set; }

    public ChannelChanges Changes { get; set; } = ChannelChanges.Default;

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    public IReadOnlyList<AlertKind> KindList =>
        [.. Kinds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(k => Enum.TryParse<AlertKind>(k, out var kind) ? kind : (AlertKind?)null).OfType<AlertKind>()];

    /// <summary>Whether this channel wants to hear about <paramref name="change"/> of <paramref name="alert"/>.</summary>
    public bool Wants(Alert alert, AlertChange change)
    {
        var flag = change switch
        {
            AlertChange.Fired => ChannelChanges.Fired,
            AlertChange.Acknowledged => ChannelChanges.Acknowledged,
            AlertChange.Resolved => ChannelChanges.Resolved,
            AlertChange.Escalated => ChannelChanges.Escalated,
            _ => ChannelChanges.None,
        };
        return Enabled && (Changes & flag) != 0 && (!CriticalOnly || alert.Level == AlertLevel.Critical)
            && (Kinds.Length == 0 || KindList.Contains(alert.Kind));
    }

    /// <summary>Where it goes, safe to show in a list: a webhook URL's path often is the secret, so only its host and last characters show.</summary>
    public string MaskedTarget => Type == ChannelType.Email ? Recipients : MaskUrl(Url);

    public static string MaskUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "";
        }

        var rest = uri.PathAndQuery.TrimEnd('/');
        var tail = rest.Length > 4 ? rest[^4..] : "";
        return rest.Length <= 1 ? $"{uri.Scheme}://{uri.Authority}/" : $"{uri.Scheme}://{uri.Authority}/…{tail}";
    }
}
