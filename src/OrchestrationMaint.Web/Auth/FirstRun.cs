using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;

namespace OrchestrationMaint.Web.Auth;

/// <summary>The one-time setup link's token: random per start, valid while no account exists, gone once the first Admin is made.</summary>
public sealed class SetupToken
{
    private string? _token;

    public bool IsActive => Volatile.Read(ref _token) is not null;

    public string Issue() => Volatile.Read(ref _token) ?? Interlocked.CompareExchange(ref _token, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)), null) ?? _token!;

    public bool Matches(string? candidate) =>
        Volatile.Read(ref _token) is { } token && candidate is not null
        && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(token), System.Text.Encoding.ASCII.GetBytes(candidate));

    public void Retire() => Volatile.Write(ref _token, null);
}

/// <summary>
/// At start-up: provisioned API keys are brought in step with configuration; when no account exists, the
/// first Admin comes from configuration (Auth:InitialAdmin) or a one-time setup link is written to the log
/// once Kestrel listens. There is never a default password.
/// </summary>
public sealed class FirstRun(
    UserAdmin users,
    ApiKeyService keys,
    SetupToken token,
    IOptions<AuthOptions> options,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILogger<FirstRun> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await keys.ProvisionAsync(options.Value.ProvisionedApiKeys, cancellationToken);
        if (await users.AnyUserAsync(cancellationToken))
        {
            return;
        }

        if (options.Value.InitialAdmin is { UserName: { Length: > 0 } name, Password: { Length: > 0 } password })
        {
            var created = await users.CreateFirstAdminAsync(name, password, Actor.System, cancellationToken);
            if (!created.Succeeded)
            {
                throw new OptionsValidationException("Auth:InitialAdmin", typeof(AuthOptions), [$"Auth:InitialAdmin could not be created: {string.Join(" ", created.Errors)}"]);
            }

            logger.LogInformation("Created the first Admin account '{UserName}' from configuration (Auth:InitialAdmin).", name);
            return;
        }

        var secret = token.Issue();
        // The address is known only once Kestrel listens.
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var bases = addresses.Count == 0 ? ["http://<this host>"] : addresses.Select(a => a.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal));
            foreach (var address in bases)
            {
                logger.LogWarning("No account exists yet. Create the first Admin here (the link works once, and only until this app restarts): {SetupUrl}",
                    $"{address.TrimEnd('/')}{AppUrls.Setup}?token={secret}");
            }
        });
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
