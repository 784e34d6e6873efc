using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Access;

/// <summary>A change to accounts: Ok, or the sentences that say why not. A generated password is shown once.</summary>
public sealed record AccountResult(IReadOnlyList<string> Errors, AppUser? User = null, string? GeneratedPassword = null)
{
    public bool Succeeded => Errors.Count == 0;

    public static AccountResult Fail(params string[] errors) => new(errors);
}

/// <summary>
/// Accounts: the first Admin, creating users, roles, disabling, password resets. Admin-only (checked here),
/// audited, and serialised so that two Admins demoting each other at once cannot leave nobody in charge.
/// Each call resolves Identity's scoped <see cref="UserManager{TUser}"/> in its own scope: no DbContext
/// lives as long as a browser tab.
/// </summary>
public sealed class UserAdmin(IServiceScopeFactory scopes, IDbContextFactory<MaintenanceDbContext> contextFactory, AccessGuard guard, AuditLog audit, AccessChanges changes, TimeProvider clock) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public void Dispose() => _gate.Dispose();

    public async Task<IReadOnlyList<AppUser>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AsNoTracking().OrderBy(u => u.NormalizedUserName).ToListAsync(cancellationToken);
    }

    public async Task<bool> AnyUserAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AnyAsync(cancellationToken);
    }

    /// <summary>The first account, an Admin; refused once any account exists (the setup link works once).</summary>
    public async Task<AccountResult> CreateFirstAdminAsync(string userName, string password, Actor via, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (await AnyUserAsync(cancellationToken))
            {
                return AccountResult.Fail("Setup is already done: an account exists. Sign in instead.");
            }

            var result = await CreateCoreAsync(userName, Role.Admin, password);
            await audit.WriteAsync(via with { Name = userName.Trim() }, "setup.admin-created", result.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Failed, userName.Trim(),
                result.Succeeded ? null : string.Join(" ", result.Errors), cancellationToken);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <param name="password">Null to generate one, returned once in the result.</param>
    public async Task<AccountResult> CreateAsync(Actor actor, string userName, Role role, string? password, CancellationToken cancellationToken)
    {
        await guard.RequireAsync(actor, Role.Admin, "user.created", "create accounts", userName, cancellationToken);
        var generated = password is null ? GeneratePassword() : null;
        var result = await CreateCoreAsync(userName, role, password ?? generated!);
        await audit.WriteAsync(actor, "user.created", result.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Failed, userName.Trim(),
            result.Succeeded ? $"role={role}" : string.Join(" ", result.Errors), cancellationToken);
        return result.Succeeded ? result with { GeneratedPassword = generated } : result;
    }

    public Task<AccountResult> SetRoleAsync(Actor actor, string userId, Role role, CancellationToken cancellationToken) =>
        ChangeAsync(actor, userId, "user.role-changed", "change roles", $"role={role}", async user =>
        {
            if (user.Role == Role.Admin && role != Role.Admin && await LastAdminRefusal(user, "demoted") is { } refusal)
            {
                return refusal;
            }

            user.Role = role;
            return null;
        }, cancellationToken);

    public Task<AccountResult> SetDisabledAsync(Actor actor, string userId, bool disabled, CancellationToken cancellationToken) =>
        ChangeAsync(actor, userId, disabled ? "user.disabled" : "user.enabled", disabled ? "disable accounts" : "enable accounts", null, async user =>
        {
            if (disabled && user.Id == actor.Id)
            {
                return "You cannot disable your own account: another Admin has to.";
            }

            if (disabled && user.Role == Role.Admin && await LastAdminRefusal(user, "disabled") is { } refusal)
            {
                return refusal;
            }

            user.Disabled = disabled;
            return null;
        }, cancellationToken);

    public async Task<AccountResult> DeleteAsync(Actor actor, string userId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await guard.RequireAsync(actor, Role.Admin, "user.deleted", "delete accounts", userId, cancellationToken);
            await using var scope = scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            if (await users.FindByIdAsync(userId) is not { } user)
            {
                return AccountResult.Fail("That account no longer exists.");
            }

            var refusal = user.Id == actor.Id ? "You cannot delete your own account: another Admin has to."
                : user.Role == Role.Admin ? await LastAdminRefusal(user, "deleted") : null;
            if (refusal is null)
            {
                var deleted = await users.DeleteAsync(user);
                refusal = deleted.Succeeded ? null : string.Join(" ", deleted.Errors.Select(e => e.Description));
            }

            await audit.WriteAsync(actor, "user.deleted", refusal is null ? AuditOutcome.Succeeded : AuditOutcome.Failed, user.UserName, refusal, cancellationToken);
            if (refusal is not null)
            {
                return AccountResult.Fail(refusal);
            }

            changes.Changed(user.Id);
            return new AccountResult([], user);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A new generated password, shown once; also lifts a lockout.</summary>
    public async Task<AccountResult> ResetPasswordAsync(Actor actor, string userId, CancellationToken cancellationToken)
    {
        var password = GeneratePassword();
        var result = await ChangeAsync(actor, userId, "user.password-reset", "reset passwords", null, async (user, users) =>
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var reset = await users.ResetPasswordAsync(user, token, password);
            if (!reset.Succeeded)
            {
                return string.Join(" ", reset.Errors.Select(e => e.Description));
            }

            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
            return null;
        }, cancellationToken);
        return result.Succeeded ? result with { GeneratedPassword = password } : result;
    }

    /// <summary>A signed-in user changes their own password; other sessions of the account end (new security stamp).</summary>
    public async Task<AccountResult> ChangeOwnPasswordAsync(Actor actor, string currentPassword, string newPassword, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        if (actor.Kind != ActorKind.User || await users.FindByIdAsync(actor.Id) is not { Disabled: false } user)
        {
            return AccountResult.Fail("Sign in again: your account could not be found.");
        }

        var changed = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        var errors = changed.Errors.Select(e => e.Code == "PasswordMismatch" ? "The current password is wrong." : e.Description).ToArray();
        await audit.WriteAsync(actor, "user.password-changed", changed.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Failed, user.UserName, errors.Length > 0 ? string.Join(" ", errors) : null, cancellationToken);
        return changed.Succeeded ? new AccountResult([], user) : AccountResult.Fail(errors);
    }

    public static string GeneratePassword() =>
        // 18 random bytes: 24 characters from the URL-safe alphabet, far beyond any guessing, easy to paste.
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    private Task<AccountResult> ChangeAsync(Actor actor, string userId, string action, string what, string? details, Func<AppUser, Task<string?>> change, CancellationToken cancellationToken) =>
        ChangeAsync(actor, userId, action, what, details, (user, _) => change(user), cancellationToken);

    private async Task<AccountResult> ChangeAsync(Actor actor, string userId, string action, string what, string? details,
        Func<AppUser, UserManager<AppUser>, Task<string?>> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Inside the gate: an Admin demoted by a change that was waiting ahead of this one is refused.
            await guard.RequireAsync(actor, Role.Admin, action, what, userId, cancellationToken);
            await using var scope = scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            if (await users.FindByIdAsync(userId) is not { } user)
            {
                return AccountResult.Fail("That account no longer exists: someone deleted it. Reload the list.");
            }

            var refusal = await change(user, users);
            if (refusal is null)
            {
                // A new stamp ends the account's other sessions at their next check, and tells open tabs to re-read it.
                await users.UpdateSecurityStampAsync(user);
                var updated = await users.UpdateAsync(user);
                refusal = updated.Succeeded ? null : string.Join(" ", updated.Errors.Select(e => e.Description));
            }

            await audit.WriteAsync(actor, action, refusal is null ? AuditOutcome.Succeeded : AuditOutcome.Failed, user.UserName,
                refusal ?? details, cancellationToken);
            if (refusal is not null)
            {
                return AccountResult.Fail(refusal);
            }

            changes.Changed(user.Id);
            return new AccountResult([], user);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string?> LastAdminRefusal(AppUser user, string verb)
    {
        await using var db = await contextFactory.CreateDbContextAsync();
        var otherAdmins = await db.Users.CountAsync(u => u.Role == Role.Admin && !u.Disabled && u.Id != user.Id);
        return otherAdmins == 0 ? $"{user.UserName} is the last active Admin and cannot be {verb}: make someone else Admin first." : null;
    }

    private async Task<AccountResult> CreateCoreAsync(string userName, Role role, string password)
    {
        userName = userName.Trim();
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = userName, Role = role, CreatedAt = clock.GetUtcNow() };
        var created = await users.CreateAsync(user, password);
        return created.Succeeded ? new AccountResult([], user) : AccountResult.Fail([.. created.Errors.Select(e => e.Description)]);
    }
}
