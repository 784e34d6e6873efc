using OrchestrationMaint.Core.Records;
using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Notifications;

/// <summary>
/// Sends the queued deliveries. Each channel is its own lane, run apart from the others and from the
/// caller: a webhook that times out holds up only its own channel, never the alert engine or the app.
/// Everything it knows is in the database, so after a restart the pending deliveries simply continue.
/// </summary>
public sealed class DeliveryWorker(IDbContextFactory<MaintenanceDbContext> contextFactory, NotificationSender sender, NotificationChanges changes,
    IOptions<NotificationOptions> options, TimeProvider clock, ILogger<DeliveryWorker> logger) : BackgroundService
{
    /// <summary>The lane of the escalation emails to contacts, which belong to no channel.</summary>
    private const string ContactsLane = "contacts";

    private static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongestSleep = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly ConcurrentDictionary<string, Task> _lanes = new();

    /// <summary>Deliveries were queued (or a lane finished): look now rather than at the next poll.</summary>
    public void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var sleep = LongestSleep;
            try
            {
                await StartDueLanesAsync(stoppingToken);
                sleep = await NextSleepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "The notification worker could not read its queue; trying again in a minute");
            }

            try
            {
                await _wake.WaitAsync(sleep, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        try
        {
            await Task.WhenAll(_lanes.Values);
        }
        catch (OperationCanceledException)
        {
            // Stopping: an attempt cut short is not recorded, and is made again after the restart.
        }
    }

    /// <summary>Sends everything due now and waits until it is done (tests drive the worker this way, with their own clock).</summary>
    public async Task RunDueAsync(CancellationToken cancellationToken) => await Task.WhenAll(await StartDueLanesAsync(cancellationToken));

    private async Task<List<Task>> StartDueLanesAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var due = await Due(db, now).Select(d => d.ChannelId).Distinct().ToListAsync(cancellationToken);
        var started = new List<Task>();
        foreach (var channelId in due)
        {
            var key = channelId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ContactsLane;
            if (_lanes.ContainsKey(key))
            {
                continue;
            }

            var lane = Task.Run(() => RunLaneAsync(channelId, cancellationToken), cancellationToken);
            if (_lanes.TryAdd(key, lane))
            {
                started.Add(lane);
                _ = lane.ContinueWith(finished =>
                {
                    _lanes.TryRemove(key, out Task? _);
                    // A lane that failed (the database, not the endpoint) is looked at again at the next poll, not at once.
                    if (finished.Result)
                    {
                        Wake();
                    }
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        return started;
    }

    private static IQueryable<NotificationDelivery> Due(MaintenanceDbContext db, DateTimeOffset now) =>
        db.NotificationDeliveries.Where(d => d.Status == DeliveryStatus.Pending && d.GroupId == null && d.NextAttemptAt <= now);

    private async Task<TimeSpan> NextSleepAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var next = await db.NotificationDeliveries.Where(d => d.Status == DeliveryStatus.Pending && d.GroupId == null)
            .OrderBy(d => d.NextAttemptAt).Select(d => (DateTimeOffset?)d.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
        if (next is not { } at)
        {
            return LongestSleep;
        }

        // Due but not started means its lane is busy: it wakes us when done; meanwhile poll gently.
        var wait = at - clock.GetUtcNow();
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > LongestSleep ? LongestSleep : wait;
    }

    /// <returns>Whether the lane ran to its end (false: it failed and its deliveries stay queued).</returns>
    private async Task<bool> RunLaneAsync(long? channelId, CancellationToken cancellationToken)
    {
        try
        {
            await SendLaneAsync(channelId, cancellationToken);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Sending the notifications of channel {ChannelId} failed; they stay queued", channelId);
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            changes.Notify();
        }
    }

    private async Task SendLaneAsync(long? channelId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var due = await Due(db, now).Where(d => d.ChannelId == channelId).OrderBy(d => d.Id).ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return;
        }

        NotificationChannel? channel = null;
        if (channelId is { } id)
        {
            channel = await db.NotificationChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
            if (channel is null || !channel.Enabled)
            {
                // Held deliveries would surprise whoever enables the channel next month; "retry now" sends them on purpose.
                foreach (var delivery in due)
                {
                    delivery.Status = DeliveryStatus.Failed;
                    delivery.LastError = channel is null ? "the channel was deleted" : "the channel is disabled; enable it and press \"retry now\" to send this";
                }

                await db.SaveChangesAsync(cancellationToken);
                return;
            }

            due = await ApplyRateLimitAsync(db, channel, due, now, cancellationToken);
        }

        foreach (var delivery in due)
        {
            await AttemptAsync(db, delivery, channel, cancellationToken);
        }
    }

    /// <summary>
    /// At most <see cref="NotificationOptions.RateLimitPerMinute"/> messages per channel per minute. When more
    /// are due, all but one of the free slots go out one by one and the rest as one grouped message; when no
    /// slot is free they wait for one. Every delivery keeps its own row.
    /// </summary>
    private async Task<List<NotificationDelivery>> ApplyRateLimitAsync(MaintenanceDbContext db, NotificationChannel channel, List<NotificationDelivery> due,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var windowStart = now - RateWindow;
        var sentTimes = await db.NotificationDeliveries
            .Where(d => d.ChannelId == channel.Id && d.GroupId == null && d.LastAttemptAt != null && d.LastAttemptAt > windowStart)
            .OrderBy(d => d.LastAttemptAt).Select(d => d.LastAttemptAt!.Value).ToListAsync(cancellationToken);
        // Failed attempts count too: they reached (or tried to reach) the endpoint.
        var free = options.Value.RateLimitPerMinute - sentTimes.Count;
        if (free <= 0)
        {
            var slot = sentTimes[0] + RateWindow;
            foreach (var delivery in due)
            {
                delivery.NextAttemptAt = slot;
            }

            await db.SaveChangesAsync(cancellationToken);
            return [];
        }

        if (due.Count <= free)
        {
            return due;
        }

        // A retried group is sent as it is; only plain deliveries are folded into a new group.
        var singles = due.Where(d => d.Kind == DeliveryKind.Group).Concat(due.Where(d => d.Kind != DeliveryKind.Group)).Take(free - 1).ToList();
        var members = due.Except(singles).ToList();
        if (members.Count < 2)
        {
            return due;
        }

        var message = NotificationPayloads.ForGroup(channel.Type, members, now);
        var group = new NotificationDelivery
        {
            ChannelId = channel.Id,
            ChannelName = channel.Name,
            Type = channel.Type,
            Kind = DeliveryKind.Group,
            Subject = TextRules.Clip(message.Subject, 500),
            Payload = message.Payload,
            Recipients = channel.Type == ChannelType.Email ? channel.Recipients : "",
            Status = DeliveryStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.NotificationDeliveries.Add(group);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var member in members)
        {
            member.GroupId = group.Id;
        }

        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Channel {Channel}: {Count} deliveries grouped into delivery {GroupId} (rate limit {Limit}/min)", channel.Name, members.Count, group.Id, options.Value.RateLimitPerMinute);
        return [.. singles, group];
    }

    private async Task AttemptAsync(MaintenanceDbContext db, NotificationDelivery delivery, NotificationChannel? channel, CancellationToken cancellationToken)
    {
        // The URL and the recipients of a channel are read now: a fixed URL is used by the next retry.
        var recipients = delivery.Type == ChannelType.Email && channel is not null ? channel.Recipients : delivery.Recipients;
        var outcome = await sender.SendAsync(delivery.Type, channel?.Url ?? "", recipients, delivery.Subject, delivery.Payload, cancellationToken);
        var now = clock.GetUtcNow();
        Record(delivery, outcome, now, options.Value);
        // The message is out: recording that must not be cancelled by a stop, or it would be sent twice.
        await db.SaveChangesAsync(CancellationToken.None);
        if (delivery.Kind == DeliveryKind.Group && delivery.Status != DeliveryStatus.Pending)
        {
            var error = delivery.Status == DeliveryStatus.Failed ? $"sent in grouped delivery #{delivery.Id}, which failed: {delivery.LastError}" : null;
            await db.NotificationDeliveries.Where(d => d.GroupId == delivery.Id).ExecuteUpdateAsync(set => set
                .SetProperty(d => d.Status, delivery.Status)
                .SetProperty(d => d.DeliveredAt, delivery.DeliveredAt)
                .SetProperty(d => d.LastAttemptAt, now)
                .SetProperty(d => d.LastError, error), CancellationToken.None);
        }

        if (outcome.Succeeded)
        {
            logger.LogInformation("Notification {Id} to {Channel} delivered (attempt {Attempt})", delivery.Id, delivery.ChannelName, delivery.Attempts);
        }
        else
        {
            logger.LogWarning("Notification {Id} to {Channel} attempt {Attempt} failed: {Error}", delivery.Id, delivery.ChannelName, delivery.Attempts, outcome.Error);
        }

        changes.Notify();
    }

    /// <summary>Counts the attempt: delivered, or failed for good after the last attempt, or due again after the backoff.</summary>
    internal static void Record(NotificationDelivery delivery, SendOutcome outcome, DateTimeOffset now, NotificationOptions options)
    {
        delivery.Attempts++;
        delivery.LastAttemptAt = now;
        if (outcome.Succeeded)
        {
            delivery.Status = DeliveryStatus.Delivered;
            delivery.DeliveredAt = now;
            delivery.LastError = null;
            return;
        }

        delivery.LastError = TextRules.Clip(outcome.Error!, 1000);
        if (delivery.Attempts >= options.MaxAttempts)
        {
            delivery.Status = DeliveryStatus.Failed;
        }
        else
        {
            delivery.NextAttemptAt = now + options.BackoffAfter(delivery.Attempts);
        }
    }
}
