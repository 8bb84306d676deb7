using System.CommandLine;
using Dialer.Api;
using Dialer.Api.Operators;
using Dialer.Api.Supervision;
using Dialer.Core;
using Dialer.Core.Campaigns;
using Dialer.Core.Database;
using Dialer.Core.Messaging;
using Dialer.Worker.Campaigns;
using Dialer.Worker.CommandLine;
using Dialer.Worker.Telephony;
using Dialer.Worker.Telephony.Emulator;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Dialer.Worker.Demo;

/// <summary>
/// `dialer demo`: the API, the worker and the Twilio emulator in one process on the embedded PostgreSQL, all on the demo
/// clock, running the Cob23 scenario on an empty database (docs/demo.md), then leaving the pages running at
/// http://127.0.0.1:5080 with a live floor the person watching can join.
/// </summary>
static class DemoCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where the API and the pages listen.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var people = new Option<int>("--people") { Description = "People in the synthetic pool (out of work for 6 months, with a mobile); the Cob23 cohort is about a tenth.", DefaultValueFactory = _ => 60_000 };
        var seed = new Option<int>("--seed") { Description = "Seeds the population and every choice of the simulation.", DefaultValueFactory = _ => 23 };
        var speed = new Option<double>("--speed") { Description = "How many times faster than real time the demo clock runs while calls are made.", DefaultValueFactory = _ => 1000 };
        var operators = new Option<int>("--operators") { Description = "Simulated operators working the queue.", DefaultValueFactory = _ => 20 };
        var headless = new Option<bool>("--headless") { Description = "Run the scenario, print the funnel and exit: 0 when what Dialer measured equals the simulation's truth, 1 otherwise." };
        var json = new Option<bool>("--json") { Description = "Print the funnel and the truth as JSON on standard output." };
        var reset = new Option<bool>("--reset") { Description = "Empty the demo's database first (a database with data is otherwise served as it is)." };
        var command = new Command("demo", "The Cob23 demo: start the embedded PostgreSQL, run Cob23 end to end on a simulated clock (synthetic Milan, " +
            "nightly selection, simulated operators, the months after), print the funnel beside the truth, and serve the pages " +
            "(default http://127.0.0.1:5080) until Ctrl+C. See docs/demo.md.")
        {
            urls, people, seed, speed, operators, headless, json, reset,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new DemoOptions(parse.GetValue(people), parse.GetValue(seed), parse.GetValue(speed), parse.GetValue(operators),
                parse.GetValue(headless), parse.GetValue(json), parse.GetValue(reset));
            if (options.People is < 100 or > 2_000_000 || options.Operators is < 1 or > 200 || options.Speed is < 1 or > 5000 || double.IsNaN(options.Speed))
            {
                await Console.Error.WriteLineAsync("error: --people must be 100–2,000,000, --operators 1–200 and --speed 1–5000.");
                return 2;
            }
            return await RunAsync(parse.GetValue(urls)!, options, ct);
        });
        return command;
    }

    static async Task<int> RunAsync(string address, DemoOptions options, CancellationToken ct)
    {
        var clock = new AcceleratedClock(options.Speed, DemoScenario.Start);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            // The API's assembly is the application: Razor Pages are discovered from it.
            ApplicationName = typeof(DialerApi).Assembly.GetName().Name,
            EnvironmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
                ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environments.Development,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // The scenario runs the nightly selection on the demo clock; Hangfire's recurring selection (real time) stays off.
            ["Scheduler:SyncCampaigns"] = "false",
            // The dialing loops' safety poll, a quarter of a real second (NOTIFYs wake them sooner): in simulated seconds a 5 s
            // poll would be 5 ms of real time at 1000×, three loops turning 600 times a second for nothing.
            ["Dialing:PollInterval"] = RealTime(TimeSpan.FromSeconds(0.25), options.Speed, TimeSpan.FromMinutes(10)),
            ["Logging:Level"] = Environment.GetEnvironmentVariable("Logging__Level") ?? "Warning",
            // The machinery is real: a request to the emulator gets 15 s of real time, a claim's lease and the wait before an
            // unconfirmed create is reconciled about 2 minutes (at most the hour the settings allow), whatever the clock's speed.
            ["Twilio:RequestTimeout"] = RealTime(TimeSpan.FromSeconds(15), options.Speed, TimeSpan.MaxValue),
            ["Dialing:ClaimLease"] = RealTime(TimeSpan.FromMinutes(2), options.Speed, TimeSpan.FromHours(1)),
            ["Dialing:ReconcileAfter"] = RealTime(TimeSpan.FromMinutes(2), options.Speed, TimeSpan.FromHours(1)),
        });
        CommandHost.Apply(builder, serviceName: "dialer-demo");
        builder.WebHost.UseUrls(address);
        builder.Services.AddSingleton<TimeProvider>(clock);
        // Sign-in sessions and the wallboard's refresh live in real time: a person's session must not expire when the
        // demo clock jumps over a night, and a screen refreshes every 2 real seconds whatever the clock's speed.
        builder.Services.PostConfigureAll<CookieAuthenticationOptions>(o => o.TimeProvider = TimeProvider.System);

        // Standard output holds only the funnel (or its JSON) in --json and --headless runs: the rest goes to standard error.
        await using var telephony = await DemoTelephony.StartAsync(builder, address, clock, ct, options.Json || options.Headless ? Console.Error : null);
        var emulator = (telephony as EmulatorHost)?.Emulator;

        await using var database = await CommandHost.AttachDatabaseAsync(builder, ct);
        if (options.Reset)
        {
            var target = new NpgsqlConnectionStringBuilder(database.ConnectionString);
            await DatabaseServer.RecreateDatabaseAsync(database.ConnectionString, target.Database!, ct);
        }
        // Statements run thousands of times are prepared once (Npgsql's automatic preparation): at the demo's pace, planning
        // the outcome ledger's per-call refresh anew each time cost more than running it (docs/demo.md "Speed").
        builder.Configuration["ConnectionStrings:" + DatabaseAttachment.ConnectionStringName] =
            new NpgsqlConnectionStringBuilder(builder.Configuration.GetConnectionString(DatabaseAttachment.ConnectionStringName)) { MaxAutoPrepare = 64 }.ConnectionString;
        builder.Services.AddDialerCore(builder.Configuration);
        builder.Services.AddDialerMessaging(builder.Configuration, x => x.AddOperatorStreamConsumers());
        builder.AddDialerApi();
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<WallboardFeed>(sp, TimeProvider.System));
        builder.AddDialerWorker();
        // Two more dialing loops, as two more worker replicas would run (claims skip each other's leases): one loop dials
        // its claims one after the other, ~20 creates a second here, fewer than 20 operators turn over at the demo's speed.
        for (var i = 0; i < ExtraDialingLoops; i++)
            builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<Dialing.DialingLoop>(sp));
        await using var app = builder.Build();
        app.MapDialerApi();

        StartupRefusals.CheckConfiguration(app.Services);
        await HostCommands.PrepareSchemaAsync(app.Services, migrate: true, ct);
        var empty = await IsEmptyAsync(app.Services, ct);
        if (!empty && options.Headless)
        {
            await Console.Error.WriteLineAsync("error: the demo's database already holds data; run `./dialer demo --headless --reset` to start again from an empty one.");
            return 2;
        }
        if (emulator is null && empty)
        {
            await Console.Error.WriteLineAsync("error: the scenario needs the Twilio emulator (Telephony:Provider = Emulator): it never rings real people.");
            return 2;
        }
        await StartupRefusals.StartAsync(app, "--urls", ct);
        var api = new Uri(address.Split(';')[0].Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        var quiet = options.Headless || options.Json;
        var accounts = new DemoAccounts("supervisore", DemoScenario.NewPassword(), "operatore", DemoScenario.NewPassword());
        if (!empty)
        {
            foreach (var slug in await ShippedCampaigns.ApplyMissingAsync(app.Services.GetRequiredService<CampaignStore>(), ShippedCampaigns.Folder, ct))
                TerminalProgress.Step($"Campaign {slug} applied from deploy/campaigns.");
            await DemoScenario.WatcherAccountsAsync(app.Services, accounts, ct);
            TerminalProgress.Step($"The database already holds data: serving it as it is (`./dialer demo --reset` runs the Cob23 scenario again).");
            PrintWelcome(address, accounts);
            await app.WaitForShutdownAsync(ct);
            return 0;
        }
        if (!quiet) PrintWelcome(address, accounts);

        var progress = new DemoProgress(clock, quiet: false);
        var scenario = new DemoScenario(app.Services, api, clock, emulator!, options, progress);
        var result = await scenario.RunAsync(accounts, ct);
        await Console.Out.WriteAsync(options.Json ? result.Json() + Environment.NewLine : result.Table());
        if (!result.Honest) await Console.Error.WriteLineAsync($"error: the honesty check failed: {string.Join("; ", result.Failures())}");
        if (options.Headless) return result.Honest ? 0 : 1;

        PrintWelcome(address, accounts);
        TerminalProgress.Step("The live floor: the simulated operators go on calling the Milan pool in real time; sign in as the operator to take calls. Ctrl+C stops.");
        await new DemoLive(app.Services, api, clock, options, progress).RunAsync(ct);
        await app.WaitForShutdownAsync(ct);
        return result.Honest ? 0 : 1;
    }

    const int ExtraDialingLoops = 2;

    /// <summary>A setting in simulated time that lasts <paramref name="real"/> of real time at this speed (at most <paramref name="cap"/>).</summary>
    static string RealTime(TimeSpan real, double speed, TimeSpan cap)
    {
        var simulated = real * speed;
        return (simulated < cap ? simulated : cap).ToString("c", System.Globalization.CultureInfo.InvariantCulture);
    }

    static async Task<bool> IsEmptyAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var conn = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(ct);
        return !await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM notices) OR EXISTS (SELECT 1 FROM contact_list_entries)", cancellationToken: ct));
    }

    static void PrintWelcome(string address, DemoAccounts accounts)
    {
        TerminalProgress.Step($"""

            Dialer demo at {address}   (accounts for this demo only; new passwords at each start)
              supervisor: {accounts.SupervisorUser} / {accounts.SupervisorPassword}   → {address}/supervisione/situazione (wallboard), {address}/supervisione/risultati (funnel)
              operator:   {accounts.OperatorUser} / {accounts.OperatorPassword}   → {address}/console (takes calls of the live floor)

            """);
    }
}
