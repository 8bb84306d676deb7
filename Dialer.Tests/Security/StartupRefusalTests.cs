using System.Net.Sockets;
using System.Net;

namespace Dialer.Tests.Security;

/// <summary>
/// Unsafe or incomplete configurations and a port in use stop `dialer run`, `dialer demo` and the API at start-up
/// with one `error:` line naming what to change, exit code 3 and no stack trace.
/// </summary>
public sealed class StartupRefusalTests
{
    const string RealAccountSid = "AC0123456789abcdef0123456789abcdef";

    [TestCase("run", null)]
    [TestCase("run", "Emulator")]
    [TestCase("demo", null)]
    [TestCase("demo", "Emulator")]
    public async Task In_production_the_worker_refuses_the_emulator(string command, string? provider)
    {
        var result = await DialerProcess.RunAsync(Production(("Telephony__Provider", provider)), Args(command));

        AssertRefused(result, "Telephony:Provider", "Telephony__Provider=Twilio");
    }

    [Test]
    public async Task In_production_the_api_refuses_the_emulator()
    {
        var result = await DialerProcess.RunApiAsync(Production(("ASPNETCORE_URLS", $"http://127.0.0.1:{FreePort.Next()}")));

        AssertRefused(result, "Telephony:Provider", "Telephony__Provider=Twilio");
    }

    [TestCase("run")]
    [TestCase("demo")]
    [TestCase("api")]
    public async Task In_production_the_emulators_public_auth_token_is_refused(string command)
    {
        var settings = Production(TwilioAccount(("Twilio__AuthToken", "emulator-auth-token"), ("ASPNETCORE_URLS", $"http://127.0.0.1:{FreePort.Next()}")));

        var result = command == "api" ? await DialerProcess.RunApiAsync(settings) : await DialerProcess.RunAsync(settings, Args(command));

        AssertRefused(result, "Twilio:AuthToken", "emulator-auth-token", "Twilio__AuthToken");
    }

    [TestCase("run")]
    [TestCase("api")]
    public async Task A_missing_setting_is_named_with_its_environment_variable(string command)
    {
        var settings = Production(TwilioAccount(("Twilio__AccountSid", null), ("ASPNETCORE_URLS", $"http://127.0.0.1:{FreePort.Next()}")));

        var result = command == "api" ? await DialerProcess.RunApiAsync(settings) : await DialerProcess.RunAsync(settings, Args(command));

        AssertRefused(result, "Twilio:AccountSid", "Twilio__AccountSid");
    }

    [Test]
    public async Task Demo_beside_a_server_on_its_port_names_the_port_and_the_option_that_moves_it()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;

        var result = await DialerProcess.RunAsync(new Dictionary<string, string?> { ["TwilioEmulator__Urls"] = "http://127.0.0.1:0" },
            "demo", "--urls", $"http://127.0.0.1:{port}");

        AssertRefused(result, $"127.0.0.1:{port}", "already in use", "--urls");
    }

    [Test]
    public async Task Api_beside_a_server_on_its_port_names_the_port_and_the_settings_that_move_it()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;

        var result = await DialerProcess.RunApiAsync(new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        });

        AssertRefused(result, $"127.0.0.1:{port}", "already in use", "ASPNETCORE_URLS");
    }

    // A demo that got past the refusal must not take a port or start an emulator where another test could be.
    static string[] Args(string command) => command == "demo" ? ["demo", "--urls", $"http://127.0.0.1:{FreePort.Next()}"] : [command];

    static Dictionary<string, string?> Production(params (string Key, string? Value)[] settings)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["TwilioEmulator__Urls"] = "http://127.0.0.1:0",
        };
        foreach (var (key, value) in settings) environment[key] = value;
        return environment;
    }

    // Everything a Twilio deployment needs, then the overrides under test.
    static (string, string?)[] TwilioAccount(params (string Key, string? Value)[] overrides) =>
    [
        ("Telephony__Provider", "Twilio"),
        ("Twilio__AccountSid", RealAccountSid),
        ("Twilio__AuthToken", "a-real-looking-token"),
        ("Twilio__From", "+390212345678"),
        ("Twilio__PublicBaseUrl", "https://dialer.example.it"),
        .. overrides,
    ];

    static void AssertRefused((int Exit, string Out, string Err) result, params string[] mentions)
    {
        var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Multiple(() =>
        {
            Assert.That(result.Exit, Is.EqualTo(3), result.Err);
            Assert.That(lines, Has.Length.EqualTo(1), "one line on standard error");
            Assert.That(result.Err, Does.StartWith("error: "));
            foreach (var mention in mentions) Assert.That(result.Err, Does.Contain(mention));
            Assert.That(result.Err, Does.Not.Contain("   at ").And.Not.Contain("Exception"), "no stack trace");
        });
    }
}
