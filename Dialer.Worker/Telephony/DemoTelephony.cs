using Dialer.Api;
using Dialer.Core.Telephony;
using Dialer.Worker.CommandLine;
using Dialer.Worker.Telephony.Emulator;

namespace Dialer.Worker.Telephony;

/// <summary>
/// In <c>dialer demo</c>, with <c>Telephony:Provider</c> = Emulator (the default), starts the Twilio emulator in-process and
/// points the Twilio client's configuration at it, on the demo's clock. With Provider = Twilio nothing starts and Twilio:* is used as configured.
/// </summary>
public static class DemoTelephony
{
    public const string ProviderKey = "Telephony:Provider";

    public static async Task<IAsyncDisposable?> StartAsync(WebApplicationBuilder builder, string publicBaseUrl, TimeProvider time, CancellationToken ct,
        TextWriter? say = null)
    {
        var provider = builder.Configuration[ProviderKey] ?? "Emulator";
        if (provider.Equals("Twilio", StringComparison.OrdinalIgnoreCase)) return null;
        if (!provider.Equals("Emulator", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{ProviderKey} must be Emulator or Twilio, not '{provider}'.");
        // Refused before the emulator starts, by the rule the options validation applies to every host.
        if (TelephonyOptions.RefusedIn(builder.Environment, TelephonyProvider.Emulator) is { } refusal) throw new StartupRefusedException(refusal);

        var options = builder.Configuration.GetSection(EmulatorOptions.Section).Get<EmulatorOptions>() ?? new EmulatorOptions();
        var url = builder.Configuration[$"{EmulatorOptions.Section}:Urls"] ?? TwilioEmulatorCommand.DefaultUrl;
        var host = await StartupRefusals.ListenAsync(() => EmulatorHost.StartAsync(options, url, time, configure: b =>
            {
                // The emulator logs at the demo's level (a call per line at Information).
                b.Configuration["Logging:Level"] = builder.Configuration["Logging:Level"];
                CommandHost.Apply(b);
            }, ct: ct),
            $"{EmulatorOptions.Section}:Urls (environment variable {EmulatorOptions.Section}__Urls)");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Twilio:BaseUrl"] = host.BaseUrl.ToString().TrimEnd('/'),
            ["Twilio:AccountSid"] = options.AccountSid,
            ["Twilio:AuthToken"] = options.AuthToken,
            ["Twilio:PublicBaseUrl"] = publicBaseUrl,
        });
        (say ?? Console.Out).WriteLine($"Twilio emulator running at {host.BaseUrl} (control API: {host.BaseUrl}_emulator/calls)");
        return host;
    }
}
