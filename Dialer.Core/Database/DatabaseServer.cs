namespace Dialer.Core.Database;

/// <summary>
/// Databases on the server a connection string points at, managed through its <c>postgres</c> maintenance database:
/// the embedded cluster's application database, the benchmarks' scratch databases, the tests' databases.
/// </summary>
public static class DatabaseServer
{
    /// <summary>Creates the database unless it exists (another process creating it at the same moment is fine).</summary>
    public static async Task EnsureDatabaseAsync(string connectionString, string database, CancellationToken ct)
    {
        await using var conn = await OpenMaintenanceAsync(connectionString, ct);
        var exists = await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @database)", new { database }, cancellationToken: ct));
        if (exists) return;
        try
        {
            await conn.ExecuteAsync(new CommandDefinition($"CREATE DATABASE {QuoteIdentifier(database)}", cancellationToken: ct));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another process created it between our check and our CREATE.
        }
    }

    /// <summary>Drops the database if it exists (disconnecting its clients) and creates it empty.</summary>
    public static async Task RecreateDatabaseAsync(string connectionString, string database, CancellationToken ct)
    {
        await DropDatabaseAsync(connectionString, database, ct);
        await using var conn = await OpenMaintenanceAsync(connectionString, ct);
        await conn.ExecuteAsync(new CommandDefinition($"CREATE DATABASE {QuoteIdentifier(database)}", cancellationToken: ct));
    }

    /// <summary>Drops the database if it exists, disconnecting its clients; this process's idle pooled connections go first.</summary>
    public static async Task DropDatabaseAsync(string connectionString, string database, CancellationToken ct)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = await OpenMaintenanceAsync(connectionString, ct);
        await conn.ExecuteAsync(new CommandDefinition($"DROP DATABASE IF EXISTS {QuoteIdentifier(database)} WITH (FORCE)", cancellationToken: ct));
    }

    static async Task<NpgsqlConnection> OpenMaintenanceAsync(string connectionString, CancellationToken ct)
    {
        // DROP DATABASE waits for a checkpoint, which on a busy machine can take longer than the default 30 s.
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false, CommandTimeout = 300 };
        var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync(ct);
        return conn;
    }

    // CREATE and DROP DATABASE take no parameters: the name is quoted as an identifier.
    static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
