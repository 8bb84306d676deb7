using System.CommandLine;
using Dialer.Core.Accounts;
using Dialer.Api.Operators;
using Dialer.Api;
using Dialer.Core.Campaigns;
using Dialer.Core.Database;
using Dialer.Core.Messaging;
using Dialer.Core;
using Dialer.Worker.Campaigns;

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

    public static Command Demo()
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Where the API and the pages listen.",
            DefaultValueFactory = _ => "http://127.0.0.1:5080",
        };
        var command = new Command("demo", "Start the embedded PostgreSQL, migrate, and run the API and the worker in one process " +
            "(default http://127.0.0.1:5080) until Ctrl+C, which also stops the PostgreSQL it started.") { urls };
        command.SetAction(async (parse, ct) =>
        {
            var address = parse.GetValue(urls)!;
            var builder = CommandHost.Apply(WebApplication.CreateBuilder(new WebApplicationOptions
            {
                Args = [],
                ContentRootPath = AppContext.BaseDirectory,
                // The API's assembly is the application: Razor Pages are discovered from it.
                ApplicationName = typeof(DialerApi).Assembly.GetName().Name,
                EnvironmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
                    ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environments.Development,
            }), serviceName: "dialer-demo");
            builder.WebHost.UseUrls(address);
            await using var telephony = await Telephony.DemoTelephony.StartAsync(builder, address, ct);   // Telephony:Provider

            TerminalProgress.Step("Starting the database…");
            await using var database = await CommandHost.AttachDatabaseAsync(builder, ct);
            builder.Services.AddDialerCore(builder.Configuration);
            builder.Services.AddDialerMessaging(builder.Configuration, x => x.AddOperatorStreamConsumers());
            builder.AddDialerApi();
            builder.AddDialerWorker();
            await using var app = builder.Build();
            app.MapDialerApi();

            StartupRefusals.CheckConfiguration(app.Services);
            await PrepareSchemaAsync(app.Services, migrate: true, ct);
            foreach (var slug in await ShippedCampaigns.ApplyMissingAsync(app.Services.GetRequiredService<CampaignStore>(), ShippedCampaigns.Folder, ct))
                TerminalProgress.Step($"Campaign {slug} applied from deploy/campaigns (its nightly selection is at {address}/hangfire).");
            await StartupRefusals.StartAsync(app, "--urls", ct);
            TerminalProgress.Step($"Dialer is running at {address}  (health: {address}/health/ready). Press Ctrl+C to stop.");
            if ((await app.Services.GetRequiredService<UserAccounts>().ListAsync(ct)).Count == 0)
                TerminalProgress.Step("No accounts yet: create the first admin in another terminal with " +
                    "`./dialer users add admin --name \"…\" --role admin`, then sign in at " + address + "/accedi.");
            await app.WaitForShutdownAsync(ct);
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
