using OrchestrationMaint.Core.Records;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrchestrationMaint.Core.Alerts;

namespace OrchestrationMaint.Core.Notifications;

/// <summary>A rendered message: its one-line subject and the body as it goes on the wire.</summary>
public sealed record RenderedMessage(string Subject, string Payload);

/// <summary>
/// Renders what each channel type receives. Rendered once, when the delivery is queued: the log shows the
/// exact bytes, and a retry an hour later sends what the alert looked like when it changed.
/// </summary>
public static class NotificationPayloads
{
    public const string Product = "OrchestrationMaint";

    // Receivers parse JSON, and the log renders it as text: "<" stays "<" rather than "\u003C", so both read it as written.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Headline(Alert alert, AlertChange change) => change switch
    {
        AlertChange.Fired => $"FIRING · {alert.Level} · {alert.Title}",
        AlertChange.Acknowledged => $"ACKNOWLEDGED by {alert.AcknowledgedBy ?? "someone"} · {alert.Title}",
        AlertChange.Resolved => $"RESOLVED · {alert.Title}",
        AlertChange.Escalated => $"ESCALATED to level {alert.EscalationLevel} · {alert.Level} · {alert.Title}",
        _ => alert.Title,
    };

    public static RenderedMessage ForAlert(ChannelType type, Alert alert, AlertChange change, DateTimeOffset now)
    {
        var headline = Headline(alert, change);
        var details = Details(alert, change);
        return type switch
        {
            ChannelType.Slack => new(headline, Slack(headline, $"*{SlackEscape(alert.Title)}*\n{SlackEscape(alert.Message)}", SlackEscape(details), Colour(alert, change))),
            ChannelType.Email => new($"[{Product}] {headline}", $"{headline}\n\n{alert.Message}\n\n{details}\n"),
            _ => new(headline, Json(new JsonObject
            {
                ["type"] = "alert",
                ["change"] = change.ToString().ToLowerInvariant(),
                ["summary"] = headline,
                ["sentAt"] = Iso(now),
                ["source"] = Product,
                ["alert"] = AlertJson(alert),
            })),
        };
    }

    /// <summary>The "Send test" message: says it is a test and who pressed the button, so nobody acts on it.</summary>
    public static RenderedMessage ForTest(ChannelType type, string channelName, string by, DateTimeOffset now)
    {
        var headline = $"Test from {Product}: channel '{channelName}' works";
        var text = $"{by} pressed \"Send test\" at {Iso(now)}. No alert is firing because of this message.";
        return type switch
        {
            ChannelType.Slack => new(headline, Slack(headline, $"*{SlackEscape(headline)}*\n{SlackEscape(text)}", "test", "#1976d2")),
            ChannelType.Email => new($"[{Product}] {headline}", $"{headline}\n\n{text}\n"),
            _ => new(headline, Json(new JsonObject
            {
                ["type"] = "test",
                ["summary"] = headline,
                ["text"] = text,
                ["channel"] = channelName,
                ["sentAt"] = Iso(now),
                ["source"] = Product,
            })),
        };
    }

    /// <summary>In a grouped message, this many are listed one by one; the rest are counted (every one stays in the delivery log).</summary>
    public const int GroupListed = 20;

    /// <summary>
    /// The flood message: the first <see cref="GroupListed"/> changes one per line, then how many more, so the
    /// message stays within what chats and receivers accept (Slack refuses a section over 3,000 characters).
    /// </summary>
    public static RenderedMessage ForGroup(ChannelType type, IReadOnlyList<NotificationDelivery> members, DateTimeOffset now)
    {
        var headline = $"{members.Count} alerts changed: {string.Join("; ", members.Take(3).Select(m => m.Subject))}{(members.Count > 3 ? "; …" : "")}";
        var listed = members.Take(GroupListed).ToList();
        var more = members.Count - listed.Count;
        var tail = more > 0 ? $"…and {more} more: see the delivery log on the Notifications page." : null;
        var lines = listed.Select(m => m.Subject).ToList();
        return type switch
        {
            ChannelType.Slack => new(headline, Slack($"{members.Count} alerts changed",
                string.Join("\n", lines.Select(l => $"• {SlackEscape(TextRules.Clip(l, 140))}").Concat(tail is null ? [] : [tail])),
                "grouped: more changes than the channel's rate limit allows", "#f57c00")),
            ChannelType.Email => new($"[{Product}] {members.Count} alerts changed", $"{members.Count} alerts changed:\n\n{string.Join("\n", lines.Select(l => $"- {l}"))}\n"
                + (tail is null ? "" : tail + "\n") + "\nThey were grouped into one message because more changed than the channel's rate limit allows.\n"),
            _ => new(headline, Json(new JsonObject
            {
                ["type"] = "group",
                ["summary"] = $"{members.Count} alerts changed",
                ["count"] = members.Count,
                ["listed"] = listed.Count,
                ["sentAt"] = Iso(now),
                ["source"] = Product,
                // The first members' own payloads, as they would have been sent alone.
                ["items"] = new JsonArray([.. listed.Select(m => m.Type == ChannelType.Webhook && TryParse(m.Payload) is { } node ? node : (JsonNode)JsonValue.Create(m.Subject))]),
            })),
        };
    }

    private static JsonNode? TryParse(string payload)
    {
        try
        {
            return JsonNode.Parse(payload);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonObject AlertJson(Alert alert) => new()
    {
        ["key"] = alert.Key,
        ["kind"] = alert.Kind.ToString(),
        ["level"] = alert.Level.ToString(),
        ["state"] = alert.State.ToString(),
        ["title"] = alert.Title,
        ["message"] = alert.Message,
        ["conditionSince"] = Iso(alert.ConditionSince),
        ["firedAt"] = Iso(alert.FiredAt),
        ["acknowledgedAt"] = alert.AcknowledgedAt is { } acknowledged ? Iso(acknowledged) : null,
        ["acknowledgedBy"] = alert.AcknowledgedBy,
        ["acknowledgeNote"] = alert.AcknowledgeNote,
        ["resolvedAt"] = alert.ResolvedAt is { } resolved ? Iso(resolved) : null,
        ["escalationLevel"] = alert.EscalationLevel,
    };

    private static string Details(Alert alert, AlertChange change)
    {
        var text = new StringBuilder($"{alert.Kind} · {alert.Level} · fired {Iso(alert.FiredAt)} UTC");
        if (change == AlertChange.Acknowledged && !string.IsNullOrEmpty(alert.AcknowledgeNote))
        {
            text.Append(CultureInfo.InvariantCulture, $" · note: {alert.AcknowledgeNote}");
        }

        if (change == AlertChange.Resolved && alert.ResolvedAt is { } resolved)
        {
            text.Append(CultureInfo.InvariantCulture, $" · resolved {Iso(resolved)} UTC");
        }

        if (change == AlertChange.Escalated)
        {
            text.Append(CultureInfo.InvariantCulture, $" · escalation level {alert.EscalationLevel}");
        }

        return text.ToString();
    }

    /// <summary>Red while firing or escalated, amber for a warning, blue once acknowledged, green once resolved.</summary>
    public static string Colour(Alert alert, AlertChange change) => change switch
    {
        AlertChange.Resolved => "#2e7d32",
        AlertChange.Acknowledged => "#1976d2",
        _ => alert.Level == AlertLevel.Critical ? "#d32f2f" : "#f57c00",
    };

    private static string Slack(string text, string body, string context, string colour) => Json(new JsonObject
    {
        // "text" is what notifications and clients without blocks show.
        ["text"] = text,
        ["attachments"] = new JsonArray(new JsonObject
        {
            ["color"] = colour,
            ["blocks"] = new JsonArray(
                new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = body } },
                new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = context }) }),
        }),
    });

    /// <summary>Slack's three control characters; alert text is never markup.</summary>
    public static string SlackEscape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Json(JsonNode node) => node.ToJsonString(Indented);

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
