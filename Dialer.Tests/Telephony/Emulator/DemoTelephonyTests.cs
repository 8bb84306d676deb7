using System.Net;
using Dialer.Worker.Telephony;
using Microsoft.AspNetCore.Builder;

namespace Dialer.Tests.Telephony.Emulator;

public sealed class DemoTelephonyTests
{
    [Test]
    public async Task With_the_emulator_provider_the_twilio_settings_point_at_a_running_emulator()
    {
        // The emulator is for Development: in Production the demo refuses it (StartupRefusalTests).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration["TwilioEmulator:Urls"] = "http://127.0.0.1:0";

        await using var emulator = await DemoTelephony.StartAsync(builder, "http://127.0.0.1:5199", TimeProvider.System, CancellationToken.None);
        using var client = new HttpClient { BaseAddress = new Uri(builder.Configuration["Twilio:BaseUrl"]! + "/") };
        client.DefaultRequestHeaders.Authorization = TestEmulator.Basic(builder.Configuration["Twilio:AccountSid"]!, builder.Configuration["Twilio:AuthToken"]!);
        using var response = await client.GetAsync($"2010-04-01/Accounts/{builder.Configuration["Twilio:AccountSid"]}/Calls.json");

        Assert.Multiple(() =>
        {
            Assert.That(emulator, Is.Not.Null);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(builder.Configuration["Twilio:PublicBaseUrl"], Is.EqualTo("http://127.0.0.1:5199"));
        });
    }

    [Test]
    public async Task With_the_twilio_provider_nothing_starts_and_an_unknown_provider_is_refused()
    {
        var twilio = WebApplication.CreateBuilder();
        twilio.Configuration["Telephony:Provider"] = "Twilio";
        var unknown = WebApplication.CreateBuilder();
        unknown.Configuration["Telephony:Provider"] = "Vonage";

        var started = await DemoTelephony.StartAsync(twilio, "http://127.0.0.1:5199", TimeProvider.System, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(started, Is.Null);
            Assert.That(twilio.Configuration["Twilio:BaseUrl"], Is.Null);
            Assert.That(async () => await DemoTelephony.StartAsync(unknown, "http://127.0.0.1:5199", TimeProvider.System, CancellationToken.None),
                Throws.ArgumentException.With.Message.Contains("Emulator or Twilio"));
        });
    }
}
