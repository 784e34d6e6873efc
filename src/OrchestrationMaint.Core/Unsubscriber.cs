namespace OrchestrationMaint.Core;

/// <summary>The handle a live subscription returns: disposing it (once, from any thread) unsubscribes.</summary>
public sealed class Unsubscriber(Action unsubscribe) : IDisposable
{
    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            unsubscribe();
        }
    }
}
