using Dialer.Worker.Telephony.Emulator;

namespace Dialer.Tests.Telephony.Emulator;

/// <summary>The answer TwiML and what follows it: &lt;Dial&gt; to an operator leg with its action (docs/twilio-reference.md §4, §7.3.20), and AMD (§2.5).</summary>
public sealed class DialAndAmdTests
{
    const string StatusEvents = "initiated ringing answered completed";

    static string DialTwiml(CallbackReceiver receiver) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <Response>
          <Say language="it-IT">Attenda, la stiamo mettendo in contatto con un operatore.</Say>
          <Dial timeout="20" action="/dial-result?att=5">
            <Client statusCallbackEvent="{StatusEvents}" statusCallback="{receiver.Url("/child-status")}">op_42</Client>
          </Dial>
          <Say>Unreachable after a Dial with an action</Say>
        </Response>
        """;

    [Test]
    public async Task Dial_is_followed_to_an_operator_leg_and_the_action_gets_the_result()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Receiver.Respond("/answer", DialTwiml(emulator.Receiver));
        emulator.Receiver.Respond("/dial-result", "<Response><Hangup/></Response>");

        var sid = (string)(await emulator.CreateAsync(("Url", emulator.Receiver.Url("/answer"))))["sid"]!;
        var action = (await emulator.Receiver.WaitForAsync(r => r.Path == "/dial-result")).Single();
        var childStatus = await emulator.Receiver.WaitForAsync(r => r.Path == "/child-status", 4);
        var answer = emulator.Receiver.Received.Single(r => r.Path == "/answer");
        var children = await TestEmulator.JsonAsync(await emulator.Client.GetAsync(TestEmulator.CallsPath + "?ParentCallSid=" + sid));
        var child = children["calls"]!.AsArray().Single()!;
        var parent = await emulator.WaitForStatusAsync(sid, "completed");

        Assert.Multiple(() =>
        {
            Assert.That(answer["CallStatus"], Is.EqualTo("in-progress"));
            Assert.That(answer.SignatureValid && action.SignatureValid, Is.True);
            Assert.That((string?)child["direction"], Is.EqualTo("outbound-dial"));
            Assert.That((string?)child["to"], Is.EqualTo("client:op_42"));
            Assert.That((string?)child["status"], Is.EqualTo("completed"));
            Assert.That(action.Url, Does.EndWith("/dial-result?att=5"), "the relative action resolves against the answer URL");
            Assert.That(action["DialCallStatus"], Is.EqualTo("completed"));
            Assert.That(action["DialCallSid"], Is.EqualTo((string?)child["sid"]));
            Assert.That(int.Parse(action["DialCallDuration"]!, System.Globalization.CultureInfo.InvariantCulture), Is.InRange(10, 60),
                "the operator profile talks 10 s; the emulator's accelerated clock (40×) only adds to it, by as much as a loaded machine delays it");
            Assert.That(childStatus.Select(c => c["CallStatus"]), Is.EqualTo(new[] { "initiated", "ringing", "in-progress", "completed" }));
            Assert.That(childStatus.All(c => c["ParentCallSid"] == sid && c["Direction"] == "outbound-dial" && c.SignatureValid), Is.True);
            Assert.That(parent.Timeline.Select(e => e.Kind), Does.Contain("bridged").And.Not.Contain("skipped"));
            Assert.That(parent.Timeline.Count(e => e.Kind == "say"), Is.EqualTo(1), "verbs after a Dial with an action are unreachable");
        });
    }

    [Test]
    public async Task A_busy_operator_gives_dial_call_status_busy()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Profiles = [new CallProfile { Pattern = "client:op_42", Busy = 1, Ring = new(1, 1) }]);
        emulator.Receiver.Respond("/answer", DialTwiml(emulator.Receiver));
        emulator.Receiver.Respond("/dial-result", "<Response><Say>Richiameremo</Say></Response>");

        var sid = (string)(await emulator.CreateAsync(("Url", emulator.Receiver.Url("/answer"))))["sid"]!;
        var action = (await emulator.Receiver.WaitForAsync(r => r.Path == "/dial-result")).Single();
        var parent = await emulator.WaitForStatusAsync(sid, "completed");

        Assert.Multiple(() =>
        {
            Assert.That(action["DialCallStatus"], Is.EqualTo("busy"));
            Assert.That(action["DialCallDuration"], Is.EqualTo("0"));
            Assert.That(parent.Timeline.Where(e => e.Kind == "say").Select(e => e.Detail), Has.Some.Contains("Richiameremo"), "the action's TwiML runs");
        });
    }

    [Test]
    public async Task Async_amd_posts_the_verdict_to_its_callback_and_fills_answered_by()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.DefaultProfile = o.DefaultProfile with { Machine = 1 });
        emulator.Receiver.Respond("/answer", "<Response><Pause length=\"10\"/></Response>");

        var sid = (string)(await emulator.CreateAsync(("Url", emulator.Receiver.Url("/answer")), ("MachineDetection", "Enable"), ("AsyncAmd", "true"),
            ("AsyncAmdStatusCallback", emulator.Receiver.Url("/amd"))))["sid"]!;
        var amd = (await emulator.Receiver.WaitForAsync(r => r.Path == "/amd")).Single();
        var answer = emulator.Receiver.Received.Single(r => r.Path == "/answer");
        var call = await TestEmulator.JsonAsync(await emulator.Client.GetAsync($"/2010-04-01/Accounts/{TestEmulator.Account}/Calls/{sid}.json"));

        Assert.Multiple(() =>
        {
            Assert.That(answer["AnsweredBy"], Is.Null, "async AMD does not hold the answer request");
            Assert.That(amd["AnsweredBy"], Is.EqualTo("machine_start"));
            Assert.That(amd["MachineDetectionDuration"], Is.EqualTo("2000"));
            Assert.That(amd["CallSid"], Is.EqualTo(sid));
            Assert.That(amd.SignatureValid, Is.True);
            Assert.That((string?)call["answered_by"], Is.EqualTo("machine_start"));
        });
    }

    [Test]
    public async Task Sync_amd_holds_the_answer_request_until_the_verdict()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Receiver.Respond("/answer", "<Response><Hangup/></Response>");

        await emulator.CreateAsync(("Url", emulator.Receiver.Url("/answer")), ("MachineDetection", "DetectMessageEnd"),
            ("StatusCallback", emulator.Receiver.Url("/status")));
        var answer = (await emulator.Receiver.WaitForAsync(r => r.Path == "/answer")).Single();
        var completed = (await emulator.Receiver.WaitForAsync(r => r.Path == "/status")).Single();

        Assert.Multiple(() =>
        {
            Assert.That(answer["AnsweredBy"], Is.EqualTo("human"));
            Assert.That(answer["MachineDetectionDuration"], Is.EqualTo("2000"));
            Assert.That(completed["AnsweredBy"], Is.EqualTo("human"));
        });
    }

    [Test]
    public async Task Bad_twiml_falls_back_and_lower_case_verbs_are_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Receiver.Respond("/answer", "<Response><say>lower case</say></Response>");
        emulator.Receiver.Respond("/fallback", "Testo semplice", "text/plain");

        var sid = (string)(await emulator.CreateAsync(("Url", emulator.Receiver.Url("/answer")), ("FallbackUrl", emulator.Receiver.Url("/fallback"))))["sid"]!;
        var view = await emulator.WaitForStatusAsync(sid, "completed");

        Assert.Multiple(() =>
        {
            Assert.That(view.Timeline.Where(e => e.Kind == "error").Select(e => e.Detail), Has.Some.StartsWith("12100"));
            Assert.That(view.Timeline.Where(e => e.Kind == "say").Select(e => e.Detail), Has.Some.EndsWith("Testo semplice"), "text/plain is read out");
        });
    }

    [Test]
    public async Task A_redirect_through_the_api_runs_the_new_twiml()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Receiver.Respond("/answer", "<Response><Pause length=\"600\"/></Response>");

        var sid = (string)(await emulator.CreateAsync(("Url", emulator.Receiver.Url("/answer"))))["sid"]!;
        await emulator.Receiver.WaitForAsync(r => r.Path == "/answer");
        using var redirect = await emulator.Client.PostAsync($"/2010-04-01/Accounts/{TestEmulator.Account}/Calls/{sid}.json",
            TestEmulator.Form(("Twiml", "<Response><Say>Nuove istruzioni</Say><Hangup/></Response>")));
        var view = await emulator.WaitForStatusAsync(sid, "completed");

        Assert.Multiple(() =>
        {
            Assert.That((int)redirect.StatusCode, Is.EqualTo(200));
            Assert.That(view.Timeline.Select(e => e.Kind), Does.Contain("redirect"));
            Assert.That(view.Timeline.Where(e => e.Kind == "say").Select(e => e.Detail), Has.Some.EndsWith("Nuove istruzioni"));
            Assert.That(view.Duration, Is.LessThan(600));
        });
    }
}
