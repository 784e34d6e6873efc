using Microsoft.AspNetCore.Components.Authorization;
using OrchestrationMaint.Core.Access;

namespace OrchestrationMaint.Web.Auth;

/// <summary>
/// Who this browser tab acts as: the signed-in account, with the address it connected from (captured
/// when the page was first served, see App.razor). Pages pass <see cref="GetAsync"/> to every service
/// call that changes something; the service decides.
/// </summary>
public sealed class CurrentActor(AuthenticationStateProvider authentication)
{
    /// <summary>Set once per tab from the first request's connection.</summary>
    public string? ClientAddress { get; set; }

    public async Task<Actor> GetAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        // Anonymous never reaches an interactive page (the router redirects to sign-in); a signed-out tab acts as nobody.
        return ActorClaims.ToActor(state.User, ClientAddress) ?? new Actor(ActorKind.User, "", "(signed out)", ClientAddress);
    }
}
