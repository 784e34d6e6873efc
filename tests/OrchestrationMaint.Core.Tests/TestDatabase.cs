using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Tests;

/// <summary>A real SQLite file configured as the app configures it.</summary>
internal sealed class TestDatabase(string path) : IDbContextFactory<MaintenanceDbContext>
{
    public MaintenanceDbContext CreateDbContext() => new(new DbContextOptionsBuilder<MaintenanceDbContext>()
        .UseSqlite($"Data Source={path}", sqlite => sqlite.MigrationsAssembly(MaintenanceDbContext.MigrationsAssembly))
        .AddInterceptors(new SqliteConnectionSetup())
        .Options);

    public AuditLog Audit => new(this, TimeProvider.System, NullLogger<AuditLog>.Instance);

    public AccessGuard Guard => new(this, Audit, TimeProvider.System);

    /// <summary>Stores an account (no password: the services only read its role) and returns it as an actor.</summary>
    public async Task<Actor> AddUserAsync(string name, Role role, bool disabled = false)
    {
        await using var db = CreateDbContext();
        var user = new AppUser { UserName = name, NormalizedUserName = name.ToUpperInvariant(), Role = role, Disabled = disabled, SecurityStamp = Guid.NewGuid().ToString() };
        db.Users.Add(user);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return Actor.User(user.Id, name, "127.0.0.1");
    }

    private readonly Dictionary<string, Actor> _operators = [];

    /// <summary>An Operator account by this name, stored the first time it is asked for.</summary>
    public async Task<Actor> OperatorAsync(string name)
    {
        if (!_operators.TryGetValue(name, out var actor))
        {
            _operators[name] = actor = await AddUserAsync(name, Role.Operator);
        }

        return actor;
    }

    /// <summary>Stores these Operator accounts, so that <see cref="Operator"/> can name them in the middle of an expression.</summary>
    public async Task AddOperatorsAsync(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            await OperatorAsync(name);
        }
    }

    public Actor Operator(string name) => _operators[name];

    public static async Task<TestDatabase> MigratedAsync(string path)
    {
        var database = new TestDatabase(path);
        await new DatabaseMigrator(database, NullLogger<DatabaseMigrator>.Instance).StartAsync(TestContext.Current.CancellationToken);
        return database;
    }
}
