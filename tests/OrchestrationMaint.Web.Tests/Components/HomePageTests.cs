using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Core.Target.Demo;
using OrchestrationMaint.Tests;
using OrchestrationMaint.Web.Components.Pages;

namespace OrchestrationMaint.Web.Tests.Components;

public sealed class HomePageTests : IAsyncDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly BunitContext _context = new();

    private IRenderedComponent<Home> RenderHome(string? root)
    {
        var location = new TargetLocation(Options.Create(new TargetOptions { Root = root }), Options.Create(new StorageOptions { DataDirectory = _temp.Path }));
        var demo = Options.Create(new DemoOptions());
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(new TargetStatusMonitor(new TargetInspector(location, TimeProvider.System), NullLogger<TargetStatusMonitor>.Instance, TimeProvider.System));
        _context.Services.AddSingleton(new DemoSimulator(location, demo, TimeProvider.System, NullLogger<DemoSimulator>.Instance));
        _context.Services.AddSingleton(demo);
        return _context.Render<Home>();
    }

    [Fact]
    public void Home_EmptyTargetDirectory_ShowsIncompleteAndEveryMissingPart()
    {
        var root = Directory.CreateDirectory(_temp.Combine("target")).FullName;

        var page = RenderHome(root);

        Assert.Contains("Target incomplete.", page.Find("[data-testid=target-summary]").TextContent, StringComparison.Ordinal);
        Assert.Equal(root, page.Find("[data-testid=target-root]").TextContent);
        var rows = page.FindAll("[data-testid=layout-table] tbody tr");
        Assert.Equal(TargetLayout.Entries.Count, rows.Count);
        Assert.Equal(TargetLayout.Entries.Count(e => e.Required), page.FindAll("td[data-state=Missing]").Count(td => td.TextContent.Contains("Missing", StringComparison.Ordinal)));
        Assert.Contains("0 of 9 required parts present", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Home_RootMissing_ShowsUnreachableWithTheReason()
    {
        var root = _temp.Combine("gone");

        var page = RenderHome(root);

        var summary = page.Find("[data-testid=target-summary]").TextContent;
        Assert.Contains("Target unreachable.", summary, StringComparison.Ordinal);
        Assert.Contains($"The target root '{root}' does not exist.", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Home_DemoTarget_ShowsReadyAndHowToUseARealOne()
    {
        new DemoTargetGenerator(TimeProvider.System).Generate(_temp.Combine("demo"), new DemoOptions { HistoryRecords = 100 });

        var page = RenderHome(root: null);

        Assert.Contains("Target ready.", page.Find("[data-testid=target-summary]").TextContent, StringComparison.Ordinal);
        Assert.Contains("9 of 9 required parts present", page.Markup, StringComparison.Ordinal);
        Assert.Contains("Target__Root", page.Markup, StringComparison.Ordinal);
        // Everything but the two parts the dashboard itself creates later (maintenance.log, backups/).
        Assert.Equal(TargetLayout.Entries.Count - 2, page.FindAll("td[data-state=Present]").Count);
    }

    [Fact]
    public void Home_TargetChangesWhileOpen_UpdatesWithoutReload()
    {
        var root = Directory.CreateDirectory(_temp.Combine("target")).FullName;
        var page = RenderHome(root);

        Directory.CreateDirectory(Path.Combine(root, ".git"));
        _context.Services.GetRequiredService<TargetStatusMonitor>().Refresh();

        page.WaitForAssertion(() => Assert.Contains("1 of 9 required parts present", page.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        _temp.Dispose();
    }
}
