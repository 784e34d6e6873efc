using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Core.Tests.Queue;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Access;

/// <summary>Roles enforced where the action happens (the queue, the account service), on a real SQLite file.</summary>
public sealed class AccessTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ProbeTask Task(string key, bool changesTarget) => new(key, changesTarget, (_, _) => System.Threading.Tasks.Task.FromResult(TaskOutcome.Success("done")));

    [Fact]
    public async Task Enqueue_ViewerAsksForAnyTask_IsRefusedAndAudited()
    {
        await using var harness = await QueueHarness.StartAsync(Task("look", false));
        var viewer = await harness.Database.AddUserAsync("vera", Role.Viewer);

        var result = await harness.Queue.EnqueueAsync("look", null, viewer, Token);

        Assert.True(result.Denied);
        Assert.Null(result.Run);
        Assert.Contains("needs the Operator role; vera has Viewer", Assert.Single(result.Errors), StringComparison.Ordinal);
        await using var db = harness.Database.CreateDbContext();
        Assert.Equal(0, await db.Runs.CountAsync(Token));
        var entry = await db.AuditEntries.SingleAsync(e => e.Action == "task.requested", Token);
        Assert.Equal((AuditOutcome.Denied, "vera", "look", "127.0.0.1"), (entry.Outcome, entry.Actor, entry.Target, entry.From));
    }

    [Fact]
    public async Task Enqueue_OperatorAsksForATargetChangingTask_IsRefused_RoutineTaskRuns()
    {
        await using var harness = await QueueHarness.StartAsync(Task("restore", true), Task("look", false));
        var operatorActor = await harness.Database.AddUserAsync("otto", Role.Operator);

        var restore = await harness.Queue.EnqueueAsync("restore", null, operatorActor, Token);
        var look = await harness.Queue.EnqueueAsync("look", null, operatorActor, Token);

        Assert.True(restore.Denied);
        Assert.Contains("needs the Admin role", restore.Errors[0], StringComparison.Ordinal);
        Assert.True(look.Accepted);
        var run = await harness.WaitFinishedAsync(look.Run!.Id);
        Assert.Equal((RunState.Succeeded, "otto", RunTrigger.User), (run.State, run.RequestedBy, run.Trigger));
        await using var db = harness.Database.CreateDbContext();
        var actions = await db.AuditEntries.Where(e => e.Target == "look").OrderBy(e => e.Id).Select(e => e.Action).ToListAsync(Token);
        Assert.Equal(["task.requested", "task.started", "task.finished"], actions);
    }

    [Fact]
    public async Task Enqueue_AdminDemotedAfterSigningIn_IsRefusedAtTheNextDestructiveCommand()
    {
        await using var harness = await QueueHarness.StartAsync(Task("restore", true));
        using var accounts = AccountServices.Create(harness.Database);
        var admin = await harness.Database.AddUserAsync("ada", Role.Admin);
        Assert.True((await harness.Queue.EnqueueAsync("restore", null, admin, Token)).Accepted);

        // Another Admin (the tester) demotes ada while her tab, holding the same actor, stays open.
        var demoted = await accounts.Admin.SetRoleAsync(harness.Tester, admin.Id, Role.Operator, Token);
        var again = await harness.Queue.EnqueueAsync("restore", new System.Text.Json.Nodes.JsonObject(), admin, Token);

        Assert.True(demoted.Succeeded, string.Join(" ", demoted.Errors));
        Assert.True(again.Denied);
    }

    [Fact]
    public async Task Guard_DisabledAccountRevokedOrExpiredKey_MayDoNothing()
    {
        using var temp = new TempDirectory("om-access");
        var database = await TestDatabase.MigratedAsync(temp.Combine("m.db"));
        var disabled = await database.AddUserAsync("gone", Role.Admin, disabled: true);
        var keys = new ApiKeyService(database, database.Guard, database.Audit, TimeProvider.System);
        var admin = await database.AddUserAsync("ada", Role.Admin);
        var revoked = await keys.CreateAsync(admin, "old", Role.Admin, null, Token);
        await keys.RevokeAsync(admin, revoked.Key.Id, Token);
        var expiring = await keys.CreateAsync(admin, "short", Role.Admin, DateTimeOffset.UtcNow.AddMilliseconds(300), Token);
        await System.Threading.Tasks.Task.Delay(400, Token);

        Assert.Null(await database.Guard.RoleOfAsync(disabled, Token));
        Assert.Null(await database.Guard.RoleOfAsync(Actor.ApiKey(revoked.Key.Id, "old"), Token));
        Assert.Null(await database.Guard.RoleOfAsync(Actor.ApiKey(expiring.Key.Id, "short"), Token));
        Assert.Null(await keys.AuthenticateAsync(revoked.Secret, Token));
        Assert.Null(await keys.AuthenticateAsync(expiring.Secret, Token));
        Assert.Equal(Role.Admin, await database.Guard.RoleOfAsync(Actor.Scheduler("nightly"), Token));
        var error = await Assert.ThrowsAsync<AccessDeniedException>(() => database.Guard.RequireAsync(disabled, Role.Viewer, "x.y", "look", null, Token));
        Assert.Contains("disabled or no longer exists", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_Created_IsStoredOnlyAsItsHashAndAuthenticates()
    {
        using var temp = new TempDirectory("om-access");
        var database = await TestDatabase.MigratedAsync(temp.Combine("m.db"));
        var keys = new ApiKeyService(database, database.Guard, database.Audit, TimeProvider.System);
        var admin = await database.AddUserAsync("ada", Role.Admin);

        var created = await keys.CreateAsync(admin, "ci", Role.Operator, null, Token);

        await using var db = database.CreateDbContext();
        var stored = await db.ApiKeys.SingleAsync(Token);
        Assert.DoesNotContain(created.Secret, stored.Hash, StringComparison.Ordinal);
        Assert.Equal(ApiKeyService.HashOf(created.Secret), stored.Hash);
        Assert.Equal(created.Key.Id, (await keys.AuthenticateAsync(created.Secret, Token))!.Id);
        Assert.NotNull((await keys.ListAsync(Token)).Single().LastUsedAt);
        Assert.Null(await keys.AuthenticateAsync(created.Secret + "x", Token));
    }

    [Fact]
    public async Task ApiKey_CreatedByAnOperator_IsRefused()
    {
        using var temp = new TempDirectory("om-access");
        var database = await TestDatabase.MigratedAsync(temp.Combine("m.db"));
        var keys = new ApiKeyService(database, database.Guard, database.Audit, TimeProvider.System);
        var operatorActor = await database.AddUserAsync("otto", Role.Operator);

        await Assert.ThrowsAsync<AccessDeniedException>(() => keys.CreateAsync(operatorActor, "mine", Role.Admin, null, Token));

        await using var db = database.CreateDbContext();
        Assert.Equal(0, await db.ApiKeys.CountAsync(Token));
        Assert.Equal(AuditOutcome.Denied, (await db.AuditEntries.SingleAsync(Token)).Outcome);
    }

    [Fact]
    public async Task ProvisionedKeys_ConfigurationChanges_AreFollowedAtStartUp()
    {
        using var temp = new TempDirectory("om-access");
        var database = await TestDatabase.MigratedAsync(temp.Combine("m.db"));
        var keys = new ApiKeyService(database, database.Guard, database.Audit, TimeProvider.System);
        var first = new ProvisionedApiKey { Name = "ci", Role = Role.Operator, Key = new string('a', 40) };
        var second = new ProvisionedApiKey { Name = "grafana", Role = Role.Viewer, Key = new string('b', 40) };

        await keys.ProvisionAsync([first, second], Token);
        await keys.ProvisionAsync([new ProvisionedApiKey { Name = "ci", Role = Role.Admin, Key = new string('c', 40) }], Token);

        Assert.Equal(Role.Admin, (await keys.AuthenticateAsync(new string('c', 40), Token))!.Role);
        Assert.Null(await keys.AuthenticateAsync(new string('a', 40), Token));
        Assert.Null(await keys.AuthenticateAsync(new string('b', 40), Token));
    }

    [Fact]
    public async Task Accounts_LastAdmin_CannotBeDemotedDisabledOrDeleted()
    {
        using var temp = new TempDirectory("om-access");
        var database = await TestDatabase.MigratedAsync(temp.Combine("m.db"));
        using var accounts = AccountServices.Create(database);
        var first = await accounts.Admin.CreateFirstAdminAsync("ada", "a-long-enough-password", Actor.System, Token);
        var ada = Actor.User(first.User!.Id, "ada");
        var bob = await accounts.Admin.CreateAsync(ada, "bob", Role.Admin, null, Token);

        var demoteBob = await accounts.Admin.SetRoleAsync(ada, bob.User!.Id, Role.Viewer, Token);
        var demoteAda = await accounts.Admin.SetRoleAsync(ada, ada.Id, Role.Operator, Token);
        var disableAda = await accounts.Admin.SetDisabledAsync(ada, ada.Id, true, Token);
        var deleteAda = await accounts.Admin.DeleteAsync(Actor.System, ada.Id, Token);

        Assert.True(demoteBob.Succeeded);
        Assert.Contains("last active Admin", Assert.Single(demoteAda.Errors), StringComparison.Ordinal);
        Assert.False(disableAda.Succeeded);
        Assert.Contains("last active Admin", Assert.Single(deleteAda.Errors), StringComparison.Ordinal);
        Assert.Equal(24, bob.GeneratedPassword!.Length);
    }

    [Fact]
    public async Task Accounts_TwoAdminsDemoteEachOtherAtOnce_OneAdminRemains()
    {
        using var temp = new TempDirectory("om-access");
        var database = await TestDatabase.MigratedAsync(temp.Combine("m.db"));
        using var accounts = AccountServices.Create(database);
        var ada = Actor.User((await accounts.Admin.CreateFirstAdminAsync("ada", "a-long-enough-password", Actor.System, Token)).User!.Id, "ada");
        var bob = Actor.User((await accounts.Admin.CreateAsync(ada, "bob", Role.Admin, null, Token)).User!.Id, "bob");

        async Task<bool> Demote(Actor by, Actor whom)
        {
            try
            {
                return (await accounts.Admin.SetRoleAsync(by, whom.Id, Role.Viewer, Token)).Succeeded;
            }
            catch (AccessDeniedException)
            {
                // The other one went first: this one is no longer an Admin.
                return false;
            }
        }

        var results = await System.Threading.Tasks.Task.WhenAll(Demote(ada, bob), Demote(bob, ada));

        Assert.Single(results, succeeded => succeeded);
        await using var db = database.CreateDbContext();
        Assert.Equal(1, await db.Users.CountAsync(u => u.Role == Role.Admin, Token));
    }

    [Fact]
    public async Task FirstAdmin_AnAccountExists_IsRefused()
    {
        using var temp = new TempDirectory("om-access");
        var database = await TestDatabase.MigratedAsync(temp.Combine("m.db"));
        using var accounts = AccountServices.Create(database);

        var first = await accounts.Admin.CreateFirstAdminAsync("ada", "a-long-enough-password", Actor.System, Token);
        var second = await accounts.Admin.CreateFirstAdminAsync("mallory", "another-long-password", Actor.System, Token);
        var shortPassword = await accounts.Admin.CreateAsync(Actor.User(first.User!.Id, "ada"), "eve", Role.Viewer, "short", Token);

        Assert.True(first.Succeeded);
        Assert.Contains("already done", Assert.Single(second.Errors), StringComparison.Ordinal);
        Assert.Contains(shortPassword.Errors, e => e.Contains("12", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuditTrail_UpdateOrDelete_IsRefusedByTheDatabase()
    {
        using var temp = new TempDirectory("om-access");
        var database = await TestDatabase.MigratedAsync(temp.Combine("m.db"));
        await database.Audit.WriteAsync(Actor.System, "test.written", AuditOutcome.Succeeded, "x", "y", Token);

        await using var db = database.CreateDbContext();
        var update = await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("UPDATE AuditEntries SET Actor = 'someone else'", Token));
        var delete = await Assert.ThrowsAsync<SqliteException>(() => db.AuditEntries.ExecuteDeleteAsync(Token));

        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
        Assert.Equal("system", (await db.AuditEntries.SingleAsync(Token)).Actor);
    }

    [Fact]
    public async Task AuditCsv_HostileValues_StayTextAndRoundTrip()
    {
        using var temp = new TempDirectory("om-access");
        var database = await TestDatabase.MigratedAsync(temp.Combine("m.db"));
        const string hostile = "=HYPERLINK(\"http://evil\",\"x\"), \"quoted\"\nsecond line ünïcode";
        await database.Audit.WriteAsync(new Actor(ActorKind.User, "1", "=cmd|' /C calc'!A0"), "user.created", AuditOutcome.Succeeded, "t", hostile, Token);

        await using var writer = new StringWriter();
        await database.Audit.WriteCsvAsync(new AuditFilter(), writer, Token);

        using var reader = CsvHelper.CsvReader.Create(new StringReader(writer.ToString()), new CsvHelper.CsvReaderOptions { HasHeader = true }, false);
        var rows = new List<string[]>();
        foreach (var record in reader)
        {
            var fields = new string[record.FieldCount];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = record.GetString(i);
            }

            rows.Add(fields);
        }

        var row = Assert.Single(rows);
        // Formula-looking cells are prefixed so a spreadsheet shows them as text; the rest survives byte for byte.
        Assert.Equal(("'=cmd|' /C calc'!A0", "'" + hostile), (row[3], row[8]));
    }

    /// <summary>The account service over Identity's real user manager and the test database.</summary>
    private sealed class AccountServices : IDisposable
    {
        private readonly ServiceProvider _provider;

        private AccountServices(ServiceProvider provider, UserAdmin admin) => (_provider, Admin) = (provider, admin);

        public UserAdmin Admin { get; }

        public static AccountServices Create(TestDatabase database)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddDataProtection().UseEphemeralDataProtectionProvider();
            services.AddScoped(_ => database.CreateDbContext());
            services.AddIdentityCore<AppUser>(IdentitySettings.Apply)
                .AddEntityFrameworkStores<MaintenanceDbContext>()
                .AddTokenProvider<DataProtectorTokenProvider<AppUser>>(TokenOptions.DefaultProvider);
            var provider = services.BuildServiceProvider();
            var admin = new UserAdmin(provider.GetRequiredService<IServiceScopeFactory>(), database, database.Guard, database.Audit,
                new AccessChanges(NullLogger<AccessChanges>.Instance), TimeProvider.System);
            return new AccountServices(provider, admin);
        }

        public void Dispose()
        {
            Admin.Dispose();
            _provider.Dispose();
        }
    }
}
