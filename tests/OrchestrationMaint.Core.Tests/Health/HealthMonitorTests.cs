using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using OrchestrationMaint.Core.Health;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Health;

public sealed class HealthMonitorTests
{
    private sealed class FakeCheck(string key, Func<CancellationToken, Task<CheckOutcome>> run, TimeSpan? timeout = null) : ITargetCheck
    {
        public string Key => key;

        public string Title => key;

        public TimeSpan Timeout => timeout ?? TimeSpan.FromSeconds(10);

        public Task<CheckOutcome> RunAsync(string root, CancellationToken cancellationToken) => run(cancellationToken);
    }

    private sealed class NoChanges : IChangeSource
    {
        public IDisposable Subscribe(Action onChange) => new Unsubscriber(() => { });
    }

    [Fact]
    public async Task RunAll_OneCheckHangsAndOneThrows_TheOthersStillReport()
    {
        using var temp = new TempDirectory();
        var monitor = new HealthMonitor(
            [
                new FakeCheck("hangs", _ => new TaskCompletionSource<CheckOutcome>().Task, TimeSpan.FromMilliseconds(300)),
                new FakeCheck("blocks", _ => { Thread.Sleep(5_000); return Task.FromResult(CheckOutcome.Healthy("late")); }, TimeSpan.FromMilliseconds(300)),
                new FakeCheck("throws", _ => throw new InvalidOperationException("boom")),
                new FakeCheck("fine", _ => Task.FromResult(CheckOutcome.Healthy("all good"))),
            ],
            TestTarget.Location(temp.Path, temp.Path), new NoChanges(), TimeProvider.System, NullLogger<HealthMonitor>.Instance);

        var started = DateTime.UtcNow;
        var results = await monitor.RunAllAsync(TestContext.Current.CancellationToken);

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(4), "a blocking check held up the run");
        Assert.Equal(["hangs", "blocks", "throws", "fine"], results.Select(r => r.Key));
        Assert.Equal("Did not finish within 0 s.", results[0].Message);
        Assert.Equal(HealthStatus.Unhealthy, results[1].Status);
        Assert.Equal("The check itself failed: boom", results[2].Message);
        Assert.Equal(HealthStatus.Healthy, results[3].Status);
        Assert.Equal(HealthStatus.Unhealthy, monitor.Overall);
    }
}
