using System.Net;
using System.Xml.Linq;
using Dialer.Core.Telephony;
using Dialer.Worker.Telephony.Emulator;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Telephony;

/// <summary>The webhooks through the real API on Kestrel (emulator settings: its token and public address sign them).</summary>
public sealed class TwilioWebhooksTests : DatabaseTest
{
    const string CallSid = "CA0123456789abcdef0123456789abcdef";

    static DialerApp app = null!;

    [OneTimeSetUp]
    public static void StartApi() => app = new DialerApp();

    [OneTimeTearDown]
    public static void StopApi() => app.Dispose();

    [Test]
    public async Task Signed_status_callback_is_stored_before_the_answer()
    {
        var response = await PostAsync(TwilioWebhookUrls.Status, "att-1", StatusForm(CallSid, "ringing", 1));

        var call = await FindAsync(CallSid);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(call!.Status, Is.EqualTo("ringing"));
            Assert.That(call.AttemptId, Is.EqualTo("att-1"));
            Assert.That(call.SequenceNumber, Is.EqualTo(1));
        });
    }

    [TestCase(null, Description = "missing")]
    [TestCase("RSOYDt4T1cUTdK1PDd93/VVr8B8=", Description = "wrong")]
    public async Task Unsigned_or_badly_signed_callback_gets_403_and_is_not_stored(string? signature)
    {
        var response = await PostAsync(TwilioWebhookUrls.Status, "att-1", StatusForm(CallSid, "completed", 3), signatureOverride: signature ?? "");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await FindAsync(CallSid), Is.Null);
        });
    }

    [Test]
    public async Task Signature_over_a_tampered_parameter_gets_403()
    {
        var form = StatusForm(CallSid, "completed", 3);
        var signature = Sign(TwilioWebhookUrls.Status, "att-1", form);
        form[3] = new("CallStatus", "busy");

        var response = await PostAsync(TwilioWebhookUrls.Status, "att-1", form, signature);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Reordered_and_duplicated_callbacks_end_in_the_final_status()
    {
        await PostAsync(TwilioWebhookUrls.Status, "att-1", StatusForm(CallSid, "completed", 3, duration: 42));
        await PostAsync(TwilioWebhookUrls.Status, "att-1", StatusForm(CallSid, "ringing", 1));
        await PostAsync(TwilioWebhookUrls.Status, "att-1", StatusForm(CallSid, "initiated", 0));
        await PostAsync(TwilioWebhookUrls.Status, "att-1", StatusForm(CallSid, "in-progress", 2));
        var duplicate = await PostAsync(TwilioWebhookUrls.Status, "att-1", StatusForm(CallSid, "completed", 3, duration: 42));

        var call = await FindAsync(CallSid);
        Assert.Multiple(async () =>
        {
            Assert.That(duplicate.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(call!.Status, Is.EqualTo("completed"));
            Assert.That(call.IsFinal, Is.True);
            Assert.That(call.SequenceNumber, Is.EqualTo(3));
            Assert.That(call.DurationSeconds, Is.EqualTo(42));
            Assert.That(await EventCountAsync(CallSid), Is.EqualTo(4));
        });
    }

    [Test]
    public async Task Concurrent_shuffled_delivery_of_many_calls_ends_right_for_each()
    {
        string[] statuses = ["initiated", "ringing", "in-progress", "no-answer"];
        var sids = Enumerable.Range(0, 25).Select(i => $"CA{i:x32}").ToList();
        var deliveries = sids.SelectMany(sid => statuses.Select((s, seq) => (sid, s, seq)))
            .SelectMany(d => new[] { d, d })   // every callback twice
            .OrderBy(_ => Random.Shared.Next())
            .ToList();

        var responses = await Task.WhenAll(deliveries.Select(d => PostAsync(TwilioWebhookUrls.Status, "att-" + d.sid, StatusForm(d.sid, d.s, d.seq))));

        await using var conn = await Db.OpenConnectionAsync();
        var finals = await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM provider_calls WHERE status = 'no-answer' AND sequence_number = 3 AND is_final");
        var events = await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM provider_call_events");
        Assert.Multiple(() =>
        {
            Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.NoContent));
            Assert.That(finals, Is.EqualTo(25));
            Assert.That(events, Is.EqualTo(100));
        });
    }

    [Test]
    public async Task New_status_is_published_after_it_is_stored_and_a_redelivery_is_not()
    {
        var received = new System.Collections.Concurrent.ConcurrentQueue<CallStatusReceived>();
        var bus = app.Services.GetRequiredService<IBus>();
        var endpoint = bus.ConnectReceiveEndpoint("telephony-tests-" + Guid.NewGuid().ToString("N"), e =>
            e.Handler<CallStatusReceived>(context =>
            {
                received.Enqueue(context.Message);
                return Task.CompletedTask;
            }));
        await endpoint.Ready;
        try
        {
            await PostAsync(TwilioWebhookUrls.Status, "att-3", StatusForm(CallSid, "completed", 3, duration: 42));
            await PostAsync(TwilioWebhookUrls.Status, "att-3", StatusForm(CallSid, "completed", 3, duration: 42));
            await PostAsync(TwilioWebhookUrls.Status, "att-3", StatusForm(CallSid, "ringing", 1));
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (received.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(50);
            await Task.Delay(300);

            var events = received.OrderBy(e => e.SequenceNumber).ToList();
            Assert.Multiple(() =>
            {
                Assert.That(events.Select(e => (e.Status, e.SequenceNumber, e.Applied)), Is.EqualTo(new[] { ("ringing", 1, false), ("completed", 3, true) }));
                Assert.That(events[1].AttemptId, Is.EqualTo("att-3"));
                Assert.That(events[1].IsFinal, Is.True);
                Assert.That(events[1].DurationSeconds, Is.EqualTo(42));
            });
        }
        finally
        {
            await endpoint.StopAsync();
        }
    }

    [Test]
    public async Task Payload_keeps_no_phone_numbers()
    {
        await PostAsync(TwilioWebhookUrls.Status, "att-1", StatusForm(CallSid, "completed", 3));

        await using var conn = await Db.OpenConnectionAsync();
        var payload = await conn.ExecuteScalarAsync<string>("SELECT payload::text FROM provider_call_events WHERE call_sid = @CallSid", new { CallSid });
        Assert.Multiple(() =>
        {
            Assert.That(payload, Does.Contain("\"CallStatus\": \"completed\""));
            Assert.That(payload, Does.Not.Contain("+39"));
        });
    }

    [TestCase("CallStatus", "exploded", "is not a Twilio call status")]
    [TestCase("SequenceNumber", "-1", "is not a non-negative integer")]
    [TestCase("CallSid", "", "CallSid is missing")]
    public async Task Malformed_callback_gets_a_specific_400_and_stores_nothing(string key, string value, string message)
    {
        var form = StatusForm(CallSid, "ringing", 1).Select(p => p.Key == key ? new KeyValuePair<string, string>(key, value) : p).ToList();

        var response = await PostAsync(TwilioWebhookUrls.Status, "att-1", form);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(message));
            Assert.That(await EventCountAsync(CallSid), Is.Zero);
        });
    }

    [Test]
    public async Task Amd_verdict_is_stored_once()
    {
        await PostAsync(TwilioWebhookUrls.Status, "att-1", StatusForm(CallSid, "in-progress", 2));
        List<KeyValuePair<string, string>> amd =
            [new("AccountSid", TwilioOptions.EmulatorAccountSid), new("AnsweredBy", "machine_start"), new("CallSid", CallSid), new("MachineDetectionDuration", "2750")];

        var first = await PostAsync(TwilioWebhookUrls.Amd, "att-1", amd);
        var again = await PostAsync(TwilioWebhookUrls.Amd, "att-1", amd);

        var call = await FindAsync(CallSid);
        Assert.Multiple(async () =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(call!.AnsweredBy, Is.EqualTo("machine_start"));
            Assert.That(call.Status, Is.EqualTo("in-progress"));
            Assert.That(await EventCountAsync(CallSid), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Answer_connects_the_person_to_the_reserved_operator()
    {
        await app.Services.GetRequiredService<CallRoutes>().SetAsync(
            new CallRoute("att-5", "client:op_42", "Centro per l'Impiego di Milano", "+390288888888"), CancellationToken.None);

        var response = await PostAsync(TwilioWebhookUrls.Answer, "att-5", AnswerForm());

        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        var dial = xml.Root!.Element("Dial")!;
        var client = dial.Element("Client")!;
        Assert.Multiple(() =>
        {
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/xml"));
            Assert.That(dial.Attribute("action")!.Value, Is.EqualTo($"{TwilioOptions.EmulatorPublicBaseUrl}/twilio/voice/dial-result?attempt=att-5"));
            Assert.That(dial.Attribute("callerId")!.Value, Is.EqualTo(TwilioOptions.EmulatorFrom));
            Assert.That(client.Value, Is.EqualTo("op_42"));
            Assert.That(client.Attribute("statusCallback")!.Value, Is.EqualTo($"{TwilioOptions.EmulatorPublicBaseUrl}/twilio/voice/status?attempt=att-5"));
            Assert.That(client.Attribute("statusCallbackEvent")!.Value, Is.EqualTo("initiated ringing answered completed"));
        });
    }

    [Test]
    public async Task Answer_with_nobody_reserved_apologises_in_italian_naming_the_job_centre()
    {
        await app.Services.GetRequiredService<CallRoutes>().SetAsync(
            new CallRoute("att-6", null, "Centro per l'Impiego di Roma", "+390655555555"), CancellationToken.None);

        var response = await PostAsync(TwilioWebhookUrls.Answer, "att-6", AnswerForm());

        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        var say = xml.Root!.Element("Say")!;
        Assert.Multiple(() =>
        {
            Assert.That(say.Attribute("language")!.Value, Is.EqualTo("it-IT"));
            Assert.That(say.Value, Does.Contain("Centro per l'Impiego di Roma").And.Contain("0 6 5 5 5 5 5 5 5 5"));
            Assert.That(xml.Root.Elements().Last().Name.LocalName, Is.EqualTo("Hangup"));
        });
    }

    [Test]
    public async Task Failed_dial_to_the_operator_apologises_and_a_finished_one_hangs_up()
    {
        var failed = await PostAsync(TwilioWebhookUrls.DialResult, "att-9", [.. AnswerForm(), new("DialCallStatus", "no-answer")]);
        var finished = await PostAsync(TwilioWebhookUrls.DialResult, "att-9", [.. AnswerForm(), new("DialCallStatus", "completed")]);

        var apology = XDocument.Parse(await failed.Content.ReadAsStringAsync()).Root!;
        var hangup = XDocument.Parse(await finished.Content.ReadAsStringAsync()).Root!;
        Assert.Multiple(() =>
        {
            Assert.That(apology.Element("Say")!.Value, Does.Contain(new TelephonyOptions().JobCentreName));
            Assert.That(hangup.Elements().Select(e => e.Name.LocalName), Is.EqualTo(new[] { "Hangup" }));
        });
    }

    [Test]
    public async Task Readiness_reports_the_twilio_circuit()
    {
        var response = await app.Client.GetAsync("/health/ready");

        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var telephony = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "telephony");
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(telephony.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
            Assert.That(telephony.GetProperty("description").GetString(), Is.EqualTo("Emulator: circuit Closed"));
        });
    }

    [Test]
    public async Task Oversize_callback_gets_413_with_a_problem_before_its_form_is_read()
    {
        var form = StatusForm(CallSid, "completed", 3);
        form.Add(new("StirVerstat", new string('x', TwilioWebhookUrls.MaxRequestBytes)));

        var signed = await PostAsync(TwilioWebhookUrls.Status, "att-1", form);
        using var chunked = new HttpRequestMessage(HttpMethod.Post, $"{TwilioWebhookUrls.Status}?attempt=att-1")
        {
            // No Content-Length (a stream that cannot seek is sent chunked): the limit must hold as the body streams in.
            Content = new StreamContent(await Unseekable("CallSid=" + CallSid + "&Padding=" + new string('x', 2 * TwilioWebhookUrls.MaxRequestBytes)))
            {
                Headers = { ContentType = new("application/x-www-form-urlencoded") },
            },
        };
        var streamed = await app.Client.SendAsync(chunked);

        Assert.Multiple(async () =>
        {
            Assert.That(chunked.Content.Headers.ContentLength, Is.Null, "sent chunked");
            foreach (var response in new[] { signed, streamed })
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            }
            Assert.That(await FindAsync(CallSid), Is.Null);
        });
    }

    [TestCase("application/json", "{\"CallSid\":\"CA1\"}")]
    [TestCase("text/plain", "CallSid=CA1")]
    [TestCase("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"CallSid\"\r\n\r\nCA1\r\n--b--\r\n")]
    public async Task Callback_that_is_not_a_urlencoded_form_gets_415_with_a_problem(string contentType, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{TwilioWebhookUrls.Status}?attempt=att-1")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8),
        };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        // Signed over the URL alone, as a body that is not a form contributes no parameters: today this reached the handler.
        request.Headers.Add("X-Twilio-Signature", Sign(TwilioWebhookUrls.Status, "att-1", []));

        var response = await app.Client.SendAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        });
    }

    [Test]
    public async Task A_callback_several_times_the_size_of_twilios_is_still_accepted()
    {
        // Twilio's callbacks are a few KB; a 16 KiB parameter (a long CallToken, say) stays well inside the limit.
        var form = StatusForm(CallSid, "ringing", 1);
        form.Add(new("CallToken", new string('t', 16 * 1024)));

        var response = await PostAsync(TwilioWebhookUrls.Status, "att-1", form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    public static List<KeyValuePair<string, string>> StatusForm(string callSid, string status, int sequence, int? duration = null)
    {
        List<KeyValuePair<string, string>> form =
        [
            new("AccountSid", TwilioOptions.EmulatorAccountSid),
            new("ApiVersion", "2010-04-01"),
            new("CallSid", callSid),
            new("CallStatus", status),
            new("CallbackSource", "call-progress-events"),
            new("Called", "+393331234567"),
            new("Caller", TwilioOptions.EmulatorFrom),
            new("Direction", "outbound-api"),
            new("From", TwilioOptions.EmulatorFrom),
            new("SequenceNumber", sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Timestamp", "Sat, 21 Nov 2026 20:00:00 +0000"),
            new("To", "+393331234567"),
        ];
        if (duration is { } d) form.Add(new("CallDuration", d.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return form;
    }

    static List<KeyValuePair<string, string>> AnswerForm() =>
    [
        new("AccountSid", TwilioOptions.EmulatorAccountSid),
        new("CallSid", CallSid),
        new("CallStatus", "in-progress"),
        new("Direction", "outbound-api"),
        new("From", TwilioOptions.EmulatorFrom),
        new("To", "+393331234567"),
    ];

    static string Sign(string path, string attemptId, IEnumerable<KeyValuePair<string, string>> form) =>
        WebhookSignature.Compute(TwilioOptions.EmulatorAuthToken, $"{TwilioOptions.EmulatorPublicBaseUrl}{path}?attempt={attemptId}", form);

    static async Task<HttpResponseMessage> PostAsync(string path, string attemptId, List<KeyValuePair<string, string>> form, string? signatureOverride = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{path}?attempt={attemptId}") { Content = new FormUrlEncodedContent(form) };
        var signature = signatureOverride ?? Sign(path, attemptId, form);
        if (signature.Length > 0) request.Headers.Add("X-Twilio-Signature", signature);
        var response = await app.Client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    static async Task<Stream> Unseekable(string body)
    {
        var pipe = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 0));
        await pipe.Writer.WriteAsync(System.Text.Encoding.ASCII.GetBytes(body));
        await pipe.Writer.CompleteAsync();
        return pipe.Reader.AsStream();
    }

    static Task<ProviderCallState?> FindAsync(string callSid) =>
        new ProviderCallStore(Db).FindAsync(callSid, CancellationToken.None);

    static async Task<long> EventCountAsync(string callSid)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM provider_call_events WHERE call_sid = @callSid", new { callSid });
    }
}
