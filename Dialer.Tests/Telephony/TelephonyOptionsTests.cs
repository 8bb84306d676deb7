using Dialer.Core.Telephony;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dialer.Tests.Telephony;

public sealed class TelephonyOptionsTests
{
    [Test]
    public void Emulator_provider_fills_in_the_emulator_account()
    {
        var options = Resolve([]);

        Assert.Multiple(() =>
        {
            Assert.That(options.AccountSid, Is.EqualTo(TwilioOptions.EmulatorAccountSid));
            Assert.That(options.BaseUrl, Is.EqualTo(new Uri(TwilioOptions.EmulatorBaseUrl)));
            Assert.That(options.PublicBaseUrl, Is.EqualTo(new Uri(TwilioOptions.EmulatorPublicBaseUrl)));
        });
    }

    [TestCase("Twilio:AuthToken", null, "Twilio__AuthToken")]
    [TestCase("Twilio:AccountSid", "AC123", "AC followed by 32 hex digits")]
    [TestCase("Twilio:From", "0212345678", "E.164")]
    [TestCase("Twilio:ApiKeySid", "SK0123456789abcdef0123456789abcdef", "go together")]
    [TestCase("Twilio:PublicBaseUrl", "https://my_host.example.it", "'_'")]
    [TestCase("Telephony:StatusWrites", "Disabled", "benchmark baseline")]
    public void Twilio_provider_with_a_bad_setting_fails_with_a_specific_message(string key, string? value, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Telephony:Provider"] = "Twilio",
            ["Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["Twilio:AuthToken"] = "token",
            ["Twilio:From"] = "+390212345678",
            ["Twilio:PublicBaseUrl"] = "https://dialer.example.it",
            [key] = value,
        };

        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.That(ex!.Message, Does.Contain(message));
    }

    [Test]
    public void Twilio_provider_defaults_to_twilios_api()
    {
        var options = Resolve(new()
        {
            ["Telephony:Provider"] = "Twilio",
            ["Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["Twilio:AuthToken"] = "token",
            ["Twilio:From"] = "+390212345678",
            ["Twilio:PublicBaseUrl"] = "https://dialer.example.it",
        });

        Assert.That(options.BaseUrl, Is.EqualTo(new Uri("https://api.twilio.com")));
    }

    static TwilioOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddSingleton(TimeProvider.System);
        services.AddTelephony(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<TwilioOptions>>().Value;
    }
}
