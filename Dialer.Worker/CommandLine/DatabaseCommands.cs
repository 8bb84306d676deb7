using System.CommandLine;
using Dialer.Core.Database;
using Dialer.Core;

namespace Dialer.Worker.CommandLine;

static class DatabaseCommands
{
    public static Command Migrate()
    {
        var command = new Command("migrate", "Apply the database migrations this build has and the database lacks. " +
            "Refuses a database migrated by a newer build. Safe to run from several processes at once.");
        command.SetAction(async (_, ct) =>
        {
            var builder = CommandHost.CreateBuilder();
            await using var database = await CommandHost.AttachDatabaseAsync(builder, ct);
            builder.Services.AddDialerCore(builder.Configuration);
            using var host = builder.Build();
            var applied = await host.Services.GetRequiredService<Migrator>().RunAsync(new TerminalProgress(), ct);
            Console.Out.WriteLine(applied.Count == 0
                ? "The database is up to date."
                : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
            return 0;
        });
        return command;
    }

    public static Command Db()
    {
        var db = new Command("db", "Inspect and control the database (and the embedded PostgreSQL when no connection string is configured).");
        db.Subcommands.Add(Status());
        db.Subcommands.Add(Start());
        db.Subcommands.Add(Stop());
        return db;
    }

    static Command Status()
    {
        var command = new Command("status", "Show where the database is, whether it is reachable, and which migrations are applied or pending. " +
            "Exit code 0 when current, 1 when migrations are pending or unknown, 2 when unreachable. Never starts anything.");
        command.SetAction(async (_, ct) =>
        {
            var builder = CommandHost.CreateBuilder();
            var configured = builder.Configuration.GetConnectionString(DatabaseAttachment.ConnectionStringName);
            string connectionString;
            if (string.IsNullOrWhiteSpace(configured))
            {
                var embedded = Embedded(builder);
                var status = await embedded.StatusAsync(ct);
                Console.Out.WriteLine($"Database:   embedded PostgreSQL in {status.DataDirectory}");
                Console.Out.WriteLine($"Server:     {(status.Running ? $"running, pid {status.Pid}, 127.0.0.1:{status.Port}" : status.Initialised ? "stopped" : "not initialised yet")}");
                if (!status.Running) return 2;
                connectionString = embedded.ConnectionString(EmbeddedOptions(builder).Database);
            }
            else
            {
                connectionString = configured;
                var csb = new NpgsqlConnectionStringBuilder(configured);
                Console.Out.WriteLine($"Database:   {csb.Database} on {csb.Host}:{csb.Port} (ConnectionStrings:Dialer)");
            }

            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            var migrator = new Migrator(dataSource, Microsoft.Extensions.Logging.Abstractions.NullLogger<Migrator>.Instance);
            MigrationStatus migrations;
            try
            {
                migrations = await migrator.StatusAsync(ct);
            }
            catch (NpgsqlException ex)
            {
                Console.Out.WriteLine($"Reachable:  no ({ex.Message})");
                return 2;
            }
            Console.Out.WriteLine("Reachable:  yes");
            Console.Out.WriteLine($"Migrations: {migrations.Applied.Count} applied, {migrations.Pending.Count} pending, {migrations.Unknown.Count} unknown to this build");
            foreach (var a in migrations.Applied) Console.Out.WriteLine($"  applied  {a.Version}  {a.AppliedAt:yyyy-MM-dd HH:mm:ss}Z");
            foreach (var p in migrations.Pending) Console.Out.WriteLine($"  pending  {p}");
            foreach (var u in migrations.Unknown) Console.Out.WriteLine($"  UNKNOWN  {u}  (migrated by a newer build)");
            return migrations.IsCurrent ? 0 : 1;
        });
        return command;
    }

    static Command Start()
    {
        var command = new Command("start", "Start the embedded PostgreSQL (initialising it on first use) and leave it running for later commands.");
        command.SetAction(async (_, ct) =>
        {
            var builder = CommandHost.CreateBuilder();
            var embedded = Embedded(builder);
            await embedded.StartAsync(ct);
            var status = await embedded.StatusAsync(ct);
            Console.Out.WriteLine($"Embedded PostgreSQL running: pid {status.Pid}, 127.0.0.1:{status.Port}, data in {status.DataDirectory}");
            return 0;
        });
        return command;
    }

    static Command Stop()
    {
        var command = new Command("stop", "Stop the embedded PostgreSQL, whichever process started it.");
        command.SetAction(async (_, ct) =>
        {
            var builder = CommandHost.CreateBuilder();
            await Embedded(builder).StopAsync(ct);
            Console.Out.WriteLine("Embedded PostgreSQL stopped.");
            return 0;
        });
        return command;
    }

    static EmbeddedPostgresOptions EmbeddedOptions(IHostApplicationBuilder builder) =>
        builder.Configuration.GetSection(EmbeddedPostgresOptions.Section).Get<EmbeddedPostgresOptions>() ?? new();

    static EmbeddedPostgres Embedded(IHostApplicationBuilder builder) =>
        new(EmbeddedOptions(builder), Dialer.Api.Logging.LoggingRegistration.CreateBootstrapLoggers(builder.Configuration).CreateLogger<EmbeddedPostgres>());
}
