using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using OrchestrationMaint.Core.Access;

namespace OrchestrationMaint.Web.Components.Layout;

/// <summary>
/// Around every page: a service that refuses the user (their role changed, their account was disabled) throws
/// <see cref="AccessDeniedException"/>; the user sees its sentence in a snackbar and the page carries on, instead
/// of the whole tab dying. Any other error shows a panel with a way back, and the tab stays connected.
/// </summary>
public sealed class AccessErrorBoundary : ErrorBoundaryBase
{
    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private ILogger<AccessErrorBoundary> Logger { get; set; } = default!;

    protected override Task OnErrorAsync(Exception exception)
    {
        if (exception is AccessDeniedException denied)
        {
            Snackbar.Add(denied.Message, Severity.Error);
            Recover();
        }
        else
        {
            Logger.LogError(exception, "A page failed");
        }

        return Task.CompletedTask;
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (CurrentException is null or AccessDeniedException)
        {
            builder.AddContent(0, ChildContent);
            return;
        }

        builder.OpenComponent<MudAlert>(1);
        builder.AddComponentParameter(2, nameof(MudAlert.Severity), Severity.Error);
        builder.AddComponentParameter(3, nameof(MudAlert.ChildContent), (RenderFragment)(alert =>
        {
            alert.AddContent(4, "This page hit an unexpected error and stopped. Nothing else was affected. ");
            alert.OpenComponent<MudButton>(5);
            alert.AddComponentParameter(6, nameof(MudButton.Variant), Variant.Text);
            alert.AddComponentParameter(7, nameof(MudButton.OnClick), EventCallback.Factory.Create<MouseEventArgs>(this, Recover));
            alert.AddComponentParameter(8, nameof(MudButton.ChildContent), (RenderFragment)(b => b.AddContent(9, "Show the page again")));
            alert.CloseComponent();
        }));
        builder.CloseComponent();
    }
}
