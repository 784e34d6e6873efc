using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Health;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Records.Contacts;
using OrchestrationMaint.Core.Records.Incidents;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Tests;
using OrchestrationMaint.Web.Auth;
using OrchestrationMaint.Web.Components;

namespace OrchestrationMaint.Web.Tests.Components;

/// <summary>bUnit with the real contact and incident services on a real, migrated SQLite file.</summary>
internal sealed class RecordsComponentContext : IAsyncDisposable
{
    private readonly TempDirectory _temp = new("om-records-ui");

    private RecordsComponentContext()
    {
        Database = new PooledDbContextFactory<MaintenanceDbContext>(new DbContextOptionsBuilder<MaintenanceDbContext>()
            .UseSqlite($"Data Source={_temp.Combine("maint.db")}", sqlite => sqlite.MigrationsAssembly(MaintenanceDbContext.MigrationsAssembly))
            .AddInterceptors(new SqliteConnectionSetup()).Options);
        Audit = new AuditLog(Database, TimeProvider.System, NullLogger<AuditLog>.Instance);
        Guard = new AccessGuard(Database, Audit, TimeProvider.System);
        Contacts = new ContactBook(Database, Guard, TimeProvider.System, NullLogger<ContactBook>.Instance);
        Incidents = new IncidentService(Database, new TaskCatalog([]), Guard, TimeProvider.System, NullLogger<IncidentService>.Instance);
        Bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        Bunit.Services.AddMudServices();
        Bunit.Services.AddSingleton(Contacts);
        Bunit.Services.AddSingleton(Incidents);
    }

    public AuditLog Audit { get; }

    public AccessGuard Guard { get; }

    private readonly Dictionary<string, Actor> _actors = [];

    /// <summary>An Operator account by that name; "alice" is the one signed in to the rendered components.</summary>
    public Actor As(string name) => _actors[name];

    public BunitContext Bunit { get; } = new();

    public IDbContextFactory<MaintenanceDbContext> Database { get; }

    public ContactBook Contacts { get; }

    public IncidentService Incidents { get; }

    public static async Task<RecordsComponentContext> CreateAsync()
    {
        var context = new RecordsComponentContext();
        await new DatabaseMigrator(context.Database, NullLogger<DatabaseMigrator>.Instance).StartAsync(Xunit.TestContext.Current.CancellationToken);
        // The rendered components act as the signed-in alice; bob acts from elsewhere.
        context._actors["alice"] = await context.Bunit.AsAsync(context.Database, "alice");
        context._actors["bob"] = await SignedIn.AddAccountAsync(context.Database, "bob");
        return context;
    }

    /// <summary>What the incident page needs beyond the records: the queue, the run history and the tab's runs.</summary>
    public void AddRunServices()
    {
        var location = new TargetLocation(Options.Create(new TargetOptions { Root = _temp.Path }), Options.Create(new StorageOptions { DataDirectory = _temp.Path }));
        Bunit.Services.AddSingleton(new TaskCatalog([]));
        Bunit.Services.AddSingleton(new RunHistory(Database, TimeProvider.System));
        var recorder = new MaintenanceRecorder(Database, location, NullLogger<MaintenanceRecorder>.Instance);
        Bunit.Services.AddSingleton(new TaskQueue(new TaskCatalog([]), Database, location, recorder,
            Guard, Audit, Options.Create(new QueueOptions()), TimeProvider.System, NullLogger<TaskQueue>.Instance));
        // Starting a run asks about maintenance windows (none here).
        Bunit.Services.AddSingleton(new MaintenanceWindows(Database, recorder, Guard, TimeProvider.System, NullLogger<MaintenanceWindows>.Instance));
        Bunit.Services.AddScoped<CircuitRuns>();
    }

    /// <summary>The text box inside a MudBlazor field marked with <paramref name="testId"/>.</summary>
    public static IElement Field<T>(IRenderedComponent<T> component, string testId)
        where T : Microsoft.AspNetCore.Components.IComponent
    {
        var element = component.Find($"[data-testid={testId}]");
        return element.TagName is "INPUT" or "TEXTAREA" ? element : element.QuerySelector("input, textarea")!;
    }

    /// <summary>The error a MudBlazor field shows under itself (without its character counter); null when it shows none.</summary>
    public static string? ErrorText<T>(IRenderedComponent<T> component, string testId)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        component.Find($"[data-testid={testId}]").Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text.mud-input-error .me-auto")?.TextContent.Trim();

    public async ValueTask DisposeAsync()
    {
        await Bunit.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }
}
