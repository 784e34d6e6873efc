using Microsoft.EntityFrameworkCore;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Notifications;
using OrchestrationMaint.Core.Records.Contacts;

namespace OrchestrationMaint.Core.Tests.Notifications;

/// <summary>Unacknowledged alerts go up the escalation levels on a fake clock; a real SMTP server receives the emails.</summary>
public sealed class AlertEscalatorTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<(NotificationHarness Harness, SmtpListener Smtp)> StartAsync()
    {
        var smtp = SmtpListener.Start();
        var harness = await NotificationHarness.StartAsync(options =>
            options.Smtp = new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, TlsMode = SmtpTlsMode.None, From = "maintenance@example.com" });
        await using var db = harness.Database.CreateDbContext();
        db.Contacts.AddRange(
            Contact(1, "Tina", ContactRole.Primary, "tina@example.com"),
            Contact(2, "Ann", ContactRole.Primary, "ann@example.com"),
            Contact(2, "Bob", ContactRole.Secondary, "bob@example.com"),
            Contact(2, "Gone", ContactRole.Emergency, "gone@example.com", active: false),
            Contact(3, "Carl", ContactRole.Primary, ""));
        await db.SaveChangesAsync(Token);
        return (harness, smtp);
    }

    private static EscalationContact Contact(int level, string name, ContactRole role, string email, bool active = true) =>
        new() { Level = level, Name = name, Role = role, Email = email, Active = active, UpdatedBy = "setup" };

    private static async Task<Alert> AlertAsync(NotificationHarness harness, long id)
    {
        await using var db = harness.Database.CreateDbContext();
        return await db.Alerts.AsNoTracking().Include(a => a.Events).SingleAsync(a => a.Id == id, Token);
    }

    [Fact]
    public async Task Escalator_FiringUnacknowledgedPastEscalateAfter_Level2ContactsEmailed()
    {
        var (harness, smtp) = await StartAsync();
        await using var _ = harness;
        await using var __ = smtp;
        await harness.AddChannelAsync("pager", ChannelType.Webhook, "http://127.0.0.1:9/never", d => d with { Changes = ChannelChanges.Escalated, Enabled = true });
        var alert = await harness.FireAsync();

        harness.Clock.Now = NotificationHarness.Start.AddMinutes(29);
        Assert.Equal(0, await harness.Escalator.RunOnceAsync(Token));
        harness.Clock.Now = NotificationHarness.Start.AddMinutes(30);
        Assert.Equal(1, await harness.Escalator.RunOnceAsync(Token));
        await harness.Worker.RunDueAsync(Token);

        var stored = await AlertAsync(harness, alert.Id);
        Assert.Equal(2, stored.EscalationLevel);
        Assert.Equal(harness.Clock.Now, stored.EscalatedAt);
        var escalated = Assert.Single(stored.Events, e => e.Kind == AlertEventKind.Escalated);
        Assert.Equal("sent to level 2: Ann, Bob", escalated.Note);
        var mail = Assert.Single(smtp.Messages);
        Assert.Equal(["ann@example.com", "bob@example.com"], mail.To.Mailboxes.Select(m => m.Address).ToList());
        Assert.Contains("ESCALATED to level 2", mail.Subject, StringComparison.Ordinal);
        var rows = await harness.DeliveriesAsync();
        Assert.Contains(rows, d => d.ChannelName == "Level 2 contacts" && d.Status == DeliveryStatus.Delivered);
        Assert.Contains(rows, d => d.ChannelName == "pager" && d.Change == AlertChange.Escalated);
    }

    [Fact]
    public async Task Escalator_AcknowledgedBeforeEscalateAfter_NotEscalated()
    {
        var (harness, smtp) = await StartAsync();
        await using var _ = harness;
        await using var __ = smtp;
        var alert = await harness.FireAsync();
        await using (var db = harness.Database.CreateDbContext())
        {
            await db.Alerts.Where(a => a.Id == alert.Id).ExecuteUpdateAsync(set => set
                .SetProperty(a => a.State, AlertState.Acknowledged).SetProperty(a => a.AcknowledgedBy, "ann"), Token);
        }

        harness.Clock.Now = NotificationHarness.Start.AddHours(5);
        Assert.Equal(0, await harness.Escalator.RunOnceAsync(Token));

        var stored = await AlertAsync(harness, alert.Id);
        Assert.Equal(1, stored.EscalationLevel);
        Assert.DoesNotContain(stored.Events, e => e.Kind == AlertEventKind.Escalated);
        Assert.Empty(await harness.DeliveriesAsync());
    }

    [Fact]
    public async Task Escalator_NeverAcknowledged_CappedAtLevel3AndSaysWhenALevelHasNoEmail()
    {
        var (harness, smtp) = await StartAsync();
        await using var _ = harness;
        await using var __ = smtp;
        var alert = await harness.FireAsync();

        for (var step = 1; step <= 5; step++)
        {
            harness.Clock.Now = NotificationHarness.Start.AddMinutes(30 * step);
            await harness.Escalator.RunOnceAsync(Token);
        }

        var stored = await AlertAsync(harness, alert.Id);
        Assert.Equal(3, stored.EscalationLevel);
        Assert.Equal(NotificationHarness.Start.AddMinutes(60), stored.EscalatedAt);
        Assert.Equal(["sent to level 2: Ann, Bob", "level 3 has no contact with an email (Carl): nobody was emailed; the channels were told"],
            stored.Events.Where(e => e.Kind == AlertEventKind.Escalated).OrderBy(e => e.Id).Select(e => e.Note).ToList());
    }

    [Fact]
    public async Task Escalator_AlertInsideAMaintenanceWindow_NeverEscalated()
    {
        var (harness, smtp) = await StartAsync();
        await using var _ = harness;
        await using var __ = smtp;
        var expected = NotificationHarness.NewAlert();
        expected.ExpectedBecause = "maintenance window #1";
        expected.Notified = false;
        await harness.FireAsync(expected);

        harness.Clock.Now = NotificationHarness.Start.AddHours(2);

        Assert.Equal(0, await harness.Escalator.RunOnceAsync(Token));
    }

    [Fact]
    public async Task Escalator_AcknowledgedBetweenReadingAndEscalating_TheAcknowledgeWinsAndNothingIsSent()
    {
        var (harness, smtp) = await StartAsync();
        await using var _ = harness;
        await using var __ = smtp;
        var alert = await harness.FireAsync();
        var readBeforeTheAcknowledge = await AlertAsync(harness, alert.Id);
        await using (var db = harness.Database.CreateDbContext())
        {
            await db.Alerts.Where(a => a.Id == alert.Id).ExecuteUpdateAsync(set => set.SetProperty(a => a.State, AlertState.Acknowledged), Token);
        }

        Assert.False(await harness.Escalator.EscalateAsync(readBeforeTheAcknowledge, NotificationHarness.Start.AddHours(1), Token));

        var stored = await AlertAsync(harness, alert.Id);
        Assert.Equal((AlertState.Acknowledged, 1, (DateTimeOffset?)null), (stored.State, stored.EscalationLevel, stored.EscalatedAt));
        Assert.DoesNotContain(stored.Events, e => e.Kind == AlertEventKind.Escalated);
        Assert.Empty(await harness.DeliveriesAsync());
    }
}
