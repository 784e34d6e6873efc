using Microsoft.AspNetCore.Identity;

namespace OrchestrationMaint.Core.Access;

/// <summary>An account. One role per account, kept on the row: three nested roles need no role tables.</summary>
public sealed class AppUser : IdentityUser
{
    public Role Role { get; set; }

    /// <summary>A disabled account cannot sign in, and its open browser tabs are signed out.</summary>
    public bool Disabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }
}
