using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OrchestrationMaint.Core.Persistence;

/// <summary>
/// Per-connection pragmas: SQLite forgets busy_timeout and foreign_keys on every new connection, so
/// they are set whenever EF opens one, whatever connection string the operator configured.
/// (journal_mode=WAL is persistent in the file and is set once by <see cref="DatabaseMigrator"/>.)
/// synchronous=NORMAL is SQLite's recommendation with WAL: a crash of the app loses nothing and never
/// corrupts; only a power cut may lose the last commits. It saves an fsync per commit, which is what
/// bounded the queue at ~66 runs a second.
/// </summary>
public sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    public const int BusyTimeoutMilliseconds = 5000;
    private static readonly string Pragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
