using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrchestrationMaint.Core.Target.Demo;

/// <summary>
/// Keeps the demo alive: every few seconds appends one to three operations to the demo target's
/// metrics and performance logs, as its scripts would with <c>&gt;&gt;</c>. Only ever the demo target.
/// </summary>
public sealed class DemoSimulator(TargetLocation location, IOptions<DemoOptions> options, TimeProvider clock, ILogger<DemoSimulator> logger) : BackgroundService
{
    public bool IsActive => location.IsDemo && options.Value.Simulate != false;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!IsActive)
        {
            return;
        }

        var faker = new DemoMetricsFaker(new Random());
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                AppendBatch(faker, Random.Shared.Next(1, 4));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogDebug(ex, "Demo simulator could not append to {Root}", location.Root);
            }
        }
    }

    private void AppendBatch(DemoMetricsFaker faker, int count)
    {
        var logs = Path.Combine(location.Root, "logs");
        if (!Directory.Exists(location.Root))
        {
            return;
        }

        Directory.CreateDirectory(logs);
        var metrics = new StringBuilder();
        var performance = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var (metric, perf) = faker.Next(clock.GetUtcNow());
            metrics.Append(metric).Append('\n');
            performance.Append(perf).Append('\n');
        }

        // Whole lines in one append each, as `>>` from a script would write them.
        File.AppendAllText(Path.Combine(logs, "metrics.jsonl"), metrics.ToString());
        File.AppendAllText(Path.Combine(logs, "performance.log"), performance.ToString());
    }
}
