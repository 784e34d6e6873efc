using System.Globalization;
using System.Security.Claims;
using OrchestrationMaint.Core.Access;

namespace OrchestrationMaint.Web.Auth;

/// <summary>The claims a signed-in user or an API key carries, and the <see cref="Actor"/> the services are given.</summary>
public static class ActorClaims
{
    /// <summary>"user" or "apikey".</summary>
    public const string KindClaim = "om:kind";

    public static Actor? ToActor(ClaimsPrincipal principal, string? from)
    {
        if (principal.Identity?.IsAuthenticated != true || principal.FindFirstValue(ClaimTypes.NameIdentifier) is not { } id)
        {
            return null;
        }

        var name = principal.Identity.Name ?? id;
        return principal.FindFirstValue(KindClaim) == "apikey" && long.TryParse(id, CultureInfo.InvariantCulture, out var keyId)
            ? Actor.ApiKey(keyId, name, from)
            : Actor.User(id, name, from);
    }

    /// <summary>The role the principal carried when it was issued; the services re-read the current one.</summary>
    public static Role? RoleOf(ClaimsPrincipal principal) =>
        Enum.TryParse<Role>(principal.FindFirstValue(ClaimTypes.Role), out var role) ? role : null;

    public static Actor ToActor(HttpContext context) =>
        ToActor(context.User, context.Connection.RemoteIpAddress?.ToString())
        ?? throw new InvalidOperationException("An endpoint that changes state was reached without a signed-in user or key; the authorization policy should have refused it.");
}
