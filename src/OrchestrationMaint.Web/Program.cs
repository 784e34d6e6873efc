using System.Globalization;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Web.Hosting;
using Serilog;

// The bootstrap logger reports what happens before the host's own logging exists (bad settings,
// start-up crashes). The host's logger is separate (preserveStaticLogger), so test hosts in one
// process never fight over the static one.
Log.Logger = new LoggerConfiguration().WriteTo.Console(formatProvider: CultureInfo.InvariantCulture).CreateLogger();
try
{
    // Content (appsettings, wwwroot) is found next to the app, whatever directory it is started from:
    // a publish output started from elsewhere would otherwise answer every static asset with nothing.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.AddOrchestrationMaint();
    var app = builder.Build();
    app.UseOrchestrationMaint();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ConfigurationFailures(ex) is { Count: > 0 } failures)
{
    foreach (var failure in failures)
    {
        Log.Fatal("Configuration error: {Failure:l}", failure);
    }

    Log.Fatal("OrchestrationMaint did not start: fix the setting(s) above and start it again.");
    return 2;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    // HostAbortedException is how dotnet-ef and the test host stop the app after building it: not a crash.
    Log.Fatal(ex, "OrchestrationMaint stopped unexpectedly");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

// Start-up validation throws one OptionsValidationException, or an AggregateException of several.
static List<string> ConfigurationFailures(Exception ex) => ex switch
{
    OptionsValidationException options => [.. options.Failures],
    AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(ConfigurationFailures)],
    _ => [],
};

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
