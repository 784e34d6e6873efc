using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OrchestrationMaint.Core.Records.Checklist;

public static class ChecklistServiceCollectionExtensions
{
    /// <summary>The checklist; registered after the task queue, whose run changes it listens to.</summary>
    public static IServiceCollection AddChecklist(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChecklistOptions>().Bind(configuration.GetSection(ChecklistOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChecklistOptions>, ChecklistOptionsValidator>();
        services.AddSingleton<ChecklistCalendar>();
        services.AddSingleton<ChecklistStore>();
        services.AddSingleton<ChecklistQueries>();
        services.AddHostedService<ChecklistAutoTicker>();
        return services;
    }
}
