using Microsoft.EntityFrameworkCore;

namespace OrchestrationMaint.Core.Persistence;

public sealed class MaintenanceDbContext(DbContextOptions<MaintenanceDbContext> options) : DbContext(options)
{
    public const string MigrationsAssembly = "OrchestrationMaint.Migrations";

    public DbSet<AppSetting> Settings => Set<AppSetting>();

    public DbSet<MetricsState> MetricsStates => Set<MetricsState>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AppSetting>(setting =>
        {
            setting.ToTable("Settings");
            setting.HasKey(s => s.Key);
            setting.Property(s => s.Key).HasMaxLength(200);
            setting.Property(s => s.Value).HasMaxLength(4000);
            setting.Property(s => s.UpdatedBy).HasMaxLength(200);
        });
        modelBuilder.Entity<MetricsState>(state =>
        {
            state.ToTable("MetricsState");
            state.Property(s => s.Id).ValueGeneratedNever();
            state.Property(s => s.FilePath).HasMaxLength(4096);
        });
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset columns; store UTC ticks so later range queries work in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetTicksConverter>();
    }
}
