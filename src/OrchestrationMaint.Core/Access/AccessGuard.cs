using Microsoft.EntityFrameworkCore;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Access;

/// <summary>
/// The one place that decides whether an actor may do something, called by the service that does it
/// (queue, schedules, settings, users, keys, records), never only by the page that shows the button.
/// The role is read from the database at that moment: a demoted Admin's open tab is refused at its next
/// destructive command, a disabled account or a revoked key at its next command of any kind.
/// </summary>
public sealed class AccessGuard(IDbContextFactory<MaintenanceDbContext> contextFactory, AuditLog audit, TimeProvider clock)
{
    /// <summary>The actor's role now; null when it may do nothing (unknown or disabled account, revoked or expired key).</summary>
    public async Task<Role?> RoleOfAsync(Actor actor, CancellationToken cancellationToken)
    {
        switch (actor.Kind)
        {
            case ActorKind.System:
            case ActorKind.Scheduler:
                // Schedules are created by Admins only; the app's own work (recovery, retention) is its own.
                return Role.Admin;
            case ActorKind.User:
            {
                await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
                var user = await db.Users.AsNoTracking().Where(u => u.Id == actor.Id).Select(u => new { u.Role, u.Disabled }).FirstOrDefaultAsync(cancellationToken);
                return user is null || user.Disabled ? null : user.Role;
            }

            case ActorKind.ApiKey when long.TryParse(actor.Id, out var keyId):
            {
                await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
                var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == keyId, cancellationToken);
                return key is not null && key.IsUsable(clock.GetUtcNow()) ? key.Role : null;
            }

            default:
                return null;
        }
    }

    /// <summary>Returns when allowed; otherwise audits the refusal and throws with a message for the person.</summary>
    /// <param name="action">The audit action of what was attempted, e.g. <c>task.requested</c>.</param>
    /// <param name="what">What was attempted in words, e.g. "run Log cleanup".</param>
    /// <exception cref="AccessDeniedException">The actor may not do it.</exception>
    public async Task RequireAsync(Actor actor, Role required, string action, string what, string? target = null, CancellationToken cancellationToken = default)
    {
        if (await RefusalAsync(actor, required, what, cancellationToken) is { } refusal)
        {
            await audit.WriteAsync(actor, action, AuditOutcome.Denied, target, refusal, cancellationToken);
            throw new AccessDeniedException(refusal);
        }
    }

    /// <summary>
    /// Runs a change as the actor: refused (and audited) below <paramref name="required"/>; otherwise run with the actor's
    /// name for the record, and audited with its outcome (<paramref name="failure"/> says why it did not happen, or null).
    /// </summary>
    /// <exception cref="AccessDeniedException">The actor may not do it.</exception>
    public async Task<T> AuditedAsync<T>(Actor actor, Role required, string action, string what, string? target, Func<string, Task<T>> change,
        Func<T, string?> failure, CancellationToken cancellationToken)
    {
        await RequireAsync(actor, required, action, what, target, cancellationToken);
        var result = await change(actor.Display);
        var reason = failure(result);
        await audit.WriteAsync(actor, action, reason is null ? AuditOutcome.Succeeded : AuditOutcome.Failed, target, reason, CancellationToken.None);
        return result;
    }

    /// <summary>Null when allowed; otherwise the sentence that says why not (nothing is audited: the caller decides).</summary>
    public async Task<string?> RefusalAsync(Actor actor, Role required, string what, CancellationToken cancellationToken)
    {
        var role = await RoleOfAsync(actor, cancellationToken);
        return role switch
        {
            null when actor.Kind == ActorKind.ApiKey => $"The API key '{actor.Name}' is revoked, expired or unknown: it may not {what}.",
            null => $"The account '{actor.Name}' is disabled or no longer exists: it may not {what}.",
            { } current when current < required => $"Refused: to {what} needs the {required} role; {actor.Display} has {current}. Ask an Admin.",
            _ => null,
        };
    }
}
