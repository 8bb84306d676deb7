namespace Dialer.Tests;

/// <summary>
/// Base for tests that touch the database: every table but the migration journals (ours, and Hangfire's schema
/// version) starts empty, the scheduler's jobs included.
/// </summary>
public abstract class DatabaseTest
{
    protected static NpgsqlDataSource Db => TestDatabase.DataSource;

    [SetUp]
    public async Task CleanDatabaseAsync()
    {
        // One TRUNCATE over every table, so foreign keys between them never get in the way. The audit log refuses a
        // TRUNCATE by trigger (docs/audit.md); the tests' superuser switches triggers off for this statement only.
        const string sql = """
            DO $$
            DECLARE tables text;
            BEGIN
                PERFORM set_config('session_replication_role', 'replica', true);
                SELECT string_agg(format('%I.%I', schemaname, tablename), ', ')
                INTO   tables
                FROM   pg_tables
                WHERE  (schemaname = 'public' AND tablename <> 'schema_migrations') OR (schemaname = 'hangfire' AND tablename <> 'schema');
                IF tables IS NOT NULL THEN
                    EXECUTE 'TRUNCATE ' || tables || ' RESTART IDENTITY CASCADE';
                END IF;
            END $$;
            """;
        await using var conn = await Db.OpenConnectionAsync();
        await conn.ExecuteAsync(sql);
    }
}
