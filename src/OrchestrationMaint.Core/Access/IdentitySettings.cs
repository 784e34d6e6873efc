using Microsoft.AspNetCore.Identity;

namespace OrchestrationMaint.Core.Access;

public static class IdentitySettings
{
    /// <summary>Passwords follow NIST 800-63B: long, no composition rules. User names are plain, so logs and the audit trail stay readable.</summary>
    public static void Apply(IdentityOptions identity)
    {
        identity.Password.RequiredLength = AuthOptionsValidator.MinPasswordLength;
        identity.Password.RequireDigit = false;
        identity.Password.RequireLowercase = false;
        identity.Password.RequireUppercase = false;
        identity.Password.RequireNonAlphanumeric = false;
        identity.Password.RequiredUniqueChars = 4;
        identity.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._@+";
        identity.Lockout.AllowedForNewUsers = true;
    }
}
