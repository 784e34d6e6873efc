using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Records;

namespace OrchestrationMaint.Core.Notifications;

/// <summary>What the channel form holds.</summary>
public sealed record ChannelDraft(string Name, ChannelType Type, bool Enabled, string Url, string Recipients, IReadOnlyCollection<AlertKind> Kinds,
    bool CriticalOnly, ChannelChanges Changes)
{
    public static ChannelDraft New => new("", ChannelType.Webhook, true, "", "", [], false, ChannelChanges.Default);

    public static ChannelDraft From(NotificationChannel channel) =>
        new(channel.Name, channel.Type, channel.Enabled, channel.Url, channel.Recipients, channel.KindList, channel.CriticalOnly, channel.Changes);
}

/// <summary>The outcome of a save: the stored channel, or the reasons nothing was stored.</summary>
public sealed record ChannelResult(NotificationChannel? Channel, IReadOnlyList<FieldError> Errors)
{
    public bool Succeeded => Channel is not null && Errors.Count == 0;

    public string Describe() => string.Join(" ", Errors.Select(e => e.Message));
}

/// <summary>One page of the delivery log.</summary>
public sealed record DeliveryPage(IReadOnlyList<NotificationDelivery> Rows, int Total, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>The outcome of "Send test", shown beside the channel.</summary>
public sealed record TestOutcome(bool Delivered, string Message, long DeliveryId);

/// <summary>The notification channels and their delivery log: what the Notifications page and the API call.</summary>
public sealed class NotificationCenter(IDbContextFactory<MaintenanceDbContext> contextFactory, AccessGuard guard, NotificationSender sender,
    DeliveryWorker worker, NotificationChanges changes, IOptions<NotificationOptions> options, TimeProvider clock)
{
    public const int PageSize = 25;

    public IDisposable Subscribe(Action onChange) => changes.Subscribe(onChange);

    public string RetryPolicy => options.Value.RetryPolicy;

    public TimeSpan EscalateAfter => options.Value.EscalateAfter;

    /// <summary>Null when SMTP is configured; otherwise where to configure it.</summary>
    public string? SmtpMissing => options.Value.Smtp.IsConfigured ? null
        : "Email channels cannot send yet: no SMTP server is configured. Set Notifications:Smtp:Host, Port, TlsMode, User, Password and From in appsettings.json "
          + "or as environment variables (Notifications__Smtp__Host, …) and restart the app. The password is kept out of the database on purpose.";

    public async Task<IReadOnlyList<NotificationChannel>> ChannelsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.NotificationChannels.AsNoTracking().OrderBy(c => c.Name).ThenBy(c => c.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The log, newest first, filtered and paged in SQL.</summary>
    public async Task<DeliveryPage> DeliveriesAsync(DeliveryStatus? status, long? channelId, int page, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var query = db.NotificationDeliveries.AsNoTracking();
        if (status is { } wanted)
        {
            query = query.Where(d => d.Status == wanted);
        }

        if (channelId is { } id)
        {
            query = query.Where(d => d.ChannelId == id);
        }

        var total = await query.CountAsync(cancellationToken);
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pages);
        var rows = await query.OrderByDescending(d => d.Id).Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken);
        return new DeliveryPage(rows, total, page, PageSize);
    }

    /// <summary>Who was told about one alert, and whether it reached them: oldest first, as a timeline reads.</summary>
    public async Task<IReadOnlyList<NotificationDelivery>> DeliveriesForAlertAsync(long alertId, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.NotificationDeliveries.AsNoTracking().Where(d => d.AlertId == alertId).OrderBy(d => d.Id).ToListAsync(cancellationToken);
    }

    public async Task<NotificationDelivery?> DeliveryAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.NotificationDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
    }

    public Task<ChannelResult> SaveAsync(long? id, ChannelDraft draft, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Admin, id is null ? "notification-channel.added" : "notification-channel.changed", "change notification channels", draft.Name,
            by => SaveCoreAsync(id, draft, by, cancellationToken), r => r.Succeeded ? null : r.Describe(), cancellationToken);

    private async Task<ChannelResult> SaveCoreAsync(long? id, ChannelDraft draft, string by, CancellationToken cancellationToken)
    {
        var errors = ChannelRules.Validate(draft);
        if (errors.Count > 0)
        {
            return new ChannelResult(null, errors);
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var name = TextRules.Normalize(draft.Name);
        if (await db.NotificationChannels.AnyAsync(c => c.Name == name && c.Id != (id ?? 0), cancellationToken))
        {
            return new ChannelResult(null, [new FieldError(nameof(ChannelDraft.Name), $"A channel named '{name}' already exists: choose another name.")]);
        }

        NotificationChannel channel;
        if (id is { } existing)
        {
            if (await db.NotificationChannels.FirstOrDefaultAsync(c => c.Id == existing, cancellationToken) is not { } found)
            {
                return new ChannelResult(null, [new FieldError("", "This channel was deleted meanwhile (by another Admin); nothing was saved. Close the dialog and add it again if it is still wanted.")]);
            }

            channel = found;
        }
        else
        {
            channel = new NotificationChannel { Name = name, UpdatedBy = by };
            db.NotificationChannels.Add(channel);
        }

        channel.Name = name;
        channel.Type = draft.Type;
        channel.Enabled = draft.Enabled;
        channel.Url = draft.Type == ChannelType.Email ? "" : draft.Url.Trim();
        channel.Recipients = draft.Type == ChannelType.Email ? string.Join(", ", EmailAddresses.Split(draft.Recipients)) : "";
        channel.Kinds = string.Join(",", draft.Kinds.Distinct().Order());
        channel.CriticalOnly = draft.CriticalOnly;
        channel.Changes = draft.Changes;
        channel.UpdatedAt = clock.GetUtcNow();
        channel.UpdatedBy = by;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another Admin saved a channel by this name between the check above and now (the name is unique in SQLite).
            return new ChannelResult(null, [new FieldError(nameof(ChannelDraft.Name), $"A channel named '{name}' was just added by someone else: choose another name.")]);
        }

        changes.Notify();
        return new ChannelResult(channel, []);
    }

    public Task<ChannelResult> SetEnabledAsync(long id, bool enabled, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Admin, enabled ? "notification-channel.enabled" : "notification-channel.disabled", "change notification channels", $"channel #{id}",
            async by =>
            {
                await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
                if (await db.NotificationChannels.FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } channel)
                {
                    return new ChannelResult(null, [new FieldError("", "This channel does not exist (any more).")]);
                }

                channel.Enabled = enabled;
                channel.UpdatedAt = clock.GetUtcNow();
                channel.UpdatedBy = by;
                await db.SaveChangesAsync(cancellationToken);
                changes.Notify();
                return new ChannelResult(channel, []);
            }, r => r.Succeeded ? null : r.Describe(), cancellationToken);

    /// <summary>Deletes the channel; its log stays (by name), and what it still had queued is marked failed, not silently dropped.</summary>
    public Task<bool> DeleteAsync(long id, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Admin, "notification-channel.deleted", "delete notification channels", $"channel #{id}",
            async _ =>
            {
                await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await db.NotificationDeliveries.Where(d => d.ChannelId == id && d.Status == DeliveryStatus.Pending)
                    .ExecuteUpdateAsync(set => set.SetProperty(d => d.Status, DeliveryStatus.Failed).SetProperty(d => d.LastError, "the channel was deleted"), cancellationToken);
                var deleted = await db.NotificationChannels.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;
                await transaction.CommitAsync(cancellationToken);
                changes.Notify();
                return deleted;
            }, deleted => deleted ? null : "it did not exist (any more)", cancellationToken);

    /// <summary>Sends a test message now, with the same code and timeout as the worker, and logs it as a delivery.</summary>
    public Task<TestOutcome> SendTestAsync(long id, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Admin, "notification-channel.tested", "send test notifications", $"channel #{id}",
            async by =>
            {
                NotificationChannel? channel;
                await using (var read = await contextFactory.CreateDbContextAsync(cancellationToken))
                {
                    channel = await read.NotificationChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
                }

                if (channel is null)
                {
                    return new TestOutcome(false, "This channel does not exist (any more).", 0);
                }

                var now = clock.GetUtcNow();
                var message = NotificationPayloads.ForTest(channel.Type, channel.Name, by, now);
                var outcome = await sender.SendAsync(channel.Type, channel.Url, channel.Recipients, message.Subject, message.Payload, cancellationToken);
                // Recorded after the attempt, already final: the worker never sees a test, so it is never sent twice.
                var delivery = new NotificationDelivery
                {
                    ChannelId = channel.Id,
                    ChannelName = channel.Name,
                    Type = channel.Type,
                    Kind = DeliveryKind.Test,
                    Subject = message.Subject,
                    Payload = message.Payload,
                    Recipients = channel.Recipients,
                    Status = DeliveryStatus.Pending,
                    CreatedAt = now,
                    NextAttemptAt = now,
                };
                DeliveryWorker.Record(delivery, outcome, clock.GetUtcNow(), new NotificationOptions { MaxAttempts = 1 });
                await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
                db.NotificationDeliveries.Add(delivery);
                await db.SaveChangesAsync(cancellationToken);
                changes.Notify();
                return new TestOutcome(outcome.Succeeded, outcome.Succeeded ? $"Delivered to {channel.MaskedTarget}." : $"Not delivered: {outcome.Error}.", delivery.Id);
            }, r => r.Delivered ? null : r.Message, cancellationToken);

    /// <summary>"Retry now" on a failed delivery: queued again with a fresh set of attempts, sent at once.</summary>
    public Task<bool> RetryAsync(long deliveryId, Actor actor, CancellationToken cancellationToken) =>
        guard.AuditedAsync(actor, Role.Operator, "notification-delivery.retried", "retry notifications", $"delivery #{deliveryId}",
            async _ =>
            {
                await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
                var retried = await db.NotificationDeliveries
                    .Where(d => d.Id == deliveryId && d.Status == DeliveryStatus.Failed && d.Kind != DeliveryKind.Test && (d.ChannelId != null || d.Recipients != ""))
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(d => d.Status, DeliveryStatus.Pending)
                        .SetProperty(d => d.Attempts, 0)
                        .SetProperty(d => d.GroupId, (long?)null)
                        .SetProperty(d => d.NextAttemptAt, clock.GetUtcNow()), cancellationToken) > 0;
                if (retried)
                {
                    worker.Wake();
                    changes.Notify();
                }

                return retried;
            }, retried => retried ? null : "only a failed delivery of an existing channel can be retried", cancellationToken);
}

/// <summary>What a channel must be before it is stored.</summary>
public static class ChannelRules
{
    public static IReadOnlyList<FieldError> Validate(ChannelDraft draft)
    {
        var errors = new List<FieldError>();
        TextRules.Check(errors, nameof(ChannelDraft.Name), "Name", draft.Name, NotificationModel.NameMax, required: true);
        if (draft.Type == ChannelType.Email)
        {
            var addresses = EmailAddresses.Split(draft.Recipients ?? "");
            if (addresses.Count == 0)
            {
                errors.Add(new FieldError(nameof(ChannelDraft.Recipients), "Recipients: enter at least one email address (several separated by commas)."));
            }
            else if (addresses.FirstOrDefault(a => !EmailAddresses.IsValid(a)) is { } bad)
            {
                errors.Add(new FieldError(nameof(ChannelDraft.Recipients), $"Recipients: '{bad}' is not an email address."));
            }
            else if (string.Join(", ", addresses).Length > NotificationModel.RecipientsMax)
            {
                errors.Add(new FieldError(nameof(ChannelDraft.Recipients), $"Recipients: the list is longer than {NotificationModel.RecipientsMax} characters."));
            }
        }
        else if (UrlError(draft.Url) is { } urlError)
        {
            errors.Add(new FieldError(nameof(ChannelDraft.Url), urlError));
        }

        if (draft.Changes == ChannelChanges.None)
        {
            errors.Add(new FieldError(nameof(ChannelDraft.Changes), "Choose at least one change to send (fired, resolved, acknowledged or escalated)."));
        }

        return errors;
    }

    public static string? UrlError(string? url)
    {
        var text = url?.Trim() ?? "";
        if (text.Length == 0)
        {
            return "URL is required: the webhook address to POST to (https://…).";
        }

        if (text.Length > NotificationModel.UrlMax)
        {
            return $"URL is {text.Length} characters long; the limit is {NotificationModel.UrlMax}.";
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            return $"URL '{text}' is not an absolute http:// or https:// address.";
        }

        return uri.UserInfo.Length > 0 ? "URL must not contain a user name or password; put the secret in the path or query, as the service documents." : null;
    }
}
