using OrchestrationMaint.Core.Notifications;

namespace OrchestrationMaint.Core.Tests.Notifications;

/// <summary>Email channels against a real SMTP server listening on the loopback interface.</summary>
public sealed class EmailDeliveryTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Action<NotificationOptions> Smtp(SmtpListener smtp, int maxAttempts = 6) => options =>
    {
        options.MaxAttempts = maxAttempts;
        options.Smtp = new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, TlsMode = SmtpTlsMode.None, From = "maintenance@example.com" };
    };

    [Fact]
    public async Task Email_AlertFired_ArrivesWithSubjectBodyAndEveryRecipient()
    {
        await using var smtp = SmtpListener.Start();
        await using var harness = await NotificationHarness.StartAsync(Smtp(smtp));
        await harness.AddChannelAsync("on-call mail", ChannelType.Email, "ann@example.com, bob@example.com");
        var alert = await harness.FireAsync();

        await harness.Worker.RunDueAsync(Token);

        var delivery = await harness.OnlyDeliveryAsync();
        Assert.True(delivery.Status == DeliveryStatus.Delivered, delivery.LastError);
        var message = Assert.Single(smtp.Messages);
        Assert.Equal($"[OrchestrationMaint] FIRING · Critical · {alert.Title}", message.Subject);
        Assert.Equal(["ann@example.com", "bob@example.com"], message.To.Mailboxes.Select(m => m.Address).ToList());
        Assert.Equal("maintenance@example.com", message.From.Mailboxes.Single().Address);
        Assert.Contains(alert.Message, message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_ServerRefusesWith550_FailedWithTheServersReason()
    {
        await using var smtp = SmtpListener.Start(refuse: true);
        await using var harness = await NotificationHarness.StartAsync(Smtp(smtp, maxAttempts: 1));
        await harness.AddChannelAsync("mail", ChannelType.Email, "ann@example.com");
        await harness.FireAsync();

        await harness.Worker.RunDueAsync(Token);

        var delivery = await harness.OnlyDeliveryAsync();
        Assert.Equal(DeliveryStatus.Failed, delivery.Status);
        Assert.StartsWith("SMTP refused: 550 ", delivery.LastError, StringComparison.Ordinal);
        Assert.Contains("relaying denied", delivery.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_NoSmtpConfigured_SendTestSaysWhereToConfigureIt()
    {
        await using var harness = await NotificationHarness.StartAsync();
        var channel = await harness.AddChannelAsync("mail", ChannelType.Email, "ann@example.com");

        var outcome = await harness.Center.SendTestAsync(channel.Id, harness.Admin, Token);

        Assert.False(outcome.Delivered);
        Assert.Contains("Notifications:Smtp:Host", outcome.Message, StringComparison.Ordinal);
        Assert.NotNull(harness.Center.SmtpMissing);
    }
}
