using MudBlazor;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Web.Auth;
using OrchestrationMaint.Web.Components.Shared;

namespace OrchestrationMaint.Web.Components.Alerts;

/// <summary>Acknowledging from any page (dashboard, list, detail): asks for a note, acts as this tab's user, says what happened.</summary>
public sealed class AlertAcknowledger(AlertEngine engine, CurrentActor actor, IDialogService dialogs, ISnackbar snackbar)
{
    /// <returns>Whether it was acknowledged.</returns>
    public async Task<bool> AcknowledgeAsync(Alert alert)
    {
        var dialog = await dialogs.ShowAsync<NoteDialog>(null, new DialogParameters<NoteDialog>
        {
            { d => d.Title, $"Acknowledge “{alert.Title}”?" },
            { d => d.Message, "Say you are on it: escalation to the next level stops, and the channels that want to know hear who took it. It still resolves by itself when the condition clears." },
            { d => d.NoteLabel, "What you are doing about it (optional)" },
            { d => d.ConfirmText, "Acknowledge" },
            { d => d.MaxLength, AlertModel.NoteMax },
        }, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: string note })
        {
            return false;
        }

        var result = await engine.AcknowledgeAsync(alert.Id, note, await actor.GetAsync(), CancellationToken.None);
        snackbar.Add(result.Error ?? $"Alert #{alert.Id} acknowledged.", result.Done ? Severity.Success : Severity.Warning);
        return result.Done;
    }
}
