using Microsoft.EntityFrameworkCore;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Notifications;

namespace OrchestrationMaint.Core.Tests.Notifications;

/// <summary>Channel settings: bad input refused with a sentence, Admin-only changes, and what happens to queued deliveries.</summary>
public sealed class NotificationChannelTests : IAsyncLifetime
{
    private NotificationHarness _harness = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _harness = await NotificationHarness.StartAsync();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Theory]
    [InlineData(ChannelType.Webhook, "ftp://hooks.example.com/x", "", "Url", "URL 'ftp://hooks.example.com/x' is not an absolute http:// or https:// address.")]
    [InlineData(ChannelType.Slack, "/services/T0/B0/x", "", "Url", "URL '/services/T0/B0/x' is not an absolute http:// or https:// address.")]
    [InlineData(ChannelType.Webhook, "", "", "Url", "URL is required: the webhook address to POST to (https://…).")]
    [InlineData(ChannelType.Email, "", "ann@example.com, not-an-address", "Recipients", "Recipients: 'not-an-address' is not an email address.")]
    [InlineData(ChannelType.Email, "", " ", "Recipients", "Recipients: enter at least one email address (several separated by commas).")]
    public async Task Save_BadTarget_RefusedWithASentenceAtTheFieldAndNothingStored(ChannelType type, string url, string recipients, string field, string message)
    {
        var result = await _harness.Center.SaveAsync(null, ChannelDraft.New with { Name = "ops", Type = type, Url = url, Recipients = recipients }, _harness.Admin, Token);

        var error = Assert.Single(result.Errors);
        Assert.Equal((field, message), (error.Field, error.Message));
        Assert.Empty(await _harness.Center.ChannelsAsync(Token));
    }

    [Fact]
    public async Task Save_NoChangeChosenAndADuplicateName_BothExplained()
    {
        await _harness.AddChannelAsync("ops", ChannelType.Webhook, "https://hooks.example.com/a");

        var none = await _harness.Center.SaveAsync(null, ChannelDraft.New with { Name = "other", Url = "https://x.example/", Changes = ChannelChanges.None }, _harness.Admin, Token);
        var duplicate = await _harness.Center.SaveAsync(null, ChannelDraft.New with { Name = " ops ", Url = "https://x.example/" }, _harness.Admin, Token);

        Assert.Equal("Changes", Assert.Single(none.Errors).Field);
        Assert.Equal("A channel named 'ops' already exists: choose another name.", Assert.Single(duplicate.Errors).Message);
        Assert.Single(await _harness.Center.ChannelsAsync(Token));
    }

    [Fact]
    public async Task Save_ChannelDeletedMeanwhile_RefusedWithASentenceNotAnException()
    {
        var channel = await _harness.AddChannelAsync("ops", ChannelType.Webhook, "https://hooks.example.com/a");
        Assert.True(await _harness.Center.DeleteAsync(channel.Id, _harness.Admin, Token));

        var late = await _harness.Center.SaveAsync(channel.Id, ChannelDraft.New with { Name = "ops", Url = "https://hooks.example.com/b" }, _harness.Admin, Token);

        Assert.False(late.Succeeded);
        Assert.StartsWith("This channel was deleted meanwhile", Assert.Single(late.Errors).Message, StringComparison.Ordinal);
        Assert.Empty(await _harness.Center.ChannelsAsync(Token));
    }

    [Fact]
    public void GroupedMessage_FloodOfThirty_ListsTwentyAndCountsTheRestForEveryType()
    {
        var members = Enumerable.Range(1, 30).Select(i => new NotificationDelivery
        {
            ChannelName = "ops", Type = ChannelType.Webhook, Subject = $"FIRING · Warning · Scheduled run failed: job {i}",
            Payload = $"{{\"type\":\"alert\",\"alert\":{{\"key\":\"schedule:{i}\"}}}}",
        }).ToList();

        var slack = NotificationPayloads.ForGroup(ChannelType.Slack, members, NotificationHarness.Start);
        var email = NotificationPayloads.ForGroup(ChannelType.Email, members, NotificationHarness.Start);
        var webhook = System.Text.Json.JsonDocument.Parse(NotificationPayloads.ForGroup(ChannelType.Webhook, members, NotificationHarness.Start).Payload).RootElement;

        Assert.Contains("…and 10 more: see the delivery log", slack.Payload, StringComparison.Ordinal);
        Assert.Contains("job 20", slack.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain("job 21", slack.Payload, StringComparison.Ordinal);
        Assert.Contains("…and 10 more", email.Payload, StringComparison.Ordinal);
        Assert.Equal((30, 20, 20), (webhook.GetProperty("count").GetInt32(), webhook.GetProperty("listed").GetInt32(), webhook.GetProperty("items").GetArrayLength()));
    }

    [Fact]
    public async Task Save_ByAnOperator_RefusedAndAudited()
    {
        var otto = await _harness.Database.OperatorAsync("otto");

        var refused = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            _harness.Center.SaveAsync(null, ChannelDraft.New with { Name = "ops", Url = "https://hooks.example.com/a" }, otto, Token));

        Assert.Contains("needs the Admin role; otto has Operator", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await _harness.Center.ChannelsAsync(Token));
        await using var db = _harness.Database.CreateDbContext();
        Assert.Single(await db.AuditEntries.Where(e => e.Action == "notification-channel.added" && e.Outcome == AuditOutcome.Denied).ToListAsync(Token));
    }

    [Fact]
    public void MaskedTarget_SlackUrl_ShowsOnlyTheHostAndTheLastCharacters()
    {
        var channel = new NotificationChannel { Name = "slack", Type = ChannelType.Slack, Url = "https://hooks.slack.com/services/T0001/B0002/XXXXsecretYYYY", UpdatedBy = "ann" };

        Assert.Equal("https://hooks.slack.com/…YYYY", channel.MaskedTarget);
    }

    [Fact]
    public async Task Delete_ChannelWithQueuedDeliveries_TheyAreMarkedFailedAndTheLogKeepsTheName()
    {
        var channel = await _harness.AddChannelAsync("doomed", ChannelType.Webhook, "http://127.0.0.1:9/hook");
        await _harness.FireAsync();

        Assert.True(await _harness.Center.DeleteAsync(channel.Id, _harness.Admin, Token));

        var delivery = await _harness.OnlyDeliveryAsync();
        Assert.Equal((DeliveryStatus.Failed, "the channel was deleted", "doomed", (long?)null), (delivery.Status, delivery.LastError, delivery.ChannelName, delivery.ChannelId));
        Assert.False(await _harness.Center.RetryAsync(delivery.Id, _harness.Admin, Token));
    }

    [Fact]
    public async Task Disable_ChannelWithQueuedDeliveries_NotSentButFailedWithHowToSendThem()
    {
        var channel = await _harness.AddChannelAsync("paused", ChannelType.Webhook, "http://127.0.0.1:9/hook");
        await _harness.FireAsync();
        await _harness.Center.SetEnabledAsync(channel.Id, false, _harness.Admin, Token);

        await _harness.Worker.RunDueAsync(Token);

        var delivery = await _harness.OnlyDeliveryAsync();
        Assert.Equal(DeliveryStatus.Failed, delivery.Status);
        Assert.Equal(0, delivery.Attempts);
        Assert.StartsWith("the channel is disabled", delivery.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliveriesPage_FilteredByStatusAndChannel_NewestFirstInPagesOf25()
    {
        var a = await _harness.AddChannelAsync("a", ChannelType.Webhook, "http://127.0.0.1:9/a");
        await _harness.AddChannelAsync("b", ChannelType.Webhook, "http://127.0.0.1:9/b");
        for (var i = 0; i < 30; i++)
        {
            await _harness.FireAsync(NotificationHarness.NewAlert($"disk:/{i}", AlertLevel.Warning, AlertKind.DiskUsage));
        }

        var first = await _harness.Center.DeliveriesAsync(DeliveryStatus.Pending, a.Id, 1, Token);
        var second = await _harness.Center.DeliveriesAsync(DeliveryStatus.Pending, a.Id, 2, Token);
        var failed = await _harness.Center.DeliveriesAsync(DeliveryStatus.Failed, null, 1, Token);

        Assert.Equal((30, 2, 25, 5), (first.Total, first.Pages, first.Rows.Count, second.Rows.Count));
        Assert.All(first.Rows.Concat(second.Rows), d => Assert.Equal("a", d.ChannelName));
        var ids = first.Rows.Concat(second.Rows).Select(d => d.Id).ToList();
        Assert.Equal(ids.OrderDescending(), ids);
        Assert.Equal(0, failed.Total);
    }

    [Fact]
    public void OptionsValidator_SmtpHostWithoutFromAndAZeroBackoff_EachNamedWithItsKey()
    {
        var result = new NotificationOptionsValidator().Validate(null, new NotificationOptions
        {
            Smtp = new SmtpOptions { Host = "smtp.example.com" },
            Backoff = [TimeSpan.FromSeconds(30), TimeSpan.Zero],
            MaxAttempts = 0,
        });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Notifications:Smtp:From is ''", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Notifications:Backoff has a wait of zero", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Notifications:MaxAttempts is 0", StringComparison.Ordinal));
        Assert.True(new NotificationOptionsValidator().Validate(null, new NotificationOptions()).Succeeded);
    }
}
