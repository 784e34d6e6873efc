using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using MudBlazor;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Web.Auth;

namespace OrchestrationMaint.Web.Components;

/// <summary>
/// Starting runs from one browser tab (one circuit): queued as this tab's signed-in user, refusals shown in a
/// snackbar, and remembered so that this tab, and only it, hears when they finish. Every start from
/// the UI comes through here, so this is where a task that changes the target outside a maintenance
/// window asks to be confirmed once more.
/// </summary>
public sealed class CircuitRuns(TaskQueue queue, CurrentActor actor, TaskCatalog catalog, MaintenanceWindows windows, IDialogService dialogs, ISnackbar snackbar)
{
    public const string OutsideWindowQuestion = "No maintenance window is active: this task changes the target. Start anyway?";

    private readonly ConcurrentDictionary<long, bool> _runs = new();

    /// <summary>Whether starting <paramref name="task"/> with these arguments now needs the outside-a-window confirmation.</summary>
    public bool NeedsOutsideWindowConfirmation(TaskDescriptor task, JsonObject? parameters) =>
        task.NeedsMaintenanceWindowFor(parameters) && !windows.IsActiveNow;

    /// <summary>Queues the task; null when the operator declines or it is refused (the reasons in a snackbar).</summary>
    /// <param name="outsideWindowConfirmed">The operator already said yes to <see cref="OutsideWindowQuestion"/> (in the run dialog).</param>
    public async Task<EnqueueResult?> StartAsync(string task, JsonObject? parameters, bool outsideWindowConfirmed = false)
    {
        // Asked again here even after the dialog when a window ended meanwhile; scheduled and API runs are not asked (planned, or scripted).
        if (!outsideWindowConfirmed && catalog.Find(task)?.Descriptor is { } descriptor && NeedsOutsideWindowConfirmation(descriptor, parameters)
            && await dialogs.ShowMessageBoxAsync($"Start “{descriptor.Title}”?", OutsideWindowQuestion, yesText: "Start anyway", cancelText: "Cancel") != true)
        {
            return null;
        }

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
