using Microsoft.Extensions.Options;

namespace OrchestrationMaint.Core.Access;

/// <summary>One API key from configuration (Auth:ProvisionedApiKeys:N:Name|Role|Key).</summary>
public sealed class ProvisionedApiKey
{
    public string Name { get; set; } = "";

    public Role Role { get; set; } = Role.Viewer;

    public string Key { get; set; } = "";
}

public sealed class InitialAdminOptions
{
    public string? UserName { get; set; }

    public string? Password { get; set; }
}

/// <summary>Section "Auth".</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The first Admin, created at start-up only when no account exists (containers, automation).</summary>
    public InitialAdminOptions InitialAdmin { get; set; } = new();

    public List<ProvisionedApiKey> ProvisionedApiKeys { get; set; } = [];

    /// <summary>Sign-in attempts (and setup submissions) per client address per minute, before 429.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>Failed passwords in a row before an account is locked, and for how long.</summary>
    public int LockoutAttempts { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}

public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public const int MinPasswordLength = 12;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        var admin = options.InitialAdmin;
        if (string.IsNullOrWhiteSpace(admin.UserName) != string.IsNullOrEmpty(admin.Password))
        {
            errors.Add("Auth:InitialAdmin needs both UserName and Password (or neither).");
        }
        else if (admin.Password is { Length: > 0 and < MinPasswordLength })
        {
            errors.Add($"Auth:InitialAdmin:Password must be at least {MinPasswordLength} characters long.");
        }

        for (var i = 0; i < options.ProvisionedApiKeys.Count; i++)
        {
            var key = options.ProvisionedApiKeys[i];
            if (string.IsNullOrWhiteSpace(key.Name) || key.Name.Length > 100)
            {
                errors.Add($"Auth:ProvisionedApiKeys:{i}:Name must be 1 to 100 characters.");
            }

            if (key.Key.Length < ApiKeyService.MinProvisionedLength)
            {
                errors.Add($"Auth:ProvisionedApiKeys:{i}:Key must be at least {ApiKeyService.MinProvisionedLength} characters (generate one with: openssl rand -base64 32).");
            }

            if (!Enum.IsDefined(key.Role))
            {
                errors.Add($"Auth:ProvisionedApiKeys:{i}:Role must be Viewer, Operator or Admin.");
            }
        }

        if (options.ProvisionedApiKeys.GroupBy(k => k.Name).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            errors.Add($"Auth:ProvisionedApiKeys has two keys named '{duplicate.Key}'.");
        }

        if (options.SignInAttemptsPerMinute < 1 || options.LockoutAttempts < 1 || options.LockoutDuration <= TimeSpan.Zero)
        {
            errors.Add("Auth:SignInAttemptsPerMinute and Auth:LockoutAttempts must be at least 1, and Auth:LockoutDuration positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
