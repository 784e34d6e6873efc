using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace OrchestrationMaint.Core;

/// <summary>
/// The live-update subscriptions of one source: add from any thread, dispose the handle to remove,
/// and one failing subscriber (a page that went away) never stops the others from hearing.
/// </summary>
public sealed class Subscribers<T>(ILogger logger)
{
    private ImmutableList<Action<T>> _list = [];

    public IDisposable Add(Action<T> onChange)
    {
        ImmutableInterlocked.Update(ref _list, list => list.Add(onChange));
        return new Unsubscriber(() => ImmutableInterlocked.Update(ref _list, list => list.Remove(onChange)));
    }

    public void Notify(T value)
    {
        foreach (var subscriber in _list)
        {
            try
            {
                subscriber(value);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "A live-update subscriber failed");
            }
        }
    }
}
