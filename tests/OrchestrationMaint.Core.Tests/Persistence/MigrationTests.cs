using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Persistence;

public sealed class MigrationTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrator_EmptyFile_AppliesEveryMigrationAndTurnsOnWal()
    {
        using var temp = new TempDirectory();
        var factory = new TestDatabase(temp.Combine("fresh.db"));

        await new DatabaseMigrator(factory, NullLogger<DatabaseMigrator>.Instance).StartAsync(Ct);

        await using var db = factory.CreateDbContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync(Ct));
        Assert.Equal("wal", await Scalar(db, "PRAGMA journal_mode;"));
        Assert.Equal(1L, await Scalar(db, "PRAGMA foreign_keys;"));
        Assert.Equal((long)SqliteConnectionSetup.BusyTimeoutMilliseconds, await Scalar(db, "PRAGMA busy_timeout;"));
    }

    [Fact]
    public async Task Migrator_DatabaseAtEachOlderMigration_UpgradesAndKeepsData()
    {
        using var temp = new TempDirectory();
        var all = new TestDatabase(temp.Combine("probe.db")).CreateDbContext().Database.GetMigrations().ToList();
        Assert.NotEmpty(all);

        foreach (var (older, index) in all.SkipLast(1).Prepend(null).Select((m, i) => (m, i)))
        {
            var factory = new TestDatabase(temp.Combine($"at-{index}.db"));
            await using (var db = factory.CreateDbContext())
            {
                await db.GetService<IMigrator>().MigrateAsync(older ?? Migration.InitialDatabase, Ct);
                if (older is not null)
                {
                    // Data written by the older version, in the older schema, must survive the upgrade.
                    await db.Database.ExecuteSqlRawAsync("INSERT INTO Settings (Key, Value, UpdatedAt, UpdatedBy) VALUES ('probe', 'kept', 0, 'old version')", Ct);
                }
            }

            await new DatabaseMigrator(factory, NullLogger<DatabaseMigrator>.Instance).StartAsync(Ct);

            await using var upgraded = factory.CreateDbContext();
            Assert.Empty(await upgraded.Database.GetPendingMigrationsAsync(Ct));
            Assert.Equal(older is null ? null : "kept", await new SettingsStore(factory, TimeProvider.System).GetAsync("probe", Ct));
        }
    }

    [Fact]
    public void Model_ComparedWithTheMigrations_HasNoPendingChanges()
    {
        using var temp = new TempDirectory();
        using var db = new TestDatabase(temp.Combine("model.db")).CreateDbContext();

        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes that no migration captures: run dotnet ef migrations add.");
    }

    private static async Task<object?> Scalar(MaintenanceDbContext db, string sql)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Ct);
    }
}
