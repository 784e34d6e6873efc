using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Core.Tasks.Reports;

namespace OrchestrationMaint.Core.Reports;

public static class ReportsServiceCollectionExtensions
{
    /// <summary>Reports, the error budget and the disk history; after the checklist, whose calendar they follow.</summary>
    public static IServiceCollection AddReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReportOptions>().Bind(configuration.GetSection(ReportOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReportOptions>, ReportOptionsValidator>();
        services.AddSingleton<ErrorBudgetService>();
        services.AddSingleton<ReportBuilder>();
        services.AddSingleton<ReportService>();
        services.AddSingleton<DiskSampler>();
        services.AddHostedService(provider => provider.GetRequiredService<DiskSampler>());
        services.AddSingleton<IMaintenanceTask, ReportGenerateTask>();
        return services;
    }
}
