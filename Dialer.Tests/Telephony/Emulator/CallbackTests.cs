using Dialer.Worker.Telephony.Emulator;

namespace Dialer.Tests.Telephony.Emulator;

/// <summary>Status callbacks (docs/twilio-reference.md §2.2–2.4, §7.3.22): subscribed events only, signed, numbered, and the delivery faults.</summary>
public sealed class CallbackTests
{
    static readonly (string, string)[] AllEvents =
        [("StatusCallbackEvent", "initiated"), ("StatusCallbackEvent", "ringing"), ("StatusCallbackEvent", "answered"), ("StatusCallbackEvent", "completed")];

    /// <summary>An emulator with the given callback faults, whose calls hang up as soon as they are answered.</summary>
    static async Task<TestEmulator> StartHangingUpAsync(CallbackFaults faults)
    {
        var emulator = await TestEmulator.StartAsync(o => o.CallbackFaults = faults);
        emulator.Receiver.Respond("/answer", "<Response><Hangup/></Response>");
        return emulator;
    }

    static async Task<string> CreateWithAllEventsAsync(TestEmulator emulator) =>
        (string)(await emulator.CreateAsync([("Url", emulator.Receiver.Url("/answer")), ("StatusCallback", emulator.Receiver.Url("/status")), .. AllEvents]))["sid"]!;

    [Test]
    public async Task An_answered_call_fires_the_four_events_signed_and_numbered_from_zero()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Receiver.Respond("/answer", "<Response><Say>Buongiorno</Say><Hangup/></Response>");

        var sid = (string)(await emulator.CreateAsync([("Url", emulator.Receiver.Url("/answer")), ("StatusCallback", emulator.Receiver.Url("/status?att=7")), .. AllEvents]))["sid"]!;
        var callbacks = await emulator.Receiver.WaitForAsync(r => r.Path == "/status", 4);
        var completed = callbacks.Single(c => c["SequenceNumber"] == "3");

        Assert.Multiple(() =>
        {
            Assert.That(callbacks.Select(c => (c["SequenceNumber"], c["CallStatus"])),
                Is.EqualTo(new[] { ("0", "initiated"), ("1", "ringing"), ("2", "in-progress"), ("3", "completed") }));
            Assert.That(callbacks.All(c => c.SignatureValid), Is.True, "every callback validates with the account's Auth Token over the URL used");
            Assert.That(callbacks.All(c => c["CallSid"] == sid && c["AccountSid"] == TestEmulator.Account && c["ApiVersion"] == "2010-04-01"), Is.True);
            Assert.That(callbacks.All(c => c["CallbackSource"] == "call-progress-events" && c["Direction"] == "outbound-api"), Is.True);
            Assert.That(callbacks.All(c => c["Called"] == "+393331234567" && c["Caller"] == "+390212345678" && c["ToCountry"] == "IT"), Is.True);
            Assert.That(callbacks.All(c => c.UserAgent == "TwilioProxy/1.1" && c.ContentType == "application/x-www-form-urlencoded; charset=UTF-8"), Is.True);
            Assert.That(callbacks.Select(c => c.IdempotencyToken).Distinct().Count(), Is.EqualTo(4));
            Assert.That(callbacks.All(c => c["Timestamp"]!.EndsWith("+0000", StringComparison.Ordinal)), Is.True);
            Assert.That(completed["SipResponseCode"], Is.EqualTo("200"));
            Assert.That(int.Parse(completed["CallDuration"]!, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(0));
            Assert.That(completed["Duration"], Is.EqualTo("1"));
            Assert.That(callbacks.Take(3).All(c => c["CallDuration"] is null), Is.True);
            Assert.That(callbacks.All(c => c["ParentCallSid"] is null), Is.True);
        });
    }

    [Test]
    public async Task By_default_only_completed_is_sent_and_numbered_zero()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.DefaultProfile = o.DefaultProfile with { Busy = 1 });

        await emulator.CreateAsync(("Url", "https://x.example/a"), ("StatusCallback", emulator.Receiver.Url("/status")));
        var callback = (await emulator.Receiver.WaitForAsync(r => r.Path == "/status")).Single();
        await Task.Delay(200);

        Assert.Multiple(() =>
        {
            Assert.That(emulator.Receiver.Received, Has.Count.EqualTo(1));
            Assert.That(callback["SequenceNumber"], Is.EqualTo("0"));
            Assert.That(callback["CallStatus"], Is.EqualTo("busy"));
            Assert.That(callback["SipResponseCode"], Is.EqualTo("486"));
            Assert.That(callback["CallDuration"], Is.EqualTo("0"));
            Assert.That(callback.SignatureValid, Is.True);
        });
    }

    [Test]
    public async Task Get_callbacks_carry_the_parameters_in_the_query_and_sign_the_whole_url()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.DefaultProfile = o.DefaultProfile with { Failed = 1 });

        await emulator.CreateAsync(("Url", "https://x.example/a"), ("StatusCallback", emulator.Receiver.Url("/status?att=1")), ("StatusCallbackMethod", "GET"));
        var callback = (await emulator.Receiver.WaitForAsync(r => r.Path == "/status")).Single();

        Assert.Multiple(() =>
        {
            Assert.That(callback.Method, Is.EqualTo("GET"));
            Assert.That(callback.Form, Is.Empty);
            Assert.That(callback.Url, Does.Contain("?att=1&AccountSid=").And.Contain("CallStatus=failed").And.Contain("SipResponseCode=404"));
            Assert.That(callback.SignatureValid, Is.True);
        });
    }

    [Test]
    public async Task Duplicated_callbacks_arrive_twice_with_the_same_idempotency_token_and_signature()
    {
        await using var emulator = await StartHangingUpAsync(new CallbackFaults { Duplicate = 1 });

        await CreateWithAllEventsAsync(emulator);
        var callbacks = await emulator.Receiver.WaitForAsync(r => r.Path == "/status", 8);

        Assert.Multiple(() =>
        {
            Assert.That(callbacks.GroupBy(c => c["SequenceNumber"]).Select(g => g.Count()), Is.EqualTo(new[] { 2, 2, 2, 2 }));
            Assert.That(callbacks.GroupBy(c => c["SequenceNumber"]).All(g => g.Select(c => (c.IdempotencyToken, c.Signature)).Distinct().Count() == 1), Is.True);
            Assert.That(callbacks.All(c => c.SignatureValid), Is.True);
        });
    }

    [Test]
    public async Task Dropped_callbacks_never_arrive_but_keep_their_sequence_numbers()
    {
        await using var emulator = await StartHangingUpAsync(new CallbackFaults { Drop = 0.5 });

        var sid = await CreateWithAllEventsAsync(emulator);
        await emulator.WaitForStatusAsync(sid, "completed");
        await Task.Delay(200);
        var fired = emulator.Engine.Webhooks.Log.Where(w => w.Kind == "status-callback").ToList();
        var arrived = emulator.Receiver.Received.Where(r => r.Path == "/status").Select(r => r["SequenceNumber"]).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(fired.Select(w => w.Parameter("SequenceNumber")), Is.EqualTo(new[] { "0", "1", "2", "3" }));
            Assert.That(fired.Count(w => w.Delivery == "dropped"), Is.InRange(1, 3), "seed 42 drops some but not all");
            Assert.That(arrived, Is.EquivalentTo(fired.Where(w => w.Delivery != "dropped").Select(w => w.Parameter("SequenceNumber"))));
        });
    }

    [Test]
    public async Task Reordered_callbacks_arrive_after_the_next_one()
    {
        await using var emulator = await StartHangingUpAsync(new CallbackFaults { Reorder = 1 });

        await CreateWithAllEventsAsync(emulator);
        var callbacks = await emulator.Receiver.WaitForAsync(r => r.Path == "/status", 4);

        Assert.That(callbacks.Select(c => c["SequenceNumber"]), Is.EqualTo(new[] { "1", "0", "3", "2" }));
    }

    [Test]
    public async Task Delayed_callbacks_arrive_after_later_ones()
    {
        await using var emulator = await StartHangingUpAsync(new CallbackFaults { Delay = 0.5, DelaySeconds = 60 });

        await CreateWithAllEventsAsync(emulator);
        var callbacks = await emulator.Receiver.WaitForAsync(r => r.Path == "/status", 4);
        var delayed = emulator.Engine.Webhooks.Log.Where(w => w.Delivery == "delayed").Select(w => w.Parameter("SequenceNumber")).ToList();
        var order = callbacks.Select(c => c["SequenceNumber"]).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(delayed, Is.Not.Empty.And.Count.LessThan(4), "seed 42 delays some but not all");
            Assert.That(order.TakeLast(delayed.Count), Is.EquivalentTo(delayed), "the delayed ones come last");
        });
    }
}
