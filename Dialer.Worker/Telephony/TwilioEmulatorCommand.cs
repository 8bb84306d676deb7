using System.CommandLine;
using Dialer.Worker.CommandLine;
using Dialer.Worker.Telephony.Emulator;

namespace Dialer.Worker.Telephony;

/// <summary><c>dialer twilio-emulator</c>: the Twilio-compatible emulator on its own, on loopback, until Ctrl+C.</summary>
static class TwilioEmulatorCommand
{
    public const string DefaultUrl = "http://127.0.0.1:5081";

    public static Command Build()
    {
        var urls = new Option<string>("--urls") { Description = "Where it listens: loopback only.", DefaultValueFactory = _ => DefaultUrl };
        var accountSid = new Option<string?>("--account-sid") { Description = $"The account's SID (AC + 32 hex). Default {EmulatorOptions.DefaultAccountSid}." };
        var authToken = new Option<string?>("--auth-token") { Description = "The account's Auth Token, which also signs webhooks. Default: a random one, printed at start-up." };
        var cps = new Option<double?>("--cps") { Description = "Calls per second leaving the queue (default 1, as Twilio)." };
        var seed = new Option<int?>("--seed") { Description = "Seed for every random choice, for repeatable runs." };
        var speed = new Option<double>("--speed") { Description = "Run the simulated clock this many times faster than real time.", DefaultValueFactory = _ => 1 };
        var command = new Command("twilio-emulator",
            "Run the Twilio-compatible Voice emulator: Twilio's Calls REST API under /2010-04-01 and a control API under /_emulator, " +
            "on loopback only, until Ctrl+C. Settings also come from the TwilioEmulator configuration section.")
            { urls, accountSid, authToken, cps, seed, speed };
        command.SetAction(async (parse, ct) =>
        {
            var builder = CommandHost.CreateBuilder();
            var options = builder.Configuration.GetSection(EmulatorOptions.Section).Get<EmulatorOptions>() ?? new EmulatorOptions();
            options.AccountSid = parse.GetValue(accountSid) ?? options.AccountSid;
            options.AuthToken = parse.GetValue(authToken) ?? options.AuthToken;
            options.CallsPerSecond = parse.GetValue(cps) ?? options.CallsPerSecond;
            options.Seed = parse.GetValue(seed) ?? options.Seed;
            EmulatorHost host;
            try
            {
                var clock = parse.GetValue(speed) is var s && s != 1 ? new AcceleratedClock(s) : null;
                host = await EmulatorHost.StartAsync(options, parse.GetValue(urls)!, clock, b => CommandHost.Apply(b), ct);
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return 2;
            }
            await using (host)
            {
                Console.Out.WriteLine($"Twilio emulator listening on {host.BaseUrl}");
                Console.Out.WriteLine($"  AccountSid: {options.AccountSid}");
                Console.Out.WriteLine($"  AuthToken:  {options.AuthToken}   (development only; it signs the webhooks)");
                Console.Out.WriteLine($"  Calls API:  {host.BaseUrl}2010-04-01/Accounts/{options.AccountSid}/Calls.json");
                Console.Out.WriteLine($"  Control:    {host.BaseUrl}_emulator/calls, /settings, /faults, /stats, /reset");
                Console.Out.WriteLine("Press Ctrl+C to stop.");
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                }
            }
            return 0;
        });
        return command;
    }
}
