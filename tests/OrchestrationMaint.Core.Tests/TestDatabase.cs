using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Tests;

/// <summary>A real SQLite file configured as the app configures it.</summary>
internal sealed class TestDatabase(string path) : IDbContextFactory<MaintenanceDbContext>
{
    public MaintenanceDbContext CreateDbContext() => new(new DbContextOptionsBuilder<MaintenanceDbContext>()
        .UseSqlite($"Data Source={path}", sqlite => sqlite.MigrationsAssembly(MaintenanceDbContext.MigrationsAssembly))
        .AddInterceptors(new SqliteConnectionSetup())
        .Options);

    public static async Task<TestDatabase> MigratedAsync(string path)
    {
        var database = new TestDatabase(path);
        await new DatabaseMigrator(database, NullLogger<DatabaseMigrator>.Instance).StartAsync(TestContext.Current.CancellationToken);
        return database;
    }
}
