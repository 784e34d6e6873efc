using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Web.Auth;

namespace OrchestrationMaint.Web.Tests.Components;

/// <summary>bUnit components acting as a real account of the test database (the services read its role there).</summary>
internal static class SignedIn
{
    public static async Task<Actor> AddAccountAsync(IDbContextFactory<MaintenanceDbContext> database, string name, Role role = Role.Operator)
    {
        await using var db = await database.CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);
        var user = new AppUser { UserName = name, NormalizedUserName = name.ToUpperInvariant(), Role = role, SecurityStamp = Guid.NewGuid().ToString() };
        db.Users.Add(user);
        await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        return Actor.User(user.Id, name);
    }

    /// <summary>Adds the account and signs the rendered components in as it.</summary>
    public static async Task<Actor> AsAsync(this BunitContext context, IDbContextFactory<MaintenanceDbContext> database, string name, Role role = Role.Operator)
    {
        var actor = await AddAccountAsync(database, name, role);
        context.AddAuthorization().SetAuthorized(name).SetRoles(role.ToString())
            .SetClaims(new Claim(ClaimTypes.NameIdentifier, actor.Id), new Claim(ActorClaims.KindClaim, "user"));
        context.Services.AddScoped<CurrentActor>();
        return actor;
    }
}
