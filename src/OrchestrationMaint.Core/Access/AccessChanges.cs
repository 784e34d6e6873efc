namespace OrchestrationMaint.Core.Access;

/// <summary>
/// Tells open browser tabs that an account changed (role, disabled, password reset), so they take the
/// change at once instead of at their next periodic revalidation.
/// </summary>
public sealed class AccessChanges(Microsoft.Extensions.Logging.ILogger<AccessChanges> logger)
{
    private readonly Subscribers<string> _subscribers = new(logger);

    /// <summary>The callback gets the changed account's id.</summary>
    public IDisposable Subscribe(Action<string> onChange) => _subscribers.Add(onChange);

    public void Changed(string userId) => _subscribers.Notify(userId);
}
