using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using MudBlazor;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Web.Auth;

namespace OrchestrationMaint.Web.Components;

/// <summary>
/// Starting runs from one browser tab (one circuit): queued as this tab's signed-in user, refusals shown in a
/// snackbar, and remembered so that this tab, and only it, hears when they finish.
/// </summary>
public sealed class CircuitRuns(TaskQueue queue, CurrentActor actor, ISnackbar snackbar)
{
    private readonly ConcurrentDictionary<long, bool> _runs = new();

    /// <summary>Queues the task; null (with the reasons in a snackbar) when it is refused.</summary>
    public async Task<EnqueueResult?> StartAsync(string task, JsonObject? parameters)
    {
        var queued = await queue.EnqueueAsync(task, parameters, await actor.GetAsync(), CancellationToken.None);
        if (!queued.Accepted)
        {
            snackbar.Add(string.Join(" ", queued.Errors), Severity.Error);
            return null;
        }

        _runs.TryAdd(queued.Run!.Id, true);
        return queued;
    }

    /// <summary>True once for a run started here: the caller announces it, and it is forgotten.</summary>
    public bool Finish(long runId) => _runs.TryRemove(runId, out _);
}
