using Microsoft.EntityFrameworkCore;

namespace OrchestrationMaint.Core.Records.Incidents;

/// <summary>The incidents' tables, kept beside the capability so the DbContext needs one line for them.</summary>
internal static class IncidentModel
{
    /// <summary>DateTimeOffset columns hold UTC ticks; 621355968000000000 ticks is the Unix epoch.</summary>
    private const string ResolvedMonthSql = "strftime('%Y-%m', (\"ResolvedAt\" - 621355968000000000) / 10000000, 'unixepoch')";

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Incident>(incident =>
        {
            incident.ToTable("Incidents");
            incident.Property(i => i.Type).HasConversion<string>().HasMaxLength(30);
            incident.Property(i => i.Severity).HasConversion<string>().HasMaxLength(10);
            incident.Property(i => i.Title).HasMaxLength(IncidentRules.TitleMax);
            incident.Property(i => i.Description).HasMaxLength(IncidentRules.DescriptionMax);
            incident.Property(i => i.SourceCheck).HasMaxLength(100);
            incident.Property(i => i.OpenedBy).HasMaxLength(200);
            incident.Property(i => i.ResolvedBy).HasMaxLength(200);
            incident.Property(i => i.Resolution).HasMaxLength(IncidentRules.ResolutionMax);
            incident.Property(i => i.RootCause).HasMaxLength(IncidentRules.RootCauseMax);
            // Computed by SQLite from the stored ticks, so sorting and averaging never leave SQL.
            incident.Property(i => i.DurationTicks).HasComputedColumnSql("\"ResolvedAt\" - \"OpenedAt\"", stored: true);
            incident.Property(i => i.ResolvedMonth).HasComputedColumnSql(ResolvedMonthSql, stored: true);
            incident.HasIndex(i => i.OpenedAt);
            incident.HasIndex(i => i.ResolvedMonth);
            incident.HasMany(i => i.Steps).WithOne().HasForeignKey(s => s.IncidentId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<IncidentStep>(step =>
        {
            step.ToTable("IncidentSteps");
            step.Property(s => s.Key).HasMaxLength(50);
            step.Property(s => s.Title).HasMaxLength(100);
            step.Property(s => s.DoneBy).HasMaxLength(200);
            step.Property(s => s.Note).HasMaxLength(IncidentRules.NoteMax);
            step.HasIndex(s => new { s.IncidentId, s.Key }).IsUnique();
        });
        modelBuilder.Entity<IncidentEvent>(incidentEvent =>
        {
            incidentEvent.ToTable("IncidentEvents");
            incidentEvent.Property(e => e.By).HasMaxLength(200);
            incidentEvent.Property(e => e.Kind).HasConversion<string>().HasMaxLength(30);
            incidentEvent.Property(e => e.StepKey).HasMaxLength(50);
            incidentEvent.Property(e => e.Text).HasMaxLength(4000);
            incidentEvent.Property(e => e.Note).HasMaxLength(IncidentRules.NoteMax);
            incidentEvent.HasIndex(e => new { e.IncidentId, e.Id });
            incidentEvent.HasIndex(e => e.RunId);
            incidentEvent.HasOne<Incident>().WithMany().HasForeignKey(e => e.IncidentId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
