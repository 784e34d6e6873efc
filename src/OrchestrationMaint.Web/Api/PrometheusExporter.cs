using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Health;
using OrchestrationMaint.Core.Health.Checks;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Target;
using Prometheus;

namespace OrchestrationMaint.Web.Api;

/// <summary>
/// The dashboard's figures in the Prometheus exposition format at /metrics, read fresh at each
/// scrape. One registry per app instance (not prometheus-net's static default), so nothing leaks
/// between hosts.
/// </summary>
public sealed class PrometheusExporter
{
    public PrometheusExporter(MetricsEngine engine, HealthMonitor health, TargetStatusMonitor target, AlertQueries alerts)
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        var rate = factory.CreateGauge("orchestration_success_rate_percent", "Successes / (successes + failures) in percent; NaN without data.", "window");
        var records = factory.CreateGauge("orchestration_records", "Records in logs/metrics.jsonl (any status).", "window");
        var failures = factory.CreateGauge("orchestration_failures", "Records with status failure.", "window");
        var slow = factory.CreateGauge("orchestration_slow_operations", "Records over the slow-operation threshold.", "window");
        var malformed = factory.CreateGauge("orchestration_malformed_lines", "Lines of logs/metrics.jsonl that are not records.", "window");
        var threshold = factory.CreateGauge("orchestration_slow_threshold_seconds", "The slow-operation threshold in force.");
        var disk = factory.CreateGauge("orchestration_disk_used_percent", "Used space of the target's file system.");
        var check = factory.CreateGauge("orchestration_health_check_status", "Each health check: 0 healthy, 1 degraded, 2 unhealthy.", "key");
        var open = factory.CreateGauge("orchestration_alerts_open",
            "Open alerts by state (Firing, Acknowledged), level (Critical, Warning) and whether a maintenance window explains them (expected).", "state", "level", "expected");
        Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            var counts = await alerts.OpenCountsAsync(cancellationToken);
            foreach (var state in (AlertState[])[AlertState.Firing, AlertState.Acknowledged])
            {
                foreach (var level in Enum.GetValues<AlertLevel>())
                {
                    foreach (var expected in (bool[])[false, true])
                    {
                        open.WithLabels(state.ToString(), level.ToString(), expected ? "true" : "false")
                            .Set(counts.Where(c => c.State == state && c.Level == level && c.Expected == expected).Sum(c => c.Count));
                    }
                }
            }
        });
        Registry.AddBeforeCollectCallback(() =>
        {
            foreach (var window in Enum.GetValues<MetricsWindow>())
            {
                var summary = engine.Summarize(window);
                var key = window.ToKey();
                rate.WithLabels(key).Set(summary.SuccessRate ?? double.NaN);
                records.WithLabels(key).Set(summary.Records);
                failures.WithLabels(key).Set(summary.Failures);
                slow.WithLabels(key).Set(summary.SlowOperations);
                malformed.WithLabels(key).Set(summary.MalformedLines);
            }

            threshold.Set(engine.SlowThresholdSeconds);
            disk.Set(DiskMeasurements.TryMeasure(target.Current.Root)?.UsedPercent ?? double.NaN);
            foreach (var result in health.Results)
            {
                check.WithLabels(result.Key).Set(result.Status switch { HealthStatus.Healthy => 0, HealthStatus.Degraded => 1, _ => 2 });
            }
        });
    }

    public CollectorRegistry Registry { get; }
}
