using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Web.Components.Alerts;

namespace OrchestrationMaint.Web.Tests.Components;

/// <summary>The dashboard's alerts against the real engine on a SQLite file: live, text-only, acknowledge for Operators.</summary>
public sealed class OpenAlertsCardTests : IAsyncLifetime
{
    private RecordsComponentContext _context = null!;
    private AlertEngine _engine = null!;

    private static CancellationToken Token => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _context = await RecordsComponentContext.CreateAsync();
        _engine = new AlertEngine(_context.Database, [], _context.Guard, Options.Create(new AlertOptions { HoldTime = TimeSpan.Zero }), TimeProvider.System, NullLogger<AlertEngine>.Instance);
        _context.Bunit.Services.AddSingleton(_engine);
        _context.Bunit.Services.AddSingleton(new AlertQueries(_context.Database));
        _context.Bunit.Services.AddScoped<AlertAcknowledger>();
    }

    public async ValueTask DisposeAsync()
    {
        _engine.Dispose();
        await _context.DisposeAsync();
    }

    [Fact]
    public async Task OpenAlertsCard_AlertFiresWhileShown_AppearsWithoutReloadAndItsTextStaysText()
    {
        var card = _context.Bunit.Render<OpenAlertsCard>();
        card.WaitForAssertion(() => Assert.NotNull(card.Find("[data-testid=no-alerts]")));

        await _engine.EvaluateAsync([new AlertCondition("check:git", AlertKind.HealthCheck, AlertLevel.Warning, "Git <i>repository</i>", "origin says <script>alert(1)</script>")], null, Token);

        card.WaitForAssertion(() => Assert.Equal("Firing", card.Find("[data-alert='check:git']").GetAttribute("data-state")));
        var alert = card.Find("[data-alert='check:git']");
        Assert.Contains("origin says <script>alert(1)</script>", alert.TextContent);
        Assert.Empty(alert.QuerySelectorAll("script, i"));
        Assert.NotNull(alert.QuerySelector("[data-testid=acknowledge]"));
    }

    [Fact]
    public async Task OpenAlertsCard_InsideAWindow_MarkedExpected()
    {
        await _engine.EvaluateAsync([new AlertCondition("disk", AlertKind.DiskUsage, AlertLevel.Critical, "Disk space", "96 % used")], "Maintenance window #3: grow the disk", Token);

        var card = _context.Bunit.Render<OpenAlertsCard>();

        card.WaitForAssertion(() => Assert.Equal("Maintenance window #3: grow the disk", card.Find("[data-testid=alert-expected]").GetAttribute("title")));
    }

    [Fact]
    public async Task OpenAlertsCard_AsAViewer_NoAcknowledgeButton()
    {
        await _context.Bunit.AsAsync(_context.Database, "victor", Core.Access.Role.Viewer);
        await _engine.EvaluateAsync([new AlertCondition("backups", AlertKind.BackupAge, AlertLevel.Warning, "Backups", "Newest backup is 9 days old.")], null, Token);

        var card = _context.Bunit.Render<OpenAlertsCard>();

        card.WaitForAssertion(() => Assert.NotNull(card.Find("[data-alert=backups]")));
        Assert.Empty(card.FindAll("[data-testid=acknowledge]"));
    }
}
