using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Health;

/// <summary>
/// Runs every <see cref="ITargetCheck"/> once a minute and on demand, all side by side, each under
/// its own timeout, and keeps the latest result of each for the dashboard and the API. The checks
/// that judge the live metrics also run again (at most every two seconds) when the metrics change,
/// so a collapsing success rate turns the app bar red at once.
/// </summary>
public sealed class HealthMonitor(IEnumerable<ITargetCheck> checks, TargetLocation location, IChangeSource metrics, TimeProvider clock, ILogger<HealthMonitor> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MetricsRecheckDelay = TimeSpan.FromSeconds(2);

    private readonly IReadOnlyList<ITargetCheck> _checks = [.. checks];
    private readonly SemaphoreSlim _runGate = new(1, 1);
    private readonly Subscribers<bool> _subscribers = new(logger);
    private ImmutableDictionary<string, CheckResult> _results = ImmutableDictionary<string, CheckResult>.Empty;

    /// <summary>The latest result of every check, in registration order; checks not run yet are absent.</summary>
    public IReadOnlyList<CheckResult> Results => [.. _checks.Select(c => _results.GetValueOrDefault(c.Key)).OfType<CheckResult>()];

    public HealthStatus? Overall => Results.Count == 0 ? null : Results.Min(r => r.Status);

    public IDisposable Subscribe(Action onChange) => _subscribers.Add(_ => onChange());

    /// <summary>Runs every check now (a run already in progress is awaited, not duplicated).</summary>
    public Task<IReadOnlyList<CheckResult>> RunAllAsync(CancellationToken cancellationToken) => RunAsync(_checks, exclusive: true, cancellationToken);

    /// <param name="exclusive">Full runs take turns; the quick metric rechecks never wait behind a slow git or script check.</param>
    private async Task<IReadOnlyList<CheckResult>> RunAsync(IReadOnlyList<ITargetCheck> selected, bool exclusive, CancellationToken cancellationToken)
    {
        if (exclusive)
        {
            await _runGate.WaitAsync(cancellationToken);
        }

        try
        {
            var results = await Task.WhenAll(selected.Select(check => RunOneAsync(check, cancellationToken)));
            ImmutableInterlocked.Update(ref _results, current => current.SetItems(results.Select(r => KeyValuePair.Create(r.Key, r))));
        }
        finally
        {
            if (exclusive)
            {
                _runGate.Release();
            }
        }

        _subscribers.Notify(true);

        return Results;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var metricChecks = _checks.Where(c => c.FollowsMetrics).ToList();
        using var recheck = new Throttle(() => RunAsync(metricChecks, exclusive: false, stoppingToken), MetricsRecheckDelay);
        using var subscription = metrics.Subscribe(recheck.Request);
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            await RunAllAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<CheckResult> RunOneAsync(ITargetCheck check, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(check.Timeout);
        CheckOutcome outcome;
        try
        {
            // Task.Run: a check that blocks synchronously must not hold up the others.
            var run = Task.Run(() => check.RunAsync(location.Root, deadline.Token), deadline.Token);
            var finished = await Task.WhenAny(run, Task.Delay(check.Timeout, cancellationToken));
            outcome = finished == run
                ? await run
                : CheckOutcome.Unhealthy($"Did not finish within {check.Timeout.TotalSeconds:0} s.", "Look for a hung script or an unresponsive file system or remote.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = CheckOutcome.Unhealthy($"Did not finish within {check.Timeout.TotalSeconds:0} s.", "Look for a hung script or an unresponsive file system or remote.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Health check {Key} failed", check.Key);
            outcome = CheckOutcome.Unhealthy($"The check itself failed: {ex.Message}", "See the app log for details.");
        }

        return new CheckResult(check.Key, check.Title, outcome.Status, outcome.Message, outcome.Details ?? [], outcome.Remedy, clock.GetUtcNow(), Stopwatch.GetElapsedTime(started));
    }
}
