namespace OrchestrationMaint.Web.Components;

/// <summary>
/// Turns bursts of change notifications into at most one render per interval, so a target writing
/// hundreds of metrics lines a second never floods a circuit (the idea of Aspire's CallbackThrottler).
/// </summary>
public sealed class RenderThrottle(Func<Task> render, TimeSpan interval) : IDisposable
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
            await render();
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away between the notification and the render.
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
