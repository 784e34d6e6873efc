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
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
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

    public HttpClient CreateRealClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

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
