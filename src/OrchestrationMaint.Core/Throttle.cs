namespace OrchestrationMaint.Core;

/// <summary>
/// Turns bursts of change notifications into at most one run of <paramref name="action"/> per
/// interval, so a target writing hundreds of metrics lines a second never floods a circuit or the
/// health checks (the idea of Aspire's CallbackThrottler).
/// </summary>
public sealed class Throttle(Func<Task> action, TimeSpan interval) : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private int _scheduled;

    public void Request()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 1)
        {
            return;
        }

        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        try
        {
            await Task.Delay(interval, _disposed.Token);
            Volatile.Write(ref _scheduled, 0);
            await action();
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
            // The owner (a circuit, a stopping host) went away between the notification and the run.
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
