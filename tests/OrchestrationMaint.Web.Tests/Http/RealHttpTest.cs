using Microsoft.Extensions.DependencyInjection;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Web.Tests.Http;

/// <summary>
/// The app on real Kestrel with the demo simulation off, an Admin-key client on its socket, and both disposed after
/// the test: the life cycle every API test class repeats, in one place.
/// </summary>
public abstract class RealHttpTest : IAsyncLifetime
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected TestApp App { get; } = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });

    protected HttpClient Client { get; private set; } = default!;

    protected T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public ValueTask InitializeAsync()
    {
        Client = App.CreateRealClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
