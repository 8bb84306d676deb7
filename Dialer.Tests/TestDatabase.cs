using Dialer.Core.Database;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests;

/// <summary>
/// Once per test run: finds the test database (<c>DIALER_TEST_DB</c>, else <c>dialer_test</c> in the embedded
/// PostgreSQL), gives it a fresh schema and migrates it. Tests never depend on what an earlier run left.
/// </summary>
[SetUpFixture]
public sealed class TestDatabase
{
    const string DefaultDatabase = "dialer_test";

    static EmbeddedPostgres? embedded;
    static string? connectionString;
    static NpgsqlDataSource? dataSource;

    public static string ConnectionString => connectionString ?? throw new InvalidOperationException("TestDatabase is not set up.");

    public static NpgsqlDataSource DataSource => dataSource ?? throw new InvalidOperationException("TestDatabase is not set up.");

    [OneTimeSetUp]
    public async Task SetUpAsync()
    {
        var configured = Environment.GetEnvironmentVariable("DIALER_TEST_DB");
        try
        {
            if (string.IsNullOrWhiteSpace(configured))
            {
                embedded = new EmbeddedPostgres(new EmbeddedPostgresOptions { Database = DefaultDatabase }, NullLogger<EmbeddedPostgres>.Instance);
                connectionString = await embedded.StartAsync(CancellationToken.None);
            }
            else
            {
                connectionString = configured;
                await DatabaseServer.EnsureDatabaseAsync(configured, new NpgsqlConnectionStringBuilder(configured).Database!, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or EmbeddedPostgresException)
        {
            Assert.Fail($"""
                No PostgreSQL for the tests: {ex.Message}
                Either install the server binaries (apt-get install -y postgresql) so the embedded cluster can start,
                or set DIALER_TEST_DB to a connection string, e.g. Host=127.0.0.1;Port=5432;Username=postgres;Password=…;Database=dialer_test
                """);
        }

        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync();
            await conn.ExecuteAsync("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
        }
        dataSource = NpgsqlDataSource.Create(connectionString!);
        await new Migrator(dataSource, NullLogger<Migrator>.Instance).RunAsync();
    }

    [OneTimeTearDown]
    public async Task TearDownAsync()
    {
        if (dataSource is not null) await dataSource.DisposeAsync();
        if (embedded is not null) await embedded.StopIfOwnedAsync(CancellationToken.None);
    }

    /// <summary>
    /// The connection string of another database on the test server, created empty (dropped first if it exists).
    /// Its name is prefixed with the test database's, so that suites on separate test databases never share one.
    /// </summary>
    public static async Task<string> CreateScratchDatabaseAsync(string suffix)
    {
        await DatabaseServer.RecreateDatabaseAsync(ConnectionString, ScratchName(suffix), CancellationToken.None);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = ScratchName(suffix) }.ConnectionString;
    }

    public static Task DropScratchDatabaseAsync(string suffix) =>
        DatabaseServer.DropDatabaseAsync(ConnectionString, ScratchName(suffix), CancellationToken.None);

    static string ScratchName(string suffix) => $"{new NpgsqlConnectionStringBuilder(ConnectionString).Database}_{suffix}";
}
