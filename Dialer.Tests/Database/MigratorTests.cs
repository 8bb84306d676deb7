using System.Text.RegularExpressions;
using Dialer.Core.Database;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Database;

public sealed partial class MigratorTests
{
    const string Scratch = "migrator";
    string connectionString = "";

    [SetUp]
    public async Task CreateEmptyDatabaseAsync() => connectionString = await TestDatabase.CreateScratchDatabaseAsync(Scratch);

    [TearDown]
    public Task DropDatabaseAsync() => TestDatabase.DropScratchDatabaseAsync(Scratch);

    [Test]
    public async Task Empty_database_gets_every_migration_in_order()
    {
        await using var db = NpgsqlDataSource.Create(connectionString);

        var applied = await Migrator(db).RunAsync();

        await using var conn = await db.OpenConnectionAsync();
        var journal = (await conn.QueryAsync<string>("SELECT version FROM schema_migrations ORDER BY applied_at, version")).ToList();
        var quartzTables = await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'qrtz\\_%'");
        Assert.Multiple(() =>
        {
            Assert.That(applied, Is.EqualTo(Core.Database.Migrator.Embedded.Select(m => m.Version)));
            Assert.That(journal, Is.EqualTo(applied));
            Assert.That(quartzTables, Is.EqualTo(15), "Quartz 4.7's AdoJobStore has 15 tables");
        });
    }

    [Test]
    public async Task Second_run_applies_nothing_and_changes_nothing()
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await Migrator(db).RunAsync();
        var before = await JournalAsync(db);

        var applied = await Migrator(db).RunAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(applied, Is.Empty);
            Assert.That(await JournalAsync(db), Is.EqualTo(before));
            Assert.That((await Migrator(db).StatusAsync()).IsCurrent, Is.True);
        });
    }

    [Test]
    public async Task Database_migrated_by_a_newer_build_is_refused()
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await Migrator(db).RunAsync();
        await using (var conn = await db.OpenConnectionAsync())
            await conn.ExecuteAsync("INSERT INTO schema_migrations (version) VALUES ('9999_from_a_newer_build')");

        var ex = Assert.ThrowsAsync<UnknownMigrationsException>(() => Migrator(db).RunAsync());
        var status = await Migrator(db).StatusAsync();

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Versions, Is.EqualTo(new[] { "9999_from_a_newer_build" }));
            Assert.That(ex.Message, Does.Contain("newer"));
            Assert.That(status.Unknown, Is.EqualTo(new[] { "9999_from_a_newer_build" }));
            Assert.That(status.IsCurrent, Is.False);
        });
    }

    [Test]
    public async Task Pending_migrations_are_reported_before_they_run()
    {
        await using var db = NpgsqlDataSource.Create(connectionString);

        var status = await Migrator(db).StatusAsync();

        Assert.Multiple(() =>
        {
            Assert.That(status.Applied, Is.Empty);
            Assert.That(status.Pending, Is.EqualTo(Core.Database.Migrator.Embedded.Select(m => m.Version)));
            Assert.That(status.IsCurrent, Is.False);
        });
    }

    [Test]
    public async Task Concurrent_runs_apply_each_migration_once()
    {
        await using var db = NpgsqlDataSource.Create(connectionString);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Migrator(db).RunAsync())));

        Assert.Multiple(async () =>
        {
            Assert.That(runs.SelectMany(r => r).Order(), Is.EqualTo(Core.Database.Migrator.Embedded.Select(m => m.Version).Order()));
            Assert.That(await JournalAsync(db), Has.Count.EqualTo(Core.Database.Migrator.Embedded.Count));
        });
    }

    [Test]
    public void Migration_files_are_numbered_uniquely_in_snake_case()
    {
        var versions = Core.Database.Migrator.Embedded.Select(m => m.Version).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(versions, Is.Not.Empty);
            Assert.That(versions, Has.All.Matches(FileName()));
            Assert.That(versions.Select(v => v[..4]), Is.Unique);
        });
    }

    [GeneratedRegex("^[0-9]{4}_[a-z0-9]+(_[a-z0-9]+)*$")]
    private static partial Regex FileName();

    static Migrator Migrator(NpgsqlDataSource db) => new(db, NullLogger<Migrator>.Instance);

    static async Task<List<string>> JournalAsync(NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        return (await conn.QueryAsync<string>("SELECT version || '@' || applied_at::text FROM schema_migrations ORDER BY version")).ToList();
    }
}
