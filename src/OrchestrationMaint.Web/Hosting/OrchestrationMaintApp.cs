using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using MudBlazor.Services;
using OrchestrationMaint.Core;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Web.Api;
using OrchestrationMaint.Web.Auth;
using OrchestrationMaint.Web.Components;
using Prometheus;
using OrchestrationMaint.Web.Health;
using OrchestrationMaint.Web.Runbook;
using OrchestrationMaint.Core.Tasks;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace OrchestrationMaint.Web.Hosting;

/// <summary>The app's composition: services in <see cref="AddOrchestrationMaint"/>, pipeline in <see cref="UseOrchestrationMaint"/>.</summary>
public static class OrchestrationMaintApp
{
    public static WebApplicationBuilder AddOrchestrationMaint(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddSerilog(
            (services, logger) => logger
                .ReadFrom.Configuration(configuration)
                .Enrich.FromLogContext()
                // Program.cs reports a configuration error as one sentence; the host's own copy would add a stack trace.
                .Filter.ByExcluding(e => e.Exception is OptionsValidationException)
                .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture)
                .WriteTo.File(
                    new CompactJsonFormatter(),
                    Path.Combine(services.GetRequiredService<IOptions<StorageOptions>>().Value.FullDataDirectory, "logs", "orchestration-maint-.clef"),
                    rollingInterval: RollingInterval.Day,
                    retainedFileCountLimit: 14,
                    fileSizeLimitBytes: 64 * 1024 * 1024,
                    rollOnFileSizeLimit: true),
            preserveStaticLogger: true);

        builder.Services.AddOrchestrationMaintCore(configuration);
        builder.AddOrchestrationMaintAuth();
        // Antiforgery and circuit keys live in the data directory, so a restarted container keeps
        // open browser sessions valid. Configured lazily: the data directory is validated options.
        builder.Services.AddDataProtection().SetApplicationName("OrchestrationMaint");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IOptions<StorageOptions>, ILoggerFactory>((keys, storage, loggers) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(storage.Value.FullDataDirectory, "keys")), loggers));
        builder.Services.AddRazorComponents().AddInteractiveServerComponents(circuits =>
        {
            // Set on purpose, not left to defaults: detailed errors only on a developer's machine; a tab that lost
            // its connection may come back for three minutes; at most 100 such circuits are kept in memory; a
            // browser that stops acknowledging renders is cut off after 10 pending batches instead of growing memory.
            circuits.DetailedErrors = builder.Environment.IsDevelopment();
            circuits.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(3);
            circuits.DisconnectedCircuitMaxRetained = 100;
            circuits.MaxBufferedUnacknowledgedRenderBatches = 10;
            circuits.JSInteropDefaultCallTimeout = TimeSpan.FromMinutes(1);
        }).AddHubOptions(hub =>
        {
            // The largest message a browser sends is a form's text; 64 KiB is generous and bounds what one client can push.
            hub.MaximumReceiveMessageSize = 64 * 1024;
            hub.EnableDetailedErrors = builder.Environment.IsDevelopment();
        });
        builder.Services.AddMudServices();
        builder.Services.AddScoped<CircuitRuns>();
        builder.Services.AddScoped<Components.Alerts.AlertAcknowledger>();
        builder.Services.AddSingleton(provider =>
        {
            var runbook = RunbookLibrary.Build(RunbookLibrary.Embedded(), provider.GetRequiredService<TaskCatalog>());
            var logger = provider.GetRequiredService<ILogger<RunbookDocument>>();
            foreach (var problem in runbook.Problems)
            {
                logger.LogWarning("Runbook: {Problem}", problem);
            }

            return runbook;
        });
        builder.Services.AddSingleton<PrometheusExporter>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals);
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<TargetHealthCheck>("target", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }

    public static WebApplication UseOrchestrationMaint(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options => options.GetLevel = (context, _, exception) =>
            exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
            : context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/_blazor") ? LogEventLevel.Verbose
            : LogEventLevel.Information);

        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler(AppUrls.Error, createScopeForErrors: true);
        }

        app.UseStatusCodePagesWithReExecute(AppUrls.NotFound, createScopeForStatusCodePages: true);
        app.UseOrchestrationMaintAuth();
        app.UseAntiforgery();
        // Static files are public (the sign-in page needs its styles); everything else needs a user or a key.
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthEndpoints();
        app.MapStatusApi();
        app.MapTasksApi();
        app.MapBackupsApi();
        app.MapAccessApi();
        app.MapRecordsApi();
        app.MapAlertsApi();
        app.MapReportsApi();
        app.MapMetrics(AppUrls.Prometheus, app.Services.GetRequiredService<PrometheusExporter>().Registry);
        // Our own Content-Security-Policy already says frame-ancestors 'none'; Blazor's second one would only add noise.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(server => server.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
