using Microsoft.EntityFrameworkCore;
using OrchestrationMaint.Core.Alerts;

namespace OrchestrationMaint.Core.Notifications;

/// <summary>The notification tables, kept beside the capability so the DbContext needs one line for them.</summary>
internal static class NotificationModel
{
    public const int NameMax = 100;
    public const int UrlMax = 2000;
    public const int RecipientsMax = 2000;
    public const int PayloadMax = 64_000;

    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<NotificationChannel>(channel =>
        {
            channel.ToTable("NotificationChannels");
            channel.Property(c => c.Name).HasMaxLength(NameMax);
            channel.HasIndex(c => c.Name).IsUnique();
            channel.Property(c => c.Type).HasConversion<string>().HasMaxLength(20);
            channel.Property(c => c.Url).HasMaxLength(UrlMax);
            channel.Property(c => c.Recipients).HasMaxLength(RecipientsMax);
            channel.Property(c => c.Kinds).HasMaxLength(500);
            channel.Property(c => c.UpdatedBy).HasMaxLength(200);
            channel.Ignore(c => c.KindList);
            channel.Ignore(c => c.MaskedTarget);
        });
        builder.Entity<NotificationDelivery>(delivery =>
        {
            delivery.ToTable("NotificationDeliveries");
            delivery.Property(d => d.ChannelName).HasMaxLength(NameMax);
            delivery.Property(d => d.Type).HasConversion<string>().HasMaxLength(20);
            delivery.Property(d => d.Kind).HasConversion<string>().HasMaxLength(20);
            delivery.Property(d => d.Change).HasConversion<string>().HasMaxLength(20);
            delivery.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
            delivery.Property(d => d.Subject).HasMaxLength(500);
            delivery.Property(d => d.Payload).HasMaxLength(PayloadMax);
            delivery.Property(d => d.Recipients).HasMaxLength(RecipientsMax);
            delivery.Property(d => d.LastError).HasMaxLength(1000);
            delivery.HasOne<NotificationChannel>().WithMany().HasForeignKey(d => d.ChannelId).OnDelete(DeleteBehavior.SetNull);
            delivery.HasOne(d => d.Alert).WithMany().HasForeignKey(d => d.AlertId).OnDelete(DeleteBehavior.SetNull);
            delivery.HasOne<NotificationDelivery>().WithMany().HasForeignKey(d => d.GroupId).OnDelete(DeleteBehavior.SetNull);
            // The worker's "what is due" and the log's newest-first pages, straight from indexes.
            delivery.HasIndex(d => new { d.Status, d.NextAttemptAt });
            delivery.HasIndex(d => new { d.ChannelId, d.Id });
        });
    }
}
