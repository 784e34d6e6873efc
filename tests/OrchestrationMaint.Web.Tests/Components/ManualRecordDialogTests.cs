using Bunit;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using MudBlazor;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Tests;
using OrchestrationMaint.Web.Components.Records;

namespace OrchestrationMaint.Web.Tests.Components;

/// <summary>The manual-record form's checks, on a real SQLite file: what is wrong is said per field, and nothing typed is lost.</summary>
public sealed class ManualRecordDialogTests : IAsyncDisposable
{
    private static readonly CancellationToken Ct = Xunit.TestContext.Current.CancellationToken;
    private readonly TempDirectory _temp = new("om-record-form");
    private readonly BunitContext _context = new();
    private PooledDbContextFactory<MaintenanceDbContext> _database = null!;
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;
    private IRenderedComponent<MudPopoverProvider> _popovers = null!;
    private IDialogReference _reference = null!;

    private async Task OpenAsync()
    {
        Directory.CreateDirectory(_temp.Combine("target", "logs"));
        _database = new PooledDbContextFactory<MaintenanceDbContext>(new DbContextOptionsBuilder<MaintenanceDbContext>()
            .UseSqlite($"Data Source={_temp.Combine("maint.db")}", sqlite => sqlite.MigrationsAssembly(MaintenanceDbContext.MigrationsAssembly)).Options);
        await new DatabaseMigrator(_database, NullLogger<DatabaseMigrator>.Instance).StartAsync(Ct);
        var location = new TargetLocation(Options.Create(new TargetOptions { Root = _temp.Combine("target") }), Options.Create(new StorageOptions { DataDirectory = _temp.Path }));
        var recorder = new MaintenanceRecorder(_database, location, NullLogger<MaintenanceRecorder>.Instance);
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(TimeProvider.System);
        _context.Services.AddSingleton(new TaskCatalog([]));
        var audit = new AuditLog(_database, TimeProvider.System, NullLogger<AuditLog>.Instance);
        _context.Services.AddSingleton(new RecordBook(_database, recorder, new AccessGuard(_database, audit, TimeProvider.System), TimeProvider.System));
        await _context.AsAsync(_database, "operator");
        _popovers = _context.Render<MudPopoverProvider>();
        _dialogs = _context.Render<MudDialogProvider>();
        var service = _context.Services.GetRequiredService<IDialogService>();
        await _dialogs.InvokeAsync(async () => _reference = await service.ShowAsync<ManualRecordDialog>(string.Empty));
    }

    private async Task<int> StoredAsync()
    {
        await using var db = await _database.CreateDbContextAsync(Ct);
        return await db.MaintenanceRecords.CountAsync(Ct);
    }

    private string ErrorsShown => string.Join(" | ", _dialogs.FindAll(".mud-input-helper-text.mud-input-error, [data-testid=record-at-error]").Select(e => e.TextContent.Trim()));

    [Fact]
    public async Task Save_NothingFilledIn_SaysWhatIsMissingAndStoresNothing()
    {
        await OpenAsync();

        await _dialogs.Find("[data-testid=save-record]").ClickAsync(new());

        _dialogs.WaitForAssertion(() =>
        {
            Assert.Contains("Say which task or activity this was", ErrorsShown, StringComparison.Ordinal);
            Assert.Contains("Choose an outcome: succeeded, partial, failed, noted.", ErrorsShown, StringComparison.Ordinal);
        });
        Assert.False(_reference.Result.IsCompleted);
        Assert.Equal(0, await StoredAsync());

        // Correcting one field takes its message away; the others stay until they are corrected too.
        var task = _dialogs.Find("input[data-testid=record-task]");
        task.Input("replace-disk-node-14");
        task.Blur();
        _dialogs.WaitForAssertion(() =>
        {
            Assert.DoesNotContain("Say which task", ErrorsShown, StringComparison.Ordinal);
            Assert.Contains("Choose an outcome", ErrorsShown, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Save_IssuesTooLongAndTimeInTheFuture_EachSaidAndTheTextKept()
    {
        await OpenAsync();
        var issues = new string('x', 4001);
        _dialogs.Find("textarea[data-testid=record-issues]").Input(issues);
        await _dialogs.Find("input[data-testid=record-earlier]").ClickAsync(new());
        _dialogs.WaitForElement("input[data-testid=record-date]").Change("2099-01-01");

        await _dialogs.Find("[data-testid=save-record]").ClickAsync(new());

        _dialogs.WaitForAssertion(() =>
        {
            Assert.Contains("The issues are 4001 characters long: keep them to 4000.", ErrorsShown, StringComparison.Ordinal);
            Assert.Contains("That time is in the future", ErrorsShown, StringComparison.Ordinal);
        });
        Assert.Equal(issues, _dialogs.Find("textarea[data-testid=record-issues]").GetAttribute("value") ?? _dialogs.Find("textarea[data-testid=record-issues]").TextContent);
        Assert.Equal(0, await StoredAsync());
    }

    [Fact]
    public async Task Save_TaskAndOutcomeGiven_ClosesWithTheStoredRecord()
    {
        await OpenAsync();
        var task = _dialogs.Find("input[data-testid=record-task]");
        task.Input("replace-disk-node-14");
        task.Blur();
        _dialogs.Find("[data-testid=record-outcome-select]").MouseDown();
        _popovers.WaitForElement(".mud-list-item");
        var item = _popovers.FindAll(".mud-list-item").First(e => e.TextContent.Contains("partial", StringComparison.Ordinal));
        await item.ClickAsync(new());
        _dialogs.Find("textarea[data-testid=record-notes]").Input("<script>alert(1)</script> swapped the disk");

        await _dialogs.Find("[data-testid=save-record]").ClickAsync(new());

        var result = await _reference.Result.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var record = Assert.IsType<MaintenanceRecord>(result!.Data);
        Assert.Equal(("replace-disk-node-14", "partial", "operator"), (record.Task, record.Outcome, record.RequestedBy));
        Assert.Equal("<script>alert(1)</script> swapped the disk", record.Notes);
        Assert.Equal(1, await StoredAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        _temp.Dispose();
    }
}
