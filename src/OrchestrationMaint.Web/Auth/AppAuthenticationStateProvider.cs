using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using OrchestrationMaint.Core.Access;

namespace OrchestrationMaint.Web.Auth;

/// <summary>
/// A browser tab's sign-in, kept current while the tab stays open: when an Admin changes the account (role,
/// disabled, deleted, password reset) the tab takes the new state at once (<see cref="AccessChanges"/>), and
/// a periodic check catches changes made by another instance. A disabled or deleted account is signed out.
/// Enforcement never depends on this: the services re-read the role at every command.
/// </summary>
public sealed class AppAuthenticationStateProvider : ServerAuthenticationStateProvider, IDisposable
{
    private static readonly TimeSpan RevalidationInterval = TimeSpan.FromMinutes(1);
    private static readonly AuthenticationState Anonymous = new(new ClaimsPrincipal(new ClaimsIdentity()));

    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<AppAuthenticationStateProvider> _logger;
    private readonly IDisposable _subscription;
    private readonly CancellationTokenSource _stop = new();
    private string? _userId;
    private int _revalidating;
    private int _disposed;

    public AppAuthenticationStateProvider(IServiceScopeFactory scopes, AccessChanges changes, ILogger<AppAuthenticationStateProvider> logger)
    {
        _scopes = scopes;
        _logger = logger;
        AuthenticationStateChanged += OnChanged;
        _subscription = changes.Subscribe(userId =>
        {
            if (userId == _userId)
            {
                _ = RefreshAsync();
            }
        });
    }

    private async void OnChanged(Task<AuthenticationState> state)
    {
        try
        {
            var user = (await state).User;
            _userId = user.FindFirstValue(ActorClaims.KindClaim) == "user" ? user.FindFirstValue(ClaimTypes.NameIdentifier) : null;
            // Only a signed-in tab needs the periodic check; a plain page request is over before it would tick.
            if (_userId is not null && Interlocked.Exchange(ref _revalidating, 1) == 0)
            {
                _ = RevalidatePeriodicallyAsync();
            }
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Could not read the new sign-in state");
        }
    }

    private async Task RevalidatePeriodicallyAsync()
    {
        using var timer = new PeriodicTimer(RevalidationInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (_userId is not null)
                {
                    await RefreshAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RefreshAsync()
    {
        var userId = _userId;
        if (userId is null)
        {
            return;
        }

        try
        {
            var current = (await GetAuthenticationStateAsync()).User;
            await using var scope = _scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = await users.FindByIdAsync(userId);
            if (user is null || user.Disabled)
            {
                SetAuthenticationState(Task.FromResult(Anonymous));
                return;
            }

            var stampClaim = users.Options.ClaimsIdentity.SecurityStampClaimType;
            if (current.FindFirstValue(stampClaim) != user.SecurityStamp || ActorClaims.RoleOf(current) != user.Role)
            {
                var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync(user);
                SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
            }
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Could not revalidate the sign-in of account {UserId}", userId);
        }
    }

    public void Dispose()
    {
        // Registered under two service types, so the scope disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        AuthenticationStateChanged -= OnChanged;
        _subscription.Dispose();
        _stop.Cancel();
        _stop.Dispose();
    }
}
