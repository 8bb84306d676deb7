using System.Net.Http.Json;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using Dialer.Core.Telephony;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dialer.Tests.Telephony;

/// <summary>The browser softphone's access token: a JWT signed with the API key, carrying the voice grant, the identity and its expiry.</summary>
public sealed class SoftphoneTokenTests : DatabaseTest
{
    const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    const string KeySid = "SK0123456789abcdef0123456789abcdef";
    const string KeySecret = "softphone-key-secret-0123456789ab";   // 32 characters, as Twilio's secrets: HS256 needs 256 bits
    const string AppSid = "AP0123456789abcdef0123456789abcdef";
    static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public void A_token_decodes_to_a_jwt_with_the_voice_grant_the_identity_and_its_expiry()
    {
        var tokens = new SoftphoneTokens(Options.Create(new TwilioOptions
        {
            AccountSid = AccountSid, ApiKeySid = KeySid, ApiKeySecret = KeySecret, TwimlAppSid = AppSid,
            SoftphoneTokenLifetime = TimeSpan.FromMinutes(45),
        }), new FakeTimeProvider(Now));

        var issued = tokens.Issue("anna");

        var (header, payload) = Decode(issued.Token);
        var grants = payload.GetProperty("grants");
        Assert.Multiple(() =>
        {
            Assert.That(header.GetProperty("alg").GetString(), Is.EqualTo("HS256"));
            Assert.That(header.GetProperty("cty").GetString(), Is.EqualTo("twilio-fpa;v=1"));
            Assert.That(SignatureIsValid(issued.Token, KeySecret), Is.True, "signed with the API key's secret");
            Assert.That(SignatureIsValid(issued.Token, "another secret"), Is.False);
            Assert.That(payload.GetProperty("iss").GetString(), Is.EqualTo(KeySid));
            Assert.That(payload.GetProperty("sub").GetString(), Is.EqualTo(AccountSid));
            Assert.That(payload.GetProperty("exp").GetInt64(), Is.EqualTo(Now.AddMinutes(45).ToUnixTimeSeconds()));
            Assert.That(payload.GetProperty("nbf").GetInt64(), Is.EqualTo(Now.ToUnixTimeSeconds()));
            Assert.That(grants.GetProperty("identity").GetString(), Is.EqualTo("anna"));
            Assert.That(grants.GetProperty("voice").GetProperty("incoming").GetProperty("allow").GetBoolean(), Is.True);
            Assert.That(grants.GetProperty("voice").GetProperty("outgoing").GetProperty("application_sid").GetString(), Is.EqualTo(AppSid));
            Assert.That(issued.Identity, Is.EqualTo("anna"));
            Assert.That(issued.ExpiresAt, Is.EqualTo(Now.AddMinutes(45)));
        });
    }

    [Test]
    public async Task The_api_issues_a_token_to_the_signed_in_operator_and_refuses_an_account_with_no_operator()
    {
        using var app = new DialerApp(settings: new Dictionary<string, string?>
        {
            ["Twilio:ApiKeySid"] = KeySid,
            ["Twilio:ApiKeySecret"] = KeySecret,
            ["Twilio:TwimlAppSid"] = AppSid,
        });
        await app.Admin.PutAsJsonAsync("/api/operators/anna", new { name = "Anna Rossi" });

        var issued = await (await app.OperatorAsync("anna")).PostAsync("/api/me/voice-token", null);
        var unknown = await (await app.OperatorAsync("nessuno")).PostAsync("/api/me/voice-token", null);

        var body = await issued.Content.ReadFromJsonAsync<JsonElement>();
        var (_, payload) = Decode(body.GetProperty("token").GetString()!);
        Assert.Multiple(() =>
        {
            Assert.That(issued.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(payload.GetProperty("grants").GetProperty("identity").GetString(), Is.EqualTo("anna"));
            Assert.That(payload.GetProperty("grants").GetProperty("voice").GetProperty("outgoing").GetProperty("application_sid").GetString(), Is.EqualTo(AppSid));
            Assert.That(body.GetProperty("expiresAt").GetDateTimeOffset(), Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(payload.GetProperty("exp").GetInt64())));
            Assert.That(SignatureIsValid(body.GetProperty("token").GetString()!, KeySecret), Is.True);
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task Without_the_twiml_app_the_api_says_the_softphone_is_not_configured()
    {
        using var app = new DialerApp(settings: new Dictionary<string, string?>
        {
            ["Twilio:ApiKeySid"] = KeySid,
            ["Twilio:ApiKeySecret"] = KeySecret,
        });
        await app.Admin.PutAsJsonAsync("/api/operators/anna", new { name = "Anna Rossi" });

        var response = await (await app.OperatorAsync("anna")).PostAsync("/api/me/voice-token", null);

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("Twilio:TwimlAppSid"));
        });
    }

    static (JsonElement Header, JsonElement Payload) Decode(string jwt)
    {
        var parts = jwt.Split('.');
        Assert.That(parts, Has.Length.EqualTo(3));
        return (JsonDocument.Parse(Base64Url(parts[0])).RootElement, JsonDocument.Parse(Base64Url(parts[1])).RootElement);
    }

    static bool SignatureIsValid(string jwt, string secret)
    {
        var parts = jwt.Split('.');
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        return CryptographicOperations.FixedTimeEquals(expected, Base64Url(parts[2]));
    }

    static byte[] Base64Url(string s)
    {
        var padded = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '='));
    }
}
