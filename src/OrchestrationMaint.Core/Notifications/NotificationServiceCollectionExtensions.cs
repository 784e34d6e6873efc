using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Alerts;

namespace OrchestrationMaint.Core.Notifications;

public static class NotificationServiceCollectionExtensions
{
    /// <summary>Channels, the delivery worker and the escalator; the alert engine reaches them through <see cref="IAlertNotifications"/>.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        // Redirects are refused rather than followed: a webhook that moved must be fixed, not silently re-posted elsewhere.
        // No request logging: a Slack or webhook URL carries its secret in the path, and the log would keep it.
        services.AddHttpClient(NotificationSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .RemoveAllLoggers();
        services.AddSingleton<NotificationSender>();
        services.AddSingleton<NotificationChanges>();
        services.AddSingleton<DeliveryWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<DeliveryWorker>());
        services.AddSingleton<IAlertNotifications, AlertNotifications>();
        services.AddSingleton<NotificationCenter>();
        services.AddSingleton<AlertEscalator>();
        services.AddHostedService(provider => provider.GetRequiredService<AlertEscalator>());
        return services;
    }
}
