using Microsoft.Extensions.Logging;

namespace OrchestrationMaint.Core.Notifications;

/// <summary>Tells open pages that a channel or a delivery changed, so the log updates without a reload.</summary>
public sealed class NotificationChanges(ILogger<NotificationChanges> logger)
{
    private readonly Subscribers<bool> _subscribers = new(logger);

    public IDisposable Subscribe(Action onChange) => _subscribers.Add(_ => onChange());

    public void Notify() => _subscribers.Notify(true);
}
