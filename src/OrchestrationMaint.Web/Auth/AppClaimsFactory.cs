using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;

namespace OrchestrationMaint.Web.Auth;

/// <summary>Adds the account's one role (kept on the user row, not in role tables) to its sign-in cookie.</summary>
public sealed class AppClaimsFactory(UserManager<AppUser> users, IOptions<IdentityOptions> options) : UserClaimsPrincipalFactory<AppUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ClaimTypes.Role, user.Role.ToString()));
        identity.AddClaim(new Claim(ActorClaims.KindClaim, "user"));
        return identity;
    }
}

/// <summary>A disabled account is refused at sign-in like a wrong password would be, with its own message.</summary>
public sealed class AppSignInManager(UserManager<AppUser> users, IHttpContextAccessor contextAccessor, IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> options, ILogger<SignInManager<AppUser>> logger, Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation)
    : SignInManager<AppUser>(users, contextAccessor, claimsFactory, options, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(AppUser user) => !user.Disabled && await base.CanSignInAsync(user);
}
