using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrchestrationMaint.Core.Persistence;

/// <summary>
/// Brings the database to the latest migration before the app serves a request (hosted services
/// start before Kestrel), from empty or from any older migration.
/// </summary>
public sealed class DatabaseMigrator(IDbContextFactory<MaintenanceDbContext> contextFactory, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        EnsureDatabaseDirectory(db.Database.GetConnectionString());
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} database migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
        }

        await db.Database.MigrateAsync(cancellationToken);
        // WAL lets the dashboard read while a task writes; the mode is stored in the file itself.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>SQLite creates the file but not its directory; a path that cannot exist is a configuration error.</summary>
    private static void EnsureDatabaseDirectory(string? connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || dataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        try
        {
            Directory.CreateDirectory(directory!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OptionsValidationException("ConnectionStrings:Maintenance", typeof(StorageOptions),
                [$"The database directory '{directory}' cannot be created ({ex.Message}). Point ConnectionStrings:Maintenance (environment variable ConnectionStrings__Maintenance) or Storage:DataDirectory at a writable place."]);
        }
    }
}
