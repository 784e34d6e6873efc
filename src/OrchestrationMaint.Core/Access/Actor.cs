namespace OrchestrationMaint.Core.Access;

public enum ActorKind
{
    User,
    ApiKey,
    Scheduler,
    System,
}

/// <summary>
/// Who is acting, as every state-changing service call is told: a signed-in user (by account id), an
/// API key (by key id), the scheduler or the app itself. The role is deliberately not part of it: the
/// <see cref="AccessGuard"/> reads the current role from the database at the moment of the action, so a
/// demotion takes effect for the next command of a browser tab that is already open.
/// </summary>
/// <param name="From">The client's address, for the audit trail; null for the app's own work.</param>
public sealed record Actor(ActorKind Kind, string Id, string Name, string? From = null)
{
    public static readonly Actor System = new(ActorKind.System, "system", "system");

    public static Actor User(string id, string name, string? from = null) => new(ActorKind.User, id, name, from);

    public static Actor ApiKey(long id, string name, string? from = null) => new(ActorKind.ApiKey, id.ToString(global::System.Globalization.CultureInfo.InvariantCulture), name, from);

    public static Actor Scheduler(string scheduleName) => new(ActorKind.Scheduler, "scheduler", scheduleName);

    /// <summary>How lists and the audit trail name it: the user's name, <c>key:name</c>, <c>schedule:name</c> or <c>system</c>.</summary>
    public string Display => Kind switch
    {
        ActorKind.User => Name,
        ActorKind.ApiKey => $"key:{Name}",
        ActorKind.Scheduler => $"schedule:{Name}",
        _ => "system",
    };
}
