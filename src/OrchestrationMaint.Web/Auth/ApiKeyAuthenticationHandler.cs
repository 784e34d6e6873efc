using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;

namespace OrchestrationMaint.Web.Auth;

/// <summary>Signs in a request that carries <c>X-Api-Key</c>: a valid, unrevoked, unexpired key, or 401.</summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ApiKeyService.Header, out var values) || values.ToString() is not { Length: > 0 } secret)
        {
            return AuthenticateResult.NoResult();
        }

        if (await keys.AuthenticateAsync(secret, Context.RequestAborted) is not { } key)
        {
            return AuthenticateResult.Fail("The API key is unknown, revoked or expired.");
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, key.Id.ToString(CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, key.Name),
            new Claim(ClaimTypes.Role, key.Role.ToString()),
            new Claim(ActorClaims.KindClaim, "apikey"),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Response.WriteAsJsonAsync(new { title = "The API key is unknown, revoked or expired.", status = 401 }, Context.RequestAborted);
    }
}
