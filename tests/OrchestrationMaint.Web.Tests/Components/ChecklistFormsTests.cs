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
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records.Checklist;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Tests;
using OrchestrationMaint.Web.Auth;
using OrchestrationMaint.Web.Components.Checklist;
using OrchestrationMaint.Web.Components;

namespace OrchestrationMaint.Web.Tests.Components;

/// <summary>The checklist's forms rendered by bUnit, backed by the real store on a real SQLite file.</summary>
public sealed class ChecklistFormsTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new("om-checklist-ui");
    private readonly BunitContext _context = new();
    private IDbContextFactory<MaintenanceDbContext> _database = null!;
    private ChecklistStore _store = null!;
    private ChecklistQueries _queries = null!;
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    private readonly Dictionary<string, Actor> _actors = [];

    private static CancellationToken Token => Xunit.TestContext.Current.CancellationToken;

    private sealed class NamedTask(string key) : IMaintenanceTask
    {
        public TaskDescriptor Descriptor { get; } = new(key, key, key, TaskCadence.Daily, false, TimeSpan.FromMinutes(1), [], "");

        public Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken) => Task.FromResult(TaskOutcome.Success("ok"));
    }

    public async ValueTask InitializeAsync()
    {
        _database = new PooledDbContextFactory<MaintenanceDbContext>(new DbContextOptionsBuilder<MaintenanceDbContext>()
            .UseSqlite($"Data Source={_temp.Combine("maint.db")}", sqlite => sqlite.MigrationsAssembly(MaintenanceDbContext.MigrationsAssembly))
            .AddInterceptors(new SqliteConnectionSetup()).Options);
        await new DatabaseMigrator(_database, NullLogger<DatabaseMigrator>.Instance).StartAsync(Token);
        var catalog = new TaskCatalog([new NamedTask("health-check")]);
        var calendar = new ChecklistCalendar(Options.Create(new ChecklistOptions { TimeZone = "UTC" }), TimeProvider.System);
        var audit = new AuditLog(_database, TimeProvider.System, NullLogger<AuditLog>.Instance);
        var guard = new AccessGuard(_database, audit, TimeProvider.System);
        _store = new ChecklistStore(_database, catalog, calendar, guard, NullLogger<ChecklistStore>.Instance);
        // The dialogs act as the signed-in alice; bob ticks from elsewhere.
        _actors["alice"] = await _context.AsAsync(_database, "alice");
        _actors["bob"] = await SignedIn.AddAccountAsync(_database, "bob");
        _queries = new ChecklistQueries(_database, calendar);
        var location = new TargetLocation(Options.Create(new TargetOptions { Root = _temp.Path }), Options.Create(new StorageOptions { DataDirectory = _temp.Path }));

        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(TimeProvider.System);
        _context.Services.AddSingleton(catalog);
        _context.Services.AddSingleton(_store);
        _context.Services.AddSingleton(_queries);
        var recorder = new MaintenanceRecorder(_database, location, NullLogger<MaintenanceRecorder>.Instance);
        _context.Services.AddSingleton(new TaskQueue(catalog, _database, location, recorder,
            guard, audit, Options.Create(new QueueOptions()), TimeProvider.System, NullLogger<TaskQueue>.Instance));
        // Starting a run asks about maintenance windows (none here).
        _context.Services.AddSingleton(new MaintenanceWindows(_database, recorder, guard, TimeProvider.System, NullLogger<MaintenanceWindows>.Instance));
        _context.Services.AddScoped<CircuitRuns>();
        _dialogs = _context.Render<MudDialogProvider>();
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private async Task<IDialogReference> ShowAsync<TDialog>(DialogParameters<TDialog> parameters)
        where TDialog : Microsoft.AspNetCore.Components.IComponent
    {
        var service = _context.Services.GetRequiredService<IDialogService>();
        return await _dialogs.InvokeAsync(() => service.ShowAsync<TDialog>(null, parameters));
    }

    /// <summary>The text box of a MudBlazor field: the test id lands on the input itself or on a wrapper, depending on the component.</summary>
    private AngleSharp.Dom.IElement Field(string testId) =>
        _dialogs.Find($"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea");

    private async Task<ChecklistRow> AddRowAsync(string title)
    {
        Assert.Empty((await _store.SaveItemAsync(null, 0, new ChecklistItemDraft(title, "", ChecklistCadence.Daily, "health-check", false), _actors["alice"], Token)).Errors);
        return (await _queries.BoardAsync(Token)).Rows.Single(r => r.Item.Title == title);
    }

    private async Task<int> CountAsync<T>(Func<MaintenanceDbContext, IQueryable<T>> set)
    {
        await using var db = await _database.CreateDbContextAsync(Token);
        return await set(db).CountAsync(Token);
    }

    [Fact]
    public async Task ItemDialog_SavedWithoutAName_SaysSoAndStoresNothing()
    {
        await ShowAsync(new DialogParameters<ItemDialog>());

        _dialogs.Find("[data-testid=save-item]").Click();

        _dialogs.WaitForAssertion(() => Assert.Equal("Give the item a name.", _dialogs.Find("[data-testid=item-error]").TextContent.Trim()));
        Assert.Equal(0, await CountAsync(db => db.ChecklistItems));
    }

    [Fact]
    public async Task ItemDialog_RefusalOfTheLastSave_GoesAsSoonAsTheNameChanges()
    {
        await ShowAsync(new DialogParameters<ItemDialog>());
        _dialogs.Find("[data-testid=save-item]").Click();
        _dialogs.WaitForAssertion(() => Assert.Single(_dialogs.FindAll("[data-testid=item-error]")));

        Field("item-title").Input("Rotate the on-call phone");

        _dialogs.WaitForAssertion(() => Assert.Empty(_dialogs.FindAll("[data-testid=item-error]")));
    }

    [Fact]
    public async Task ItemDialog_OverLongName_ShowsTheLimitWhileTypingAndOnSave()
    {
        await ShowAsync(new DialogParameters<ItemDialog>());

        Field("item-title").Input(new string('n', 201));
        _dialogs.WaitForAssertion(() => Assert.Contains("The name is 201 characters long; keep it to 200.", _dialogs.Markup, StringComparison.Ordinal));
        _dialogs.Find("[data-testid=save-item]").Click();

        _dialogs.WaitForAssertion(() => Assert.Equal("The name is 201 characters long; keep it to 200.", _dialogs.Find("[data-testid=item-error]").TextContent.Trim()));
        Assert.Equal(0, await CountAsync(db => db.ChecklistItems));
    }

    [Fact]
    public async Task ItemDialog_ValidName_IsStoredAndTheDialogCloses()
    {
        var dialog = await ShowAsync(new DialogParameters<ItemDialog>());

        Field("item-title").Input("  Rotate the on-call phone  ");
        _dialogs.Find("[data-testid=save-item]").Click();

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5), Token);
        var saved = Assert.IsType<ChecklistItem>(result!.Data);
        Assert.Equal(("Rotate the on-call phone", ChecklistCadence.Weekly, "alice"), (saved.Title, saved.Cadence, saved.CreatedBy));
        Assert.Equal(1, await CountAsync(db => db.ChecklistItems));
    }

    [Fact]
    public async Task ItemDialog_AutoTickWithoutATask_CannotBeSwitchedOn()
    {
        await ShowAsync(new DialogParameters<ItemDialog>());

        var toggle = _dialogs.Find("[data-testid=item-autotick] input");

        Assert.True(toggle.HasAttribute("disabled"));
        Assert.Contains("Auto-tick (choose a task first)", _dialogs.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TickDialog_OverLongNote_IsRefusedWithItsLengthAndNothingIsTicked()
    {
        var row = await AddRowAsync("Verify system health");
        await ShowAsync(new DialogParameters<TickDialog> { { d => d.Row, row } });

        Field("tick-note").Input(new string('x', 1001));
        _dialogs.WaitForAssertion(() => Assert.Contains("The note is 1001 characters long; keep it to 1000.", _dialogs.Markup, StringComparison.Ordinal));
        _dialogs.Find("[data-testid=confirm-tick]").Click();

        _dialogs.WaitForAssertion(() => Assert.Equal("The note is 1001 characters long; keep it to 1000.", _dialogs.Find("[data-testid=tick-error]").TextContent.Trim()));
        Assert.Equal(0, await CountAsync(db => db.ChecklistTicks));
    }

    [Fact]
    public async Task TickDialog_EvidenceRunThatDoesNotExist_IsNamedAndNothingIsTicked()
    {
        var row = await AddRowAsync("Verify system health");
        await ShowAsync(new DialogParameters<TickDialog> { { d => d.Row, row } });

        Field("tick-run").Change("999");
        _dialogs.Find("[data-testid=confirm-tick]").Click();

        _dialogs.WaitForAssertion(() => Assert.Equal("There is no run #999.", _dialogs.Find("[data-testid=tick-error]").TextContent.Trim()));
        Assert.Equal(0, await CountAsync(db => db.ChecklistTicks));
    }

    [Fact]
    public async Task TickDialog_ItemTickedMeanwhileElsewhere_NamesWhoTickedFirstAndOffersOnlyClose()
    {
        var row = await AddRowAsync("Verify system health");
        await ShowAsync(new DialogParameters<TickDialog> { { d => d.Row, row } });
        Assert.True((await _store.TickAsync(new TickRequest(row.Item.Id), _actors["bob"], Token)).Ticked);

        _dialogs.Find("[data-testid=confirm-tick]").Click();

        _dialogs.WaitForAssertion(() => Assert.Matches(@"^Already ticked by bob at today \d\d:\d\d UTC: nothing more to do\.$", _dialogs.Find("[data-testid=tick-error]").TextContent.Trim()));
        Assert.True(_dialogs.Find("[data-testid=confirm-tick]").HasAttribute("disabled"));
        Assert.Equal(1, await CountAsync(db => db.ChecklistTicks));
    }

    [Fact]
    public async Task TickDialog_NoteWithScriptAndHtml_IsStoredAndShownAsText()
    {
        const string note = "<script>alert('x')</script><b>bold</b>";
        var row = await AddRowAsync("Verify system health");
        var dialog = await ShowAsync(new DialogParameters<TickDialog> { { d => d.Row, row } });
        Field("tick-note").Input(note);
        _dialogs.Find("[data-testid=confirm-tick]").Click();
        await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5), Token);

        var board = _context.Render<ChecklistBoardView>(p => p.Add(b => b.Board, _queries.BoardAsync(Token).GetAwaiter().GetResult()));

        var shown = board.Find("[data-testid=tick-note-text]");
        Assert.Equal(note, shown.TextContent);
        Assert.Empty(shown.Children);
        Assert.Contains("&lt;script&gt;", board.Markup, StringComparison.Ordinal);
    }
}
