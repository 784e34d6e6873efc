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

    public static async Task<TestDatabase> MigratedAsync(string path)
    {
        var database = new TestDatabase(path);
        await new DatabaseMigrator(database, NullLogger<DatabaseMigrator>.Instance).StartAsync(TestContext.Current.CancellationToken);
        return database;
    }
}
