using System.Net;
using System.Text;
using Dialer.Core.Telephony;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Telephony;

/// <summary>What our client makes Twilio's SDK send, against a recording fake of Twilio on real Kestrel: form pairs, auth, errors.</summary>
public sealed class TwilioClientTests : FakeTwilioTest
{
    const string CallSid = "CA0123456789abcdef0123456789abcdef";

    [Test]
    public async Task Create_sends_the_form_twilio_documents()
    {
        using var services = Twilio.Services();
        var client = services.GetRequiredService<ITelephonyClient>();

        var result = await client.PlaceCallAsync(new CallRequest("att-42", "+393331234567") { TimeLimit = TimeSpan.FromMinutes(30) }, CancellationToken.None);

        var sent = Twilio.Requests.Single();
        // The SDK chooses the order of the keys; what Twilio reads is the pairs, with StatusCallbackEvent repeated (§1.2).
        string[] expected =
        [
            "To=+393331234567", "From=+390212345678",
            "Url=https://dialer.example.it/twilio/voice/answer?attempt=att-42", "Method=POST",
            "StatusCallback=https://dialer.example.it/twilio/voice/status?attempt=att-42",
            "StatusCallbackEvent=initiated", "StatusCallbackEvent=ringing", "StatusCallbackEvent=answered", "StatusCallbackEvent=completed",
            "StatusCallbackMethod=POST", "Timeout=30", "TimeLimit=1800",
            "MachineDetection=Enable", "AsyncAmd=true",
            "AsyncAmdStatusCallback=https://dialer.example.it/twilio/voice/amd?attempt=att-42", "AsyncAmdStatusCallbackMethod=POST",
        ];
        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(PlaceCallOutcome.Placed));
            Assert.That(result.Call!.Status, Is.EqualTo("queued"));
            Assert.That(result.Call.DateCreated, Is.EqualTo(new DateTimeOffset(2026, 11, 21, 20, 0, 0, TimeSpan.Zero)));
            Assert.That(sent.Method, Is.EqualTo("POST"));
            Assert.That(sent.PathAndQuery, Is.EqualTo($"/2010-04-01/Accounts/{FakeTwilio.AccountSid}/Calls.json"));
            Assert.That(sent.ContentType, Is.EqualTo("application/x-www-form-urlencoded"));
            Assert.That(Pairs(sent.Body), Is.EquivalentTo(expected));
            Assert.That(Pairs(sent.Body).Where(p => p.StartsWith("StatusCallbackEvent=", StringComparison.Ordinal)),
                Is.EqualTo(expected.Where(p => p.StartsWith("StatusCallbackEvent=", StringComparison.Ordinal))));
            Assert.That(sent.Authorization, Is.EqualTo("Basic " + Base64($"{FakeTwilio.AccountSid}:{FakeTwilio.AuthToken}")));
            Assert.That(sent.Accept, Is.EqualTo("application/json"));
        });
    }

    [Test]
    public async Task Api_key_authenticates_while_the_path_keeps_the_account_sid()
    {
        const string keySid = "SK0123456789abcdef0123456789abcdef";
        using var services = Twilio.Services(("Twilio:ApiKeySid", keySid), ("Twilio:ApiKeySecret", "key-secret"));
        Twilio.Then(new Scripted(HttpStatusCode.OK, FakeTwilio.CallJson(CallSid, "+393331234567", "ringing", null)));

        var call = await services.GetRequiredService<ITelephonyClient>().FetchCallAsync(CallSid, CancellationToken.None);

        var sent = Twilio.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(call.Status, Is.EqualTo("ringing"));
            Assert.That(sent.Authorization, Is.EqualTo("Basic " + Base64($"{keySid}:key-secret")));
            Assert.That(sent.PathAndQuery, Is.EqualTo($"/2010-04-01/Accounts/{FakeTwilio.AccountSid}/Calls/{CallSid}.json"));
        });
    }

    [Test]
    public async Task Caller_id_and_no_amd_are_sent_as_asked()
    {
        using var services = Twilio.Services();

        await services.GetRequiredService<ITelephonyClient>().PlaceCallAsync(
            new CallRequest("a1", "+390612345678") { From = "+390287654321", DetectMachine = false, RingTimeout = TimeSpan.FromSeconds(20) }, CancellationToken.None);

        var pairs = Pairs(Twilio.Requests.Single().Body);
        Assert.Multiple(() =>
        {
            Assert.That(pairs, Does.Contain("To=+390612345678").And.Contain("From=+390287654321").And.Contain("Timeout=20"));
            Assert.That(pairs, Has.None.Contains("MachineDetection").And.None.Contains("AsyncAmd").And.None.Contains("TimeLimit"));
        });
    }

    [Test]
    public async Task Twilio_error_becomes_a_typed_exception_with_code_message_and_status()
    {
        using var services = Twilio.Services();
        Twilio.Then(FakeTwilio.Error(HttpStatusCode.NotFound, 20404, $"The requested resource /2010-04-01/Accounts/{FakeTwilio.AccountSid}/Calls/{CallSid}.json was not found"));

        var ex = Assert.ThrowsAsync<TwilioException>(() => services.GetRequiredService<ITelephonyClient>().FetchCallAsync(CallSid, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Code, Is.EqualTo(TwilioException.NotFound));
            Assert.That(ex.HttpStatus, Is.EqualTo(404));
            Assert.That(ex.TwilioMessage, Does.Contain("was not found"));
            Assert.That(ex.MoreInfo, Is.EqualTo("https://www.twilio.com/docs/errors/20404"));
        });
    }

    [Test]
    public async Task Refused_create_is_definitely_not_placed_and_carries_twilio_code()
    {
        using var services = Twilio.Services();
        Twilio.Then(FakeTwilio.Error(HttpStatusCode.BadRequest, 21211, "The 'To' number 5551234567 is not a valid phone number."));

        var result = await services.GetRequiredService<ITelephonyClient>().PlaceCallAsync(new CallRequest("a1", "+393331234567"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(PlaceCallOutcome.NotPlaced));
            Assert.That(result.Error!.Code, Is.EqualTo(21211));
            Assert.That(result.Error.HttpStatus, Is.EqualTo(400));
            Assert.That(Twilio.Requests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Error_without_a_twilio_body_keeps_the_http_status()
    {
        using var services = Twilio.Services(("Twilio:MaxRetries", "0"));
        Twilio.Then(new Scripted(HttpStatusCode.BadGateway, "<html>bad gateway</html>"));

        var ex = Assert.ThrowsAsync<TwilioException>(() => services.GetRequiredService<ITelephonyClient>().FetchCallAsync(CallSid, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Code, Is.Zero);
            Assert.That(ex.HttpStatus, Is.EqualTo(502));
        });
    }

    [Test]
    public async Task Hang_up_cancel_and_redirect_post_the_documented_updates()
    {
        using var services = Twilio.Services();
        var client = services.GetRequiredService<ITelephonyClient>();
        for (var i = 0; i < 3; i++) Twilio.Then(new Scripted(HttpStatusCode.OK, FakeTwilio.CallJson(CallSid, "+393331234567", "in-progress", null)));

        await client.HangUpAsync(CallSid, CancellationToken.None);
        await client.CancelAsync(CallSid, CancellationToken.None);
        await client.RedirectAsync(CallSid, new Uri("https://dialer.example.it/twilio/voice/answer?attempt=a1"), CancellationToken.None);

        var sent = Twilio.Requests.ToList();
        Assert.Multiple(() =>
        {
            Assert.That(sent.Select(r => r.Method), Is.All.EqualTo("POST"));
            Assert.That(sent.Select(r => r.PathAndQuery), Is.All.EqualTo($"/2010-04-01/Accounts/{FakeTwilio.AccountSid}/Calls/{CallSid}.json"));
            Assert.That(sent.Select(r => Pairs(r.Body)), Is.EqualTo(new[]
            {
                new[] { "Status=completed" },
                new[] { "Status=canceled" },
                new[] { "Method=POST", "Url=https://dialer.example.it/twilio/voice/answer?attempt=a1" },
            }).Using<string[], string[]>((a, b) => a.Order(StringComparer.Ordinal).SequenceEqual(b.Order(StringComparer.Ordinal))));
        });
    }

    [Test]
    public async Task List_encodes_the_filters_and_follows_next_page_uri()
    {
        using var services = Twilio.Services();
        var next = $"/2010-04-01/Accounts/{FakeTwilio.AccountSid}/Calls.json?To=%2B393331234567&PageSize=2&Page=1&PageToken=PAabc";
        Twilio.Then(
            new Scripted(HttpStatusCode.OK, FakeTwilio.ListJson(next,
                FakeTwilio.CallJson("CA00000000000000000000000000000001", "+393331234567", "completed", "Sat, 21 Nov 2026 19:00:00 +0000"),
                FakeTwilio.CallJson("CA00000000000000000000000000000002", "+393331234567", "busy", "Sat, 21 Nov 2026 18:00:00 +0000"))),
            new Scripted(HttpStatusCode.OK, FakeTwilio.ListJson(null,
                FakeTwilio.CallJson("CA00000000000000000000000000000003", "+393331234567", "no-answer", "Sat, 21 Nov 2026 17:00:00 +0000"))));

        var calls = await services.GetRequiredService<ITelephonyClient>().ListCallsAsync(
            new CallFilter { To = "+393331234567", StartedOnOrAfter = new DateOnly(2026, 11, 21), PageSize = 2 }, CancellationToken.None);

        var sent = Twilio.Requests.ToList();
        Assert.Multiple(() =>
        {
            Assert.That(calls.Select(c => c.Status), Is.EqualTo(new[] { "completed", "busy", "no-answer" }));
            Assert.That(sent[0].PathAndQuery, Is.EqualTo($"/2010-04-01/Accounts/{FakeTwilio.AccountSid}/Calls.json?To=%2B393331234567&StartTime%3E=2026-11-21T00%3A00%3A00Z&PageSize=2"));
            Assert.That(sent[1].PathAndQuery, Is.EqualTo(next));
        });
    }

    /// <summary>A form body as decoded key=value pairs, in the order sent.</summary>
    static string[] Pairs(string body) =>
        [.. body.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).Select(kv => $"{Decode(kv[0])}={Decode(kv.ElementAtOrDefault(1) ?? "")}")];

    static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

    static string Base64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
}
