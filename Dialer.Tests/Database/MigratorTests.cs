using System.Text.RegularExpressions;
using Dialer.Core.Database;
using Dialer.Core.Scheduling;
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
        var schedulerSchema = await conn.ExecuteScalarAsync<int>("SELECT max(version) FROM hangfire.schema");
        Assert.Multiple(async () =>
        {
            Assert.That(applied, Is.EqualTo(Core.Database.Migrator.Embedded.Select(m => m.Version)));
            Assert.That(applied, Does.Contain("0001_quartz_job_store").And.Contain("0002_drop_quartz"), "0001 stays as history; 0002 drops it");
            Assert.That(journal, Is.EqualTo(applied));
            Assert.That(quartzTables, Is.Zero, "Quartz's job store is gone");
            Assert.That(schedulerSchema, Is.EqualTo(SchedulerStorage.SchemaVersion), "Hangfire.PostgreSql's installer ran");
            Assert.That((await Migrator(db).StatusAsync()).IsCurrent, Is.True);
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
            Assert.That(status.Pending, Is.EqualTo(Core.Database.Migrator.Embedded.Select(m => m.Version).Append(Core.Database.Migrator.SchedulerSchemaPending)));
            Assert.That(status.IsCurrent, Is.False);
        });
    }

    [Test]
    public async Task A_database_without_the_scheduler_schema_is_not_current_until_migrate_installs_it()
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await Migrator(db).RunAsync();
        await using (var conn = await db.OpenConnectionAsync())
            await conn.ExecuteAsync("DROP SCHEMA hangfire CASCADE");

        var before = await Migrator(db).StatusAsync();
        var applied = await Migrator(db).RunAsync();
        var after = await Migrator(db).StatusAsync();

        Assert.Multiple(() =>
        {
            Assert.That(before.Pending, Is.EqualTo(new[] { Core.Database.Migrator.SchedulerSchemaPending }));
            Assert.That(before.IsCurrent, Is.False, "a worker refuses to start on it without --migrate");
            Assert.That(applied, Is.Empty, "no numbered migration was pending");
            Assert.That(after.IsCurrent, Is.True);
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
