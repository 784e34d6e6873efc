using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Backups;
using OrchestrationMaint.Core.Notifications;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Records.Contacts;
using OrchestrationMaint.Core.Records.Incidents;
using OrchestrationMaint.Core.Records.Checklist;
using OrchestrationMaint.Core.Reports;
using OrchestrationMaint.Core.Scheduling;

namespace OrchestrationMaint.Core.Persistence;

/// <remarks>Accounts (Identity's user tables, no role tables: one role per account) share the database with everything else.</remarks>
public sealed class MaintenanceDbContext(DbContextOptions<MaintenanceDbContext> options) : IdentityUserContext<AppUser>(options)
{
    public const string MigrationsAssembly = "OrchestrationMaint.Migrations";

    public DbSet<AppSetting> Settings => Set<AppSetting>();

    public DbSet<MetricsState> MetricsStates => Set<MetricsState>();

    public DbSet<TaskRun> Runs => Set<TaskRun>();

    public DbSet<RunOutput> RunOutputs => Set<RunOutput>();

    public DbSet<MaintenanceRecord> MaintenanceRecords => Set<MaintenanceRecord>();

    public DbSet<Schedule> Schedules => Set<Schedule>();

    public DbSet<MaintenanceWindow> MaintenanceWindows => Set<MaintenanceWindow>();

    public DbSet<BackupRecord> Backups => Set<BackupRecord>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<EscalationContact> Contacts => Set<EscalationContact>();

    public DbSet<Incident> Incidents => Set<Incident>();

    public DbSet<IncidentStep> IncidentSteps => Set<IncidentStep>();

    public DbSet<IncidentEvent> IncidentEvents => Set<IncidentEvent>();
    public DbSet<ChecklistItem> ChecklistItems => Set<ChecklistItem>();

    public DbSet<ChecklistTick> ChecklistTicks => Set<ChecklistTick>();

    public DbSet<Alert> Alerts => Set<Alert>();

    public DbSet<AlertEvent> AlertEvents => Set<AlertEvent>();

    public DbSet<NotificationChannel> NotificationChannels => Set<NotificationChannel>();

    public DbSet<NotificationDelivery> NotificationDeliveries => Set<NotificationDelivery>();

    public DbSet<ReportSnapshot> ReportSnapshots => Set<ReportSnapshot>();

    public DbSet<DiskSample> DiskSamples => Set<DiskSample>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<AppUser>(user => user.Property(u => u.Role).HasConversion<string>().HasMaxLength(20));
        builder.Entity<ApiKey>(key =>
        {
            key.ToTable("ApiKeys");
            key.Property(k => k.Name).HasMaxLength(100);
            key.Property(k => k.Hash).HasMaxLength(64);
            key.HasIndex(k => k.Hash).IsUnique();
            key.Property(k => k.Prefix).HasMaxLength(20);
            key.Property(k => k.CreatedBy).HasMaxLength(200);
            key.Property(k => k.RevokedBy).HasMaxLength(200);
            key.Property(k => k.Role).HasConversion<string>().HasMaxLength(20);
        });
        builder.Entity<AuditEntry>(entry =>
        {
            entry.ToTable("AuditEntries");
            entry.Property(e => e.Actor).HasMaxLength(200);
            entry.Property(e => e.ActorId).HasMaxLength(100);
            entry.Property(e => e.Action).HasMaxLength(100);
            entry.Property(e => e.Target).HasMaxLength(300);
            entry.Property(e => e.Details).HasMaxLength(AuditLog.MaxDetails);
            entry.Property(e => e.From).HasMaxLength(100);
            entry.Property(e => e.ActorKind).HasConversion<string>().HasMaxLength(20);
            entry.Property(e => e.Outcome).HasConversion<string>().HasMaxLength(20);
            entry.HasIndex(e => e.At);
            entry.HasIndex(e => new { e.Actor, e.Id });
            entry.HasIndex(e => new { e.Action, e.Id });
        });
        builder.Entity<AppSetting>(setting =>
        {
            setting.ToTable("Settings");
            setting.HasKey(s => s.Key);
            setting.Property(s => s.Key).HasMaxLength(200);
            setting.Property(s => s.Value).HasMaxLength(4000);
            setting.Property(s => s.UpdatedBy).HasMaxLength(200);
        });
        builder.Entity<MetricsState>(state =>
        {
            state.ToTable("MetricsState");
            state.Property(s => s.Id).ValueGeneratedNever();
            state.Property(s => s.FilePath).HasMaxLength(4096);
        });
        builder.Entity<TaskRun>(run =>
        {
            run.ToTable("Runs");
            run.Property(r => r.TaskKey).HasMaxLength(100);
            run.Property(r => r.RequestedBy).HasMaxLength(200);
            run.Property(r => r.Arguments).HasMaxLength(8000);
            run.Property(r => r.Summary).HasMaxLength(2000);
            run.Property(r => r.Issues).HasMaxLength(8000);
            run.Property(r => r.State).HasConversion<string>().HasMaxLength(20);
            run.Property(r => r.Trigger).HasConversion<string>().HasMaxLength(20);
            run.HasIndex(r => new { r.State, r.Id });
            run.HasIndex(r => new { r.TaskKey, r.Id });
            run.HasIndex(r => r.QueuedAt);
            run.HasOne(r => r.Output).WithOne().HasForeignKey<RunOutput>(o => o.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<RunOutput>(output =>
        {
            output.ToTable("RunOutputs");
            output.HasKey(o => o.RunId);
        });
        builder.Entity<MaintenanceRecord>(record =>
        {
            record.ToTable("MaintenanceRecords");
            record.Property(r => r.Task).HasMaxLength(100);
            record.Property(r => r.Outcome).HasMaxLength(20);
            record.Property(r => r.RequestedBy).HasMaxLength(200);
            record.Property(r => r.Summary).HasMaxLength(2000);
            record.Property(r => r.Notes).HasMaxLength(ManualRecordDraft.MaxTextLength);
            // The Records page's order (newest first, id breaking ties) straight from the index.
            record.HasIndex(r => new { r.At, r.Id });
        });
        builder.Entity<MaintenanceWindow>(window =>
        {
            window.ToTable("MaintenanceWindows");
            window.Property(w => w.Description).HasMaxLength(WindowDraft.MaxDescriptionLength);
            window.Property(w => w.AnnouncedBy).HasMaxLength(200);
            window.Property(w => w.CancelledBy).HasMaxLength(200);
            window.HasIndex(w => w.Start);
        });
        builder.Entity<BackupRecord>(backup =>
        {
            backup.ToTable("Backups");
            backup.Property(b => b.Key).HasMaxLength(16);
            backup.HasIndex(b => b.Key).IsUnique();
            backup.Property(b => b.Name).HasMaxLength(300);
            backup.Property(b => b.RelativePath).HasMaxLength(1000);
            backup.HasIndex(b => b.RelativePath).IsUnique();
            backup.Property(b => b.CreatedBy).HasMaxLength(200);
            backup.Property(b => b.Sha256).HasMaxLength(64);
            backup.Property(b => b.VerificationMessage).HasMaxLength(2000);
            backup.Property(b => b.Kind).HasConversion<string>().HasMaxLength(30);
            backup.Property(b => b.Status).HasConversion<string>().HasMaxLength(30);
        });
        builder.Entity<Schedule>(schedule =>
        {
            schedule.ToTable("Schedules");
            schedule.Property(s => s.Name).HasMaxLength(200);
            schedule.Property(s => s.TaskKey).HasMaxLength(100);
            schedule.Property(s => s.Cron).HasMaxLength(200);
            schedule.Property(s => s.TimeZone).HasMaxLength(100);
            schedule.Property(s => s.Arguments).HasMaxLength(8000);
            schedule.HasIndex(s => s.Name).IsUnique();
        });
        ContactModel.Configure(builder);
        IncidentModel.Configure(builder);
        ChecklistModel.Configure(builder);
        AlertModel.Configure(builder);
        NotificationModel.Configure(builder);
        ReportModelConfiguration.Configure(builder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset columns; store UTC ticks so later range queries work in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetTicksConverter>();
    }
}
