using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Backups;
using OrchestrationMaint.Core.Health;
using OrchestrationMaint.Core.Health.Checks;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Notifications;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Records.Contacts;
using OrchestrationMaint.Core.Records.Incidents;
using OrchestrationMaint.Core.Records.Checklist;
using OrchestrationMaint.Core.Reports;
using OrchestrationMaint.Core.Scheduling;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Core.Tasks.Backups;
using OrchestrationMaint.Core.Tasks.Config;
using OrchestrationMaint.Core.Tasks.Git;
using OrchestrationMaint.Core.Tasks.Health;
using OrchestrationMaint.Core.Tasks.History;
using OrchestrationMaint.Core.Tasks.Logs;
using OrchestrationMaint.Core.Tasks.Performance;
using OrchestrationMaint.Core.Tasks.Permissions;
using OrchestrationMaint.Core.Tasks.Security;
using OrchestrationMaint.Core.Tasks.Storage;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Core.Target.Demo;

namespace OrchestrationMaint.Core;

public static class CoreServiceCollectionExtensions
{
    public const string ConnectionStringName = "Maintenance";

    /// <summary>Everything Core needs, in start-up order: migrate the database, create the demo target, then watch it.</summary>
    public static IServiceCollection AddOrchestrationMaintCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName)).ValidateOnStart();
        services.AddOptions<TargetOptions>().Bind(configuration.GetSection(TargetOptions.SectionName));
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.SectionName));
        services.AddOptions<QueueOptions>().Bind(configuration.GetSection(QueueOptions.SectionName)).ValidateOnStart();
        services.AddOptions<BackupOptions>().Bind(configuration.GetSection(BackupOptions.SectionName)).ValidateOnStart();
        services.AddOptions<SchedulingOptions>().Bind(configuration.GetSection(SchedulingOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<QueueOptionsValidator>();
        services.AddSingleton<IValidateOptions<QueueOptions>>(provider => provider.GetRequiredService<QueueOptionsValidator>());
        services.AddSingleton<IValidateOptions<SchedulingOptions>>(provider => provider.GetRequiredService<QueueOptionsValidator>());
        services.AddSingleton<IValidateOptions<BackupOptions>>(provider => provider.GetRequiredService<QueueOptionsValidator>());
        services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton<IValidateOptions<DemoOptions>, DemoOptionsValidator>();
        services.AddSingleton(TimeProvider.System);

        services.AddDbContextFactory<MaintenanceDbContext>((provider, db) =>
        {
            var connectionString = configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } configured
                ? configured
                : provider.GetRequiredService<IOptions<StorageOptions>>().Value.DefaultConnectionString;
            db.UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(MaintenanceDbContext.MigrationsAssembly))
                .AddInterceptors(new SqliteConnectionSetup());
        });
        services.AddSingleton<SettingsStore>();
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AccessGuard>();
        services.AddSingleton<AccessChanges>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<UserAdmin>();
        // Accounts: Identity's user manager over the same database.
        services.AddIdentityCore<AppUser>(IdentitySettings.Apply)
            .AddEntityFrameworkStores<MaintenanceDbContext>()
            .AddTokenProvider<DataProtectorTokenProvider<AppUser>>(TokenOptions.DefaultProvider);
        services.AddOptions<Microsoft.AspNetCore.Identity.IdentityOptions>().Configure<IOptions<AuthOptions>>((identity, auth) =>
        {
            identity.Lockout.MaxFailedAccessAttempts = auth.Value.LockoutAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = auth.Value.LockoutDuration;
        });
        services.AddSingleton<ThresholdService>();

        services.AddSingleton<TargetLocation>();
        services.AddSingleton<TargetInspector>();
        services.AddSingleton<DemoTargetGenerator>();

        // Hosted services start in registration order, and all before Kestrel accepts a request.
        services.AddHostedService<DatabaseMigrator>();
        services.AddHostedService<DemoTargetInitializer>();
        services.AddSingleton<TargetStatusMonitor>();
        services.AddHostedService(provider => provider.GetRequiredService<TargetStatusMonitor>());
        services.AddSingleton<MetricsEngine>();
        services.AddHostedService(provider => provider.GetRequiredService<MetricsEngine>());
        services.AddSingleton<IChangeSource>(provider => provider.GetRequiredService<MetricsEngine>());
        // The health checks, in the order the dashboard shows them.
        services.AddSingleton<ITargetCheck, MainScriptCheck>();
        services.AddSingleton<ITargetCheck, ModulesCheck>();
        services.AddSingleton<ITargetCheck, ModuleLoadingCheck>();
        services.AddSingleton<ITargetCheck, ConfigCheck>();
        services.AddSingleton<ITargetCheck, GitCheck>();
        services.AddSingleton<ITargetCheck, DiskCheck>();
        services.AddSingleton<ITargetCheck, LogsSizeCheck>();
        services.AddSingleton<ITargetCheck, BackupsCheck>();
        services.AddSingleton<ITargetCheck, MetricsFreshnessCheck>();
        services.AddSingleton<ITargetCheck, SuccessRateCheck>();
        services.AddSingleton<ITargetCheck, SlowOperationsCheck>();
        services.AddSingleton<ITargetCheck, AccessProfilesCheck>();
        services.AddSingleton<HealthMonitor>();
        services.AddHostedService(provider => provider.GetRequiredService<HealthMonitor>());
        // The task catalogue, in the order of the seed's procedures.
        services.AddSingleton<IMaintenanceTask, HealthCheckTask>();
        services.AddSingleton<IMaintenanceTask, LogReviewTask>();
        services.AddSingleton<IMaintenanceTask, DiskCheckTask>();
        services.AddSingleton<IMaintenanceTask, PerformanceAnalysisTask>();
        services.AddSingleton<IMaintenanceTask, ConfigValidationTask>();
        services.AddSingleton<IMaintenanceTask, ModuleLoadingTask>();
        services.AddSingleton<IMaintenanceTask, LogCleanupTask>();
        services.AddSingleton<IMaintenanceTask, SystemUpdateTask>();
        services.AddSingleton<IMaintenanceTask, AccessReviewTask>();
        services.AddSingleton<IMaintenanceTask, ScriptSecurityTask>();
        services.AddSingleton<IMaintenanceTask, GitChecksTask>();
        services.AddSingleton<IMaintenanceTask, FixPermissionsTask>();
        services.AddSingleton<IMaintenanceTask, RecreateConfigTask>();
        services.AddSingleton<IMaintenanceTask, PruneRunHistoryTask>();
        services.AddSingleton<IMaintenanceTask, BackupCreateTask>();
        services.AddSingleton<IMaintenanceTask, BackupVerifyTask>();
        services.AddSingleton<IMaintenanceTask, BackupRestoreTask>();
        services.AddSingleton<IMaintenanceTask, BackupPruneTask>();
        services.AddSingleton<IMaintenanceTask, RestoreDrillTask>();
        services.AddSingleton<BackupService>();
        services.AddHostedService<BackupStartup>();
        services.AddSingleton<TaskCatalog>();
        services.AddSingleton<RunHistory>();
        services.AddSingleton<MaintenanceRecorder>();
        services.AddSingleton<RecordBook>();
        services.AddSingleton<MaintenanceWindows>();
        services.AddHostedService(provider => provider.GetRequiredService<MaintenanceWindows>());
        services.AddSingleton<TaskQueue>();
        services.AddHostedService(provider => provider.GetRequiredService<TaskQueue>());
        services.AddSingleton<ContactBook>();
        services.AddSingleton<IncidentService>();
        // After the queue: it marks the runs a stop interrupted before the tracker catches up on them.
        services.AddHostedService<IncidentRunTracker>();
        services.AddSingleton<ScheduleStore>();
        services.AddSingleton<Scheduler>();
        services.AddHostedService(provider => provider.GetRequiredService<Scheduler>());
        services.AddSingleton<DemoSimulator>();
        services.AddHostedService(provider => provider.GetRequiredService<DemoSimulator>());
        services.AddChecklist(configuration);
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>();
        services.AddSingleton<AlertEngine>();
        services.AddSingleton<AlertQueries>();
        services.AddSingleton<AlertMonitor>();
        services.AddHostedService(provider => provider.GetRequiredService<AlertMonitor>());
        services.AddNotifications(configuration);
        services.AddReports(configuration);
        return services;
    }
}
