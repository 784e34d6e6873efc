using Microsoft.EntityFrameworkCore;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records;

namespace OrchestrationMaint.Core.Records.Checklist;

/// <summary>The checklist's tables, kept here so MaintenanceDbContext needs one line for them.</summary>
public static class ChecklistModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ChecklistItem>(item =>
        {
            item.ToTable("ChecklistItems");
            item.Property(i => i.Title).HasMaxLength(ChecklistItem.TitleMax);
            item.Property(i => i.Guidance).HasMaxLength(ChecklistItem.GuidanceMax);
            item.Property(i => i.Cadence).HasConversion<string>().HasMaxLength(20);
            item.Property(i => i.TaskKey).HasMaxLength(100);
            item.Property(i => i.Source).HasMaxLength(300);
            item.Property(i => i.SeedKey).HasMaxLength(100);
            item.Property(i => i.CreatedBy).HasMaxLength(200);
            item.Property(i => i.UpdatedBy).HasMaxLength(200);
            item.Property(i => i.RetiredBy).HasMaxLength(200);
            item.Property(i => i.Version).IsConcurrencyToken();
            item.HasIndex(i => i.SeedKey).IsUnique();
            item.HasIndex(i => new { i.RetiredAt, i.SortOrder });
        });
        modelBuilder.Entity<ChecklistTick>(tick =>
        {
            tick.ToTable("ChecklistTicks");
            tick.Property(t => t.Cadence).HasConversion<string>().HasMaxLength(20);
            tick.Property(t => t.PeriodKey).HasMaxLength(20);
            tick.Property(t => t.ItemTitle).HasMaxLength(ChecklistItem.TitleMax);
            tick.Property(t => t.TickedBy).HasMaxLength(200);
            tick.Property(t => t.Note).HasMaxLength(ChecklistTick.NoteMax);
            tick.Property(t => t.RunTaskKey).HasMaxLength(100);
            tick.Property(t => t.UntickedBy).HasMaxLength(200);
            tick.HasOne<ChecklistItem>().WithMany().HasForeignKey(t => t.ItemId).OnDelete(DeleteBehavior.Restrict);
            // Maintenance records are never deleted, so this link cannot dangle.
            tick.HasOne<MaintenanceRecord>().WithMany().HasForeignKey(t => t.MaintenanceRecordId).OnDelete(DeleteBehavior.Restrict);
            // One live tick per item and period, whatever two browsers do at the same moment; unticked rows stay beside it.
            tick.HasIndex(t => new { t.ItemId, t.PeriodKey }).IsUnique().HasFilter("\"UntickedAt\" IS NULL");
            tick.HasIndex(t => new { t.ItemId, t.TickedAt });
            tick.HasIndex(t => t.RunId);
        });
        // "The newest run of a task that succeeded in this period" (the one-click tick, auto-tick's catch-up) is an index seek.
        modelBuilder.Entity<TaskRun>().HasIndex(r => new { r.TaskKey, r.State, r.FinishedAt });
    }
}
