using System.Text.Json;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Notifications;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Notifications;

/// <summary>Webhook and Slack deliveries against a real HTTP endpoint on Kestrel.</summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private NotificationHarness _harness = null!;
    private WebhookListener _listener = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _harness = await NotificationHarness.StartAsync();
        _listener = await WebhookListener.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task Webhook_AlertFired_PostsGenericJsonWithTheAlertsFields()
    {
        await _harness.AddChannelAsync("ops hook", ChannelType.Webhook, _listener.Url());
        var alert = await _harness.FireAsync();

        await _harness.Worker.RunDueAsync(Token);

        var request = Assert.Single(_listener.Received);
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        var json = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("alert", json.GetProperty("type").GetString());
        Assert.Equal("fired", json.GetProperty("change").GetString());
        Assert.Equal("success-rate", json.GetProperty("alert").GetProperty("key").GetString());
        Assert.Equal("Critical", json.GetProperty("alert").GetProperty("level").GetString());
        Assert.Equal("SuccessRate", json.GetProperty("alert").GetProperty("kind").GetString());
        Assert.Equal(alert.Message, json.GetProperty("alert").GetProperty("message").GetString());
        Assert.Equal("2026-11-30T03:00:00Z", json.GetProperty("alert").GetProperty("firedAt").GetString());
        var delivery = await _harness.OnlyDeliveryAsync();
        Assert.Equal(DeliveryStatus.Delivered, delivery.Status);
        Assert.Equal(alert.Id, delivery.AlertId);
        Assert.Equal(1, delivery.Attempts);
        // What the log shows is byte for byte what was sent.
        Assert.Equal(delivery.Payload, request.Body);
    }

    [Fact]
    public async Task Slack_CriticalAlertFired_PostsTextAndRedAttachmentWithEscapedBlocks()
    {
        await _harness.AddChannelAsync("slack", ChannelType.Slack, _listener.Url("/services/T0/B0/secret"));
        var alert = NotificationHarness.NewAlert();
        alert.Message = "Rate fell <5 minutes> after deploy & restart";
        await _harness.FireAsync(alert);

        await _harness.Worker.RunDueAsync(Token);

        var json = JsonDocument.Parse(Assert.Single(_listener.Received).Body).RootElement;
        Assert.StartsWith("FIRING · Critical · Success rate below 95 %", json.GetProperty("text").GetString(), StringComparison.Ordinal);
        var attachment = json.GetProperty("attachments")[0];
        Assert.Equal("#d32f2f", attachment.GetProperty("color").GetString());
        var section = attachment.GetProperty("blocks")[0];
        Assert.Equal("section", section.GetProperty("type").GetString());
        Assert.Equal("mrkdwn", section.GetProperty("text").GetProperty("type").GetString());
        Assert.Contains("Rate fell &lt;5 minutes&gt; after deploy &amp; restart", section.GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("context", attachment.GetProperty("blocks")[1].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Webhook_500ThenOk_RetriedAfterTheBackoffAndDelivered()
    {
        _listener.Reply = n => n == 1 ? new WebhookReply(500) : WebhookReply.Ok;
        await _harness.AddChannelAsync("hook", ChannelType.Webhook, _listener.Url());
        await _harness.FireAsync();

        await _harness.Worker.RunDueAsync(Token);
        var failed = await _harness.OnlyDeliveryAsync();
        Assert.Equal(DeliveryStatus.Pending, failed.Status);
        Assert.Equal("HTTP 500 from 127.0.0.1", failed.LastError);
        Assert.Equal(NotificationHarness.Start.AddSeconds(30), failed.NextAttemptAt);

        // Not due yet: nothing is sent before the backoff ends.
        _harness.Clock.Now = NotificationHarness.Start.AddSeconds(29);
        await _harness.Worker.RunDueAsync(Token);
        Assert.Single(_listener.Received);

        _harness.Clock.Now = NotificationHarness.Start.AddSeconds(30);
        await _harness.Worker.RunDueAsync(Token);
        var delivered = await _harness.OnlyDeliveryAsync();
        Assert.Equal(DeliveryStatus.Delivered, delivered.Status);
        Assert.Equal(2, delivered.Attempts);
        Assert.Equal(NotificationHarness.Start.AddSeconds(30), delivered.DeliveredAt);
        Assert.Equal(2, _listener.Received.Count);
    }

    [Fact]
    public async Task Backoff_EveryAttemptFails_WaitsThirtySecondsTwoTenThirtyMinutesAnHourThenFailedAfterSixAttempts()
    {
        _listener.Reply = _ => new WebhookReply(503);
        await _harness.AddChannelAsync("hook", ChannelType.Webhook, _listener.Url());
        await _harness.FireAsync();
        var waits = new List<TimeSpan>();

        for (var attempt = 1; attempt <= 6; attempt++)
        {
            await _harness.Worker.RunDueAsync(Token);
            var delivery = await _harness.OnlyDeliveryAsync();
            Assert.Equal(attempt, delivery.Attempts);
            if (delivery.Status == DeliveryStatus.Failed)
            {
                break;
            }

            waits.Add(delivery.NextAttemptAt - _harness.Clock.Now);
            _harness.Clock.Now = delivery.NextAttemptAt;
        }

        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1)], waits);
        var last = await _harness.OnlyDeliveryAsync();
        Assert.Equal(DeliveryStatus.Failed, last.Status);
        Assert.Equal(6, last.Attempts);
        Assert.Equal("HTTP 503 from 127.0.0.1", last.LastError);
        Assert.Equal(6, _listener.Received.Count);

        // Failed for good: the worker leaves it alone however late it gets.
        _harness.Clock.Now = _harness.Clock.Now.AddDays(1);
        await _harness.Worker.RunDueAsync(Token);
        Assert.Equal(6, _listener.Received.Count);
    }

    [Fact]
    public async Task Webhook_SlowerThanTheAttemptTimeout_RecordedAsTimedOut()
    {
        _listener.Reply = _ => new WebhookReply(200, TimeSpan.FromSeconds(20));
        await _harness.AddChannelAsync("slow", ChannelType.Webhook, _listener.Url());
        await _harness.FireAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await _harness.Worker.RunDueAsync(Token);

        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
        var delivery = await _harness.OnlyDeliveryAsync();
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.Equal("timed out after 2 s", delivery.LastError);
    }

    [Fact]
    public async Task Webhook_RedirectedElsewhere_NotFollowedAndTheErrorSaysWhere()
    {
        _listener.Reply = n => n == 1 ? new WebhookReply(302, Location: "https://elsewhere.example/hook") : WebhookReply.Ok;
        await _harness.AddChannelAsync("moved", ChannelType.Webhook, _listener.Url());
        await _harness.FireAsync();

        await _harness.Worker.RunDueAsync(Token);

        Assert.Single(_listener.Received);
        var delivery = await _harness.OnlyDeliveryAsync();
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.Equal("redirected to https://elsewhere.example/hook (webhooks are not followed to another address; fix the URL)", delivery.LastError);
    }

    [Fact]
    public async Task Flood_FifteenAlertsAtALimitOfTen_NineSentAloneSixInOneGroupedMessageAndEveryRowDelivered()
    {
        await _harness.AddChannelAsync("hook", ChannelType.Webhook, _listener.Url());
        for (var i = 1; i <= 15; i++)
        {
            await _harness.FireAsync(NotificationHarness.NewAlert($"disk:/vol{i}", AlertLevel.Warning, AlertKind.DiskUsage));
        }

        await _harness.Worker.RunDueAsync(Token);

        Assert.Equal(10, _listener.Received.Count);
        var grouped = JsonDocument.Parse(_listener.Received[^1].Body).RootElement;
        Assert.Equal("group", grouped.GetProperty("type").GetString());
        Assert.Equal(6, grouped.GetProperty("count").GetInt32());
        Assert.Equal([.. Enumerable.Range(10, 6).Select(i => $"disk:/vol{i}")],
            grouped.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("alert").GetProperty("key").GetString()).ToList());
        var rows = await _harness.DeliveriesAsync();
        var group = Assert.Single(rows, d => d.Kind == DeliveryKind.Group);
        Assert.Equal(DeliveryStatus.Delivered, group.Status);
        Assert.StartsWith("6 alerts changed: ", group.Subject, StringComparison.Ordinal);
        var alertRows = rows.Where(d => d.Kind == DeliveryKind.Alert).ToList();
        Assert.Equal(15, alertRows.Count);
        Assert.All(alertRows, d => Assert.Equal(DeliveryStatus.Delivered, d.Status));
        Assert.Equal(6, alertRows.Count(d => d.GroupId == group.Id));

        // The limit holds for the rest of the minute: the next alert waits for a free slot.
        await _harness.FireAsync(NotificationHarness.NewAlert("disk:/late", AlertLevel.Warning, AlertKind.DiskUsage));
        await _harness.Worker.RunDueAsync(Token);
        Assert.Equal(10, _listener.Received.Count);
        var late = (await _harness.DeliveriesAsync())[^1];
        Assert.Equal(DeliveryStatus.Pending, late.Status);
        Assert.Equal(NotificationHarness.Start.AddMinutes(1), late.NextAttemptAt);
        _harness.Clock.Now = late.NextAttemptAt;
        await _harness.Worker.RunDueAsync(Token);
        Assert.Equal(11, _listener.Received.Count);
    }

    [Fact]
    public async Task Restart_DeliveriesPendingWhenTheAppStopped_SentByTheNextWorker()
    {
        _listener.Reply = n => n == 1 ? new WebhookReply(500) : WebhookReply.Ok;
        await _harness.AddChannelAsync("hook", ChannelType.Webhook, _listener.Url());
        await _harness.FireAsync();
        await _harness.Worker.RunDueAsync(Token);
        await _harness.FireAsync(NotificationHarness.NewAlert("check:git", AlertLevel.Warning, AlertKind.HealthCheck));

        // A new process: a fresh worker over the same database file, started as a hosted service.
        var restarted = _harness.NewWorker();
        _harness.Clock.Now = NotificationHarness.Start.AddMinutes(1);
        await restarted.StartAsync(Token);
        await _listener.WaitForAsync(3);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<NotificationDelivery> rows;
        while ((rows = await _harness.DeliveriesAsync()).Any(d => d.Status != DeliveryStatus.Delivered) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Token);
        }

        await restarted.StopAsync(Token);
        Assert.All(rows, d => Assert.Equal(DeliveryStatus.Delivered, d.Status));
        Assert.Equal(["success-rate", "success-rate", "check:git"],
            _listener.Received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("alert").GetProperty("key").GetString()).ToList());
    }

    [Fact]
    public async Task DeadEndpoint_TimesOutOnOneChannel_TheOtherChannelIsDeliveredMeanwhile()
    {
        await using var dead = await WebhookListener.StartAsync();
        dead.Reply = _ => new WebhookReply(200, TimeSpan.FromSeconds(30));
        await _harness.AddChannelAsync("dead", ChannelType.Webhook, dead.Url());
        await _harness.AddChannelAsync("alive", ChannelType.Webhook, _listener.Url());
        await _harness.FireAsync();
        await _harness.Worker.StartAsync(Token);
        _harness.Worker.Wake();

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await _listener.WaitForAsync(1);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"the live channel waited {watch.Elapsed} for the dead one");
        await dead.WaitForAsync(1);
        await _harness.Worker.StopAsync(Token);
    }

    [Fact]
    public async Task AddDeliveries_ChannelFilters_OnlyTheChannelsThatWantTheChangeQueueIt()
    {
        await _harness.AddChannelAsync("everything", ChannelType.Webhook, _listener.Url());
        await _harness.AddChannelAsync("critical disk", ChannelType.Webhook, _listener.Url(), d => d with { CriticalOnly = true, Kinds = [AlertKind.DiskUsage] });
        await _harness.AddChannelAsync("acks only", ChannelType.Webhook, _listener.Url(), d => d with { Changes = ChannelChanges.Acknowledged });
        await _harness.AddChannelAsync("off", ChannelType.Webhook, _listener.Url(), d => d with { Enabled = false });

        await _harness.FireAsync(NotificationHarness.NewAlert("disk:/", AlertLevel.Warning, AlertKind.DiskUsage));
        await _harness.FireAsync(NotificationHarness.NewAlert("disk:/var", AlertLevel.Critical, AlertKind.DiskUsage));
        var expected = NotificationHarness.NewAlert("success-rate");
        expected.ExpectedBecause = "maintenance window #3";
        await _harness.FireAsync(expected);

        var rows = await _harness.DeliveriesAsync();
        Assert.Equal(["everything", "everything", "critical disk"], rows.Select(d => d.ChannelName).ToList());
    }

    [Fact]
    public async Task SendTest_ReachableEndpoint_DeliveredAndLoggedOnce()
    {
        var channel = await _harness.AddChannelAsync("hook", ChannelType.Webhook, _listener.Url());

        var outcome = await _harness.Center.SendTestAsync(channel.Id, _harness.Admin, Token);

        Assert.True(outcome.Delivered, outcome.Message);
        var json = JsonDocument.Parse(Assert.Single(_listener.Received).Body).RootElement;
        Assert.Equal("test", json.GetProperty("type").GetString());
        Assert.Contains("ann pressed", json.GetProperty("text").GetString(), StringComparison.Ordinal);
        var row = await _harness.OnlyDeliveryAsync();
        Assert.Equal((DeliveryKind.Test, DeliveryStatus.Delivered), (row.Kind, row.Status));
        // Already final: the worker does not send it again.
        await _harness.Worker.RunDueAsync(Token);
        Assert.Single(_listener.Received);
    }

    [Fact]
    public async Task RetryNow_FailedDelivery_SentAgainAtOnceWithFreshAttempts()
    {
        _harness.Options.MaxAttempts = 1;
        _listener.Reply = n => n == 1 ? new WebhookReply(500) : WebhookReply.Ok;
        await _harness.AddChannelAsync("hook", ChannelType.Webhook, _listener.Url());
        await _harness.FireAsync();
        await _harness.Worker.RunDueAsync(Token);
        var failed = await _harness.OnlyDeliveryAsync();
        Assert.Equal(DeliveryStatus.Failed, failed.Status);

        var viewer = await _harness.Database.AddUserAsync("vic", Role.Viewer);
        await Assert.ThrowsAsync<AccessDeniedException>(() => _harness.Center.RetryAsync(failed.Id, viewer, Token));
        Assert.True(await _harness.Center.RetryAsync(failed.Id, await _harness.Database.OperatorAsync("otto"), Token));
        await _harness.Worker.RunDueAsync(Token);

        Assert.Equal(DeliveryStatus.Delivered, (await _harness.OnlyDeliveryAsync()).Status);
    }
}
