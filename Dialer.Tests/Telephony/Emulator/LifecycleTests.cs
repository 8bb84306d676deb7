namespace Dialer.Tests.Telephony.Emulator;

/// <summary>How calls end (docs/twilio-reference.md §2.1, §7.2): the callee, the API, the Timeout, the time limit and the queue's maximum wait.</summary>
public sealed class LifecycleTests
{
    [Test]
    public async Task Completing_an_answered_call_through_the_api_hangs_it_up()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Receiver.Respond("/answer", "<Response><Pause length=\"600\"/></Response>");
        var sid = (string)(await emulator.CreateAsync(("Url", emulator.Receiver.Url("/answer")), ("StatusCallback", emulator.Receiver.Url("/status"))))["sid"]!;
        await emulator.Receiver.WaitForAsync(r => r.Path == "/answer");

        using var canceled = await emulator.Client.PostAsync($"/2010-04-01/Accounts/{TestEmulator.Account}/Calls/{sid}.json", TestEmulator.Form(("Status", "canceled")));
        var stillTalking = (string?)(await TestEmulator.JsonAsync(canceled))["status"];
        using var completed = await emulator.Client.PostAsync($"/2010-04-01/Accounts/{TestEmulator.Account}/Calls/{sid}.json", TestEmulator.Form(("Status", "completed")));
        var callback = (await emulator.Receiver.WaitForAsync(r => r.Path == "/status")).Single();

        Assert.Multiple(() =>
        {
            Assert.That(stillTalking, Is.EqualTo("in-progress"), "canceled leaves an answered call alone");
            Assert.That((int)completed.StatusCode, Is.EqualTo(200));
            Assert.That(callback["CallStatus"], Is.EqualTo("completed"));
            Assert.That(int.Parse(callback["CallDuration"]!, System.Globalization.CultureInfo.InvariantCulture), Is.LessThan(600));
        });
    }

    [Test]
    public async Task An_unanswered_call_ends_as_no_answer_when_its_timeout_passes()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.DefaultProfile = o.DefaultProfile with { Ring = new(40, 40) });

        await emulator.CreateAsync(("Url", "https://x.example/a"), ("Timeout", "15"), ("StatusCallback", emulator.Receiver.Url("/status")),
            ("StatusCallbackEvent", "ringing"), ("StatusCallbackEvent", "completed"));
        var callbacks = await emulator.Receiver.WaitForAsync(r => r.Path == "/status", 2);
        var rang = CallTimestamp(callbacks[1]) - CallTimestamp(callbacks[0]);

        Assert.Multiple(() =>
        {
            Assert.That(callbacks[1]["CallStatus"], Is.EqualTo("no-answer"));
            Assert.That(callbacks[1]["SipResponseCode"], Is.EqualTo("487"));
            Assert.That(rang.TotalSeconds, Is.InRange(14, 17), "it rang for the 15 s Timeout, not the 40 s the callee would have taken");
        });
    }

    [Test]
    public async Task The_customer_hanging_up_during_the_bridge_ends_the_operator_leg_and_still_posts_the_action()
    {
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            o.DefaultProfile = o.DefaultProfile with { Talk = new(8, 8) };
            o.OperatorProfile = o.OperatorProfile with { Talk = new(600, 600) };
        });
        emulator.Receiver.Respond("/answer", "<Response><Dial action=\"/dial-result\"><Client>op_1</Client></Dial></Response>");

        var sid = (string)(await emulator.CreateAsync(("Url", emulator.Receiver.Url("/answer"))))["sid"]!;
        var action = (await emulator.Receiver.WaitForAsync(r => r.Path == "/dial-result")).Single();
        var parent = await emulator.WaitForStatusAsync(sid, "completed");
        var child = emulator.Engine.Calls.Single(c => c.ParentCallSid == sid).Snapshot();

        Assert.Multiple(() =>
        {
            Assert.That(action["DialCallStatus"], Is.EqualTo("completed"));
            Assert.That(child.Status, Is.EqualTo("completed"));
            Assert.That(child.Duration, Is.LessThan(10), "the operator leg ended with the customer's hang-up, not after its own 600 s");
            Assert.That(parent.Duration, Is.InRange(7, 9));
        });
    }

    [Test]
    public async Task Calls_waiting_in_the_queue_longer_than_the_maximum_are_canceled()
    {
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            o.CallsPerSecond = 1;
            o.MaxQueueTime = TimeSpan.FromSeconds(1.5);
        }, speed: 4);   // slow enough that four creates take far less than one simulated second, even on a loaded machine

        var sids = new List<string>();
        for (var i = 0; i < 4; i++) sids.Add((string)(await emulator.CreateAsync(("Url", "https://x.example/a")))["sid"]!);
        var last = await emulator.WaitForStatusAsync(sids[3], "canceled");
        var first = emulator.Engine.Find(sids[0])!.Snapshot();

        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.Not.EqualTo("canceled"));
            Assert.That(last.Timeline.Last().Detail, Does.Contain("maximum queue time"));
        });
    }

    static DateTimeOffset CallTimestamp(ReceivedWebhook callback) =>
        DateTimeOffset.ParseExact(callback["Timestamp"]!, "ddd, dd MMM yyyy HH:mm:ss '+0000'", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal);
}
