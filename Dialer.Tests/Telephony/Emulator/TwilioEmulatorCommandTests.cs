using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Dialer.Tests.Telephony.Emulator;

public sealed class TwilioEmulatorCommandTests
{
    static Process StartDialer(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "dialer.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    [Test]
    public async Task Standalone_emulator_serves_the_calls_api_with_the_credentials_it_prints()
    {
        using var process = StartDialer("twilio-emulator", "--urls", "http://127.0.0.1:0");
        try
        {
            var printed = new List<string>();
            while (await process.StandardOutput.ReadLineAsync() is { } line && !line.StartsWith("Press Ctrl+C", StringComparison.Ordinal)) printed.Add(line);
            var output = string.Join("\n", printed);
            var baseUrl = Regex.Match(output, @"listening on (http://127\.0\.0\.1:\d+/)").Groups[1].Value;
            var account = Regex.Match(output, @"AccountSid:\s+(AC[0-9a-f]{32})").Groups[1].Value;
            var token = Regex.Match(output, @"AuthToken:\s+(\S+)").Groups[1].Value;
            using var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
            client.DefaultRequestHeaders.Authorization = TestEmulator.Basic(account, token);

            using var response = await client.PostAsync($"2010-04-01/Accounts/{account}/Calls.json", TestEmulator.Form(("To", "+393331234567"), ("From", "+390212345678"), ("Url", "https://x.example/a")));

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), output);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    [Test]
    public async Task Non_loopback_urls_are_refused_with_exit_code_2()
    {
        using var process = StartDialer("twilio-emulator", "--urls", "http://0.0.0.0:5999");
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Multiple(() =>
        {
            Assert.That(process.ExitCode, Is.EqualTo(2));
            Assert.That(stderr, Does.Contain("loopback only"));
        });
    }
}
