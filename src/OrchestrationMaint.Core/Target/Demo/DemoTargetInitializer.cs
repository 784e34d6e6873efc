using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrchestrationMaint.Core.Target.Demo;

/// <summary>
/// Creates the embedded demo target on first start when no Target:Root is configured. Never touches
/// a configured target. A failure is logged and shown by the target status; the app keeps serving.
/// </summary>
public sealed class DemoTargetInitializer(
    TargetLocation location,
    DemoTargetGenerator generator,
    IOptions<DemoOptions> options,
    ILogger<DemoTargetInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!location.IsDemo)
        {
            return;
        }

        DemoTargetGenerator.CleanStaging(location.DemoDirectory);
        if (Directory.Exists(location.Root))
        {
            return;
        }

        // The demo is ours alone: if its target was deleted, make it again from scratch.
        DemoTargetGenerator.Delete(location.DemoDirectory);

        try
        {
            var started = TimeProvider.System.GetTimestamp();
            var summary = await Task.Run(() => generator.Generate(location.DemoDirectory, options.Value), cancellationToken);
            logger.LogInformation(
                "Created the demo target in {Root}: {Records} records over {Days} days ({Failures} failures, {Slow} slow, {Malformed} malformed) in {Elapsed:0} ms",
                location.Root, summary.Records, options.Value.HistoryDays, summary.Failures, summary.Slow, summary.Malformed,
                TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not create the demo target in {Directory}; the dashboard will show it as missing", location.DemoDirectory);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
