using Microsoft.EntityFrameworkCore;

namespace OrchestrationMaint.Core.Alerts;

/// <summary>The alerts' tables, kept beside the capability so the DbContext needs one line for them.</summary>
public static class AlertModel
{
    public const int TitleMax = 200;
    public const int MessageMax = 2000;
    public const int NoteMax = 2000;

    internal static void Configure(ModelBuilder builder)
    {
        builder.Entity<Alert>(alert =>
        {
            alert.ToTable("Alerts");
            alert.Property(a => a.Key).HasMaxLength(300);
            alert.Property(a => a.Kind).HasConversion<string>().HasMaxLength(30);
            alert.Property(a => a.Level).HasConversion<string>().HasMaxLength(20);
            alert.Property(a => a.State).HasConversion<string>().HasMaxLength(20);
            alert.Property(a => a.Title).HasMaxLength(TitleMax);
            alert.Property(a => a.Message).HasMaxLength(MessageMax);
            alert.Property(a => a.ExpectedBecause).HasMaxLength(300);
            alert.Property(a => a.AcknowledgedBy).HasMaxLength(200);
            alert.Property(a => a.AcknowledgeNote).HasMaxLength(NoteMax);
            // SQLite itself refuses a second open alert for one condition, whatever races the engine.
            alert.HasIndex(a => a.Key).IsUnique().HasFilter("\"State\" <> 'Resolved'").HasDatabaseName("IX_Alerts_Key_Open");
            alert.HasIndex(a => new { a.State, a.FiredAt });
            alert.HasIndex(a => a.FiredAt);
            alert.HasMany(a => a.Events).WithOne().HasForeignKey(e => e.AlertId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<AlertEvent>(alertEvent =>
        {
            alertEvent.ToTable("AlertEvents");
            alertEvent.Property(e => e.Kind).HasConversion<string>().HasMaxLength(30);
            alertEvent.Property(e => e.By).HasMaxLength(200);
            alertEvent.Property(e => e.Note).HasMaxLength(NoteMax);
            alertEvent.HasIndex(e => new { e.AlertId, e.Id });
        });
    }
}
