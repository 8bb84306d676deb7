using System.CommandLine;
using Dialer.Api;
using Dialer.Core.Database;
using Dialer.Core.Messaging;
using Dialer.Core;

namespace Dialer.Worker.CommandLine;

static class HostCommands
{
    public static readonly Option<bool> MigrateFirst = new("--migrate")
    {
        Description = "Apply pending migrations before starting (otherwise a database that is not current is refused).",
    };

    public static Command Run()
    {
        var command = new Command("run", "Run the worker: the clustered scheduler and the background loops, until Ctrl+C or SIGTERM.") { MigrateFirst };
        command.SetAction(async (parse, ct) =>
        {
            var builder = CommandHost.CreateBuilder();
            await using var database = await CommandHost.AttachDatabaseAsync(builder, ct);
            builder.Services.AddDialerCore(builder.Configuration);
            builder.Services.AddDialerMessaging(builder.Configuration);
            builder.AddDialerWorker();
            using var host = builder.Build();
            StartupRefusals.CheckConfiguration(host.Services);
            await PrepareSchemaAsync(host.Services, parse.GetValue(MigrateFirst), ct);
            await host.RunAsync(ct);
            return 0;
        });
        return command;
    }

    internal static async Task PrepareSchemaAsync(IServiceProvider services, bool migrate, CancellationToken ct)
    {
        var migrator = services.GetRequiredService<Migrator>();
        if (migrate)
        {
            await migrator.RunAsync(new TerminalProgress(), ct);
            return;
        }
        var status = await migrator.StatusAsync(ct);
        if (status.Unknown.Count > 0) throw new UnknownMigrationsException(status.Unknown);
        if (status.Pending.Count > 0)
            throw new DatabaseNotReadyException(
                $"The database lacks {status.Pending.Count} migration(s) ({string.Join(", ", status.Pending)}). " +
                "Run `dialer migrate` first, or start with --migrate.");
    }
}
