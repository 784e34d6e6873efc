using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Health;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Core.Target.Demo;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Tests;
using OrchestrationMaint.Web.Auth;
using OrchestrationMaint.Web.Components;
using OrchestrationMaint.Web.Components.Layout;
using OrchestrationMaint.Web.Components.Pages;

namespace OrchestrationMaint.Web.Tests.Components;

public sealed class TargetPageTests : IAsyncDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly BunitContext _context = new();
    private TargetStatusMonitor _monitor = default!;

    private IRenderedComponent<TargetPage> RenderTargetPage(string? root)
    {
        RegisterServices(root);
        return _context.Render<TargetPage>(parameters => parameters.AddCascadingValue(_monitor.Current));
    }

    private void RegisterServices(string? root)
    {
        var location = new TargetLocation(Options.Create(new TargetOptions { Root = root }), Options.Create(new StorageOptions { DataDirectory = _temp.Path }));
        var demo = Options.Create(new DemoOptions());
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _monitor = new TargetStatusMonitor(new TargetInspector(location, TimeProvider.System), NullLogger<TargetStatusMonitor>.Instance, TimeProvider.System);
        _context.Services.AddSingleton(new DemoSimulator(location, demo, TimeProvider.System, NullLogger<DemoSimulator>.Instance));
        _context.Services.AddSingleton(demo);
        _context.Services.AddSingleton(_monitor);
        _context.Services.AddSingleton(new HealthMonitor([], location, new NoChanges(), TimeProvider.System, NullLogger<HealthMonitor>.Instance));
        // The layout counts the alerts firing (the menu's badge): a real, migrated database.
        var database = new PooledDbContextFactory<MaintenanceDbContext>(new DbContextOptionsBuilder<MaintenanceDbContext>()
            .UseSqlite($"Data Source={_temp.Combine("maint.db")}", sqlite => sqlite.MigrationsAssembly(MaintenanceDbContext.MigrationsAssembly)).Options);
        new DatabaseMigrator(database, NullLogger<DatabaseMigrator>.Instance).StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        var audit = new AuditLog(database, TimeProvider.System, NullLogger<AuditLog>.Instance);
        var guard = new AccessGuard(database, audit, TimeProvider.System);
        var recorder = new MaintenanceRecorder(database, location, NullLogger<MaintenanceRecorder>.Instance);
        _context.Services.AddSingleton(new TaskQueue(new TaskCatalog([]), database, location,
            recorder, guard, audit, Options.Create(new QueueOptions()), TimeProvider.System, NullLogger<TaskQueue>.Instance));
        // The layout's maintenance banner reads the windows it has loaded (none here): no database either.
        _context.Services.AddSingleton(new TaskCatalog([]));
        _context.Services.AddSingleton(TimeProvider.System);
        _context.Services.AddSingleton(new MaintenanceWindows(database, recorder, guard, TimeProvider.System, NullLogger<MaintenanceWindows>.Instance));
        _context.AddAuthorization().SetAuthorized("operator").SetRoles(nameof(Role.Operator));
        _context.Services.AddScoped<CurrentActor>();
        _context.Services.AddScoped<CircuitRuns>();
        _context.Services.AddSingleton(new AlertEngine(database, [], guard, Options.Create(new AlertOptions()), TimeProvider.System, NullLogger<AlertEngine>.Instance));
        _context.Services.AddSingleton(new AlertQueries(database));
    }

    [Fact]
    public void TargetPage_EmptyTargetDirectory_ShowsIncompleteAndEveryMissingPart()
    {
        var root = Directory.CreateDirectory(_temp.Combine("target")).FullName;

        var page = RenderTargetPage(root);

        Assert.Contains("Target incomplete.", page.Find("[data-testid=target-summary]").TextContent, StringComparison.Ordinal);
        Assert.Equal(root, page.Find("[data-testid=target-root]").TextContent);
        var rows = page.FindAll("[data-testid=layout-table] tbody tr");
        Assert.Equal(TargetLayout.Entries.Count, rows.Count);
        Assert.Equal(TargetLayout.Entries.Count(e => e.Required), page.FindAll("td[data-state=Missing]").Count(td => td.TextContent.Contains("Missing", StringComparison.Ordinal)));
        Assert.Contains("0 of 9 required parts present", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void TargetPage_RootMissing_ShowsUnreachableWithTheReason()
    {
        var root = _temp.Combine("gone");

        var page = RenderTargetPage(root);

        var summary = page.Find("[data-testid=target-summary]").TextContent;
        Assert.Contains("Target unreachable.", summary, StringComparison.Ordinal);
        Assert.Contains($"The target root '{root}' does not exist.", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void TargetPage_DemoTarget_ShowsReadyAndHowToUseARealOne()
    {
        new DemoTargetGenerator(TimeProvider.System).Generate(_temp.Combine("demo"), new DemoOptions { HistoryRecords = 100 });

        var page = RenderTargetPage(root: null);

        Assert.Contains("Target ready.", page.Find("[data-testid=target-summary]").TextContent, StringComparison.Ordinal);
        Assert.Contains("9 of 9 required parts present", page.Markup, StringComparison.Ordinal);
        Assert.Contains("Target__Root", page.Markup, StringComparison.Ordinal);
        Assert.Equal(TargetLayout.Entries.Count, page.FindAll("td[data-state=Present]").Count);
    }


    private sealed class NoChanges : OrchestrationMaint.Core.IChangeSource
    {
        public IDisposable Subscribe(Action onChange) => new OrchestrationMaint.Core.Unsubscriber(() => { });
    }

    [Fact]
    public void MainLayout_TargetChangesWhileOpen_BadgeAndPageFollowWithoutReload()
    {
        var root = Directory.CreateDirectory(_temp.Combine("target")).FullName;
        RegisterServices(root);
        _context.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var layout = _context.Render<MainLayout>(parameters => parameters.Add(l => l.Body, (RenderFragment)(builder =>
        {
            builder.OpenComponent<TargetPage>(0);
            builder.CloseComponent();
        })));
        Assert.Equal("Degraded", layout.Find("[data-testid=target-badge]").GetAttribute("data-health"));

        Directory.Delete(root);
        _monitor.Refresh();

        layout.WaitForAssertion(() =>
        {
            Assert.Equal("Unhealthy", layout.Find("[data-testid=target-badge]").GetAttribute("data-health"));
            Assert.Contains("Target unreachable.", layout.Find("[data-testid=target-summary]").TextContent, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(5));
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        _temp.Dispose();
    }
}
