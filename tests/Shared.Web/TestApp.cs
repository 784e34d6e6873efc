using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace OrchestrationMaint.Tests;

/// <summary>
/// The real app on real Kestrel (loopback, free port) with its own data directory under /tmp:
/// its own SQLite file, its own demo target, its own logs.
/// </summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    /// <summary>The Admin every test app starts with (Auth:InitialAdmin), unless a test removes it to exercise first-run setup.</summary>
    public const string AdminUser = "admin";
    public const string AdminPassword = "admin-password-for-tests";

    /// <summary>A provisioned Admin API key (Auth:ProvisionedApiKeys), sent by <see cref="CreateRealClient"/>.</summary>
    public const string AdminApiKey = "om-test-admin-key-0123456789abcdef0123456789";

    private readonly TempDirectory _data = new("om-app");
    private readonly Dictionary<string, string?> _settings;

    public TestApp() : this(null)
    {
    }

    /// <param name="settings">Configuration on top of the defaults below.</param>
    internal TestApp(IDictionary<string, string?>? settings)
    {
        _settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _data.Path,
            // Enough history to look real, small enough to generate in a few hundred milliseconds.
            ["Demo:HistoryRecords"] = "20000",
            ["Auth:InitialAdmin:UserName"] = AdminUser,
            ["Auth:InitialAdmin:Password"] = AdminPassword,
            ["Auth:ProvisionedApiKeys:0:Name"] = "tests",
            ["Auth:ProvisionedApiKeys:0:Role"] = "Admin",
            ["Auth:ProvisionedApiKeys:0:Key"] = AdminApiKey,
            // Alerts fire a second after their condition appears: the hold itself is tested in Core with a hand-driven clock.
            ["Alerts:HoldTime"] = "00:00:01",
            ["Alerts:ClearTime"] = "00:00:01",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            // null removes a default (e.g. no initial Admin, to exercise first-run setup).
            if (value is null)
            {
                _settings.Remove(key);
            }
            else
            {
                _settings[key] = value;
            }
        }

        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
    }

    public string DataDirectory => _data.Path;

    /// <summary>Starts the server on first use and returns its real address.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First());
        }
    }

    /// <summary>A client on the real socket that authenticates with the Admin API key.</summary>
    public HttpClient CreateRealClient() => CreateRealClient(AdminApiKey);

    /// <summary>A client on the real socket with this API key, or none (anonymous); redirects are not followed.</summary>
    public HttpClient CreateRealClient(string? apiKey)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    /// <summary>An account by this name and role (created with a random password the first time), as the services see who acts.</summary>
    public async Task<OrchestrationMaint.Core.Access.Actor> ActorAsync(string name, OrchestrationMaint.Core.Access.Role role = OrchestrationMaint.Core.Access.Role.Operator)
    {
        var accounts = Services.GetRequiredService<OrchestrationMaint.Core.Access.UserAdmin>();
        var existing = (await accounts.ListAsync(CancellationToken.None)).FirstOrDefault(u => u.UserName == name)
            ?? (await accounts.CreateAsync(OrchestrationMaint.Core.Access.Actor.System, name, role, null, CancellationToken.None)).User!;
        return OrchestrationMaint.Core.Access.Actor.User(existing.Id, name, "127.0.0.1");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development resolves static web assets from the build output, as `dotnet run` does.
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _data.Dispose();
    }
}
