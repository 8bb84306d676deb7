using System.Net;
using Dialer.Worker.Telephony.Emulator;

namespace Dialer.Tests.Telephony.Emulator;

/// <summary>Create faults on demand through the control API (docs/twilio-reference.md §7.1.11–13): each produces exactly what it promises.</summary>
public sealed class FaultTests
{
    [TestCase(CreateFaultKind.TooManyRequests, 429, 20429)]
    [TestCase(CreateFaultKind.ServerError, 500, 20500)]
    [TestCase(CreateFaultKind.ServiceUnavailable, 503, 20503)]
    public async Task Error_faults_answer_with_twilio_error_json_and_create_nothing(CreateFaultKind kind, int status, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var injected = await emulator.ControlAsync(HttpMethod.Post, "faults", new { kind = kind.ToString(), count = 2 });

        using var first = await emulator.PostCreateAsync(("Url", "https://x.example/a"));
        using var second = await emulator.PostCreateAsync(("Url", "https://x.example/a"));
        using var third = await emulator.PostCreateAsync(("Url", "https://x.example/a"));
        var error = await TestEmulator.JsonAsync(first);

        Assert.Multiple(() =>
        {
            Assert.That(injected.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((int)first.StatusCode, Is.EqualTo(status));
            Assert.That((int)second.StatusCode, Is.EqualTo(status));
            Assert.That((int?)error["code"], Is.EqualTo(code));
            Assert.That((int?)error["status"], Is.EqualTo(status));
            Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.Created), "the fault is used up after its count");
            Assert.That(emulator.Engine.Calls.Count(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Server_error_after_create_leaves_a_real_call_behind()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.ControlAsync(HttpMethod.Post, "faults", new { kind = "ServerErrorAfterCreate" });

        using var response = await emulator.PostCreateAsync(("Url", "https://x.example/a"), ("To", "+393339998877"));
        var listed = await TestEmulator.JsonAsync(await emulator.Client.GetAsync(TestEmulator.CallsPath + "?To=%2B393339998877"));

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(500));
            Assert.That(listed["calls"]!.AsArray(), Has.Count.EqualTo(1), "the ambiguous case: the error hides a call that exists");
        });
    }

    [TestCase("Timeout", 0)]
    [TestCase("TimeoutAfterCreate", 1)]
    public async Task Timeouts_hold_the_response_past_the_clients_patience(string kind, int calls)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.ControlAsync(HttpMethod.Post, "faults", new { kind, hangSeconds = 30 });
        using var impatient = new HttpClient { BaseAddress = emulator.Host.BaseUrl, Timeout = TimeSpan.FromMilliseconds(500) };
        impatient.DefaultRequestHeaders.Authorization = emulator.Client.DefaultRequestHeaders.Authorization;

        var attempt = impatient.PostAsync(TestEmulator.CallsPath, TestEmulator.Form(("To", "+393331234567"), ("From", "+390212345678"), ("Url", "https://x.example/a")));

        Assert.That(async () => await attempt, Throws.InstanceOf<TaskCanceledException>());
        Assert.That(emulator.Engine.Calls.Count(), Is.EqualTo(calls));
    }

    [TestCase("ConnectionReset", 0)]
    [TestCase("ConnectionResetAfterCreate", 1)]
    public async Task Resets_drop_the_connection(string kind, int calls)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.ControlAsync(HttpMethod.Post, "faults", new { kind });

        Assert.That(async () => await emulator.PostCreateAsync(("Url", "https://x.example/a")), Throws.InstanceOf<HttpRequestException>());
        Assert.That(emulator.Engine.Calls.Count(), Is.EqualTo(calls));
    }

    [Test]
    public async Task More_requests_in_flight_than_allowed_get_429_and_create_nothing()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.MaxConcurrentRequests = 1);
        await emulator.ControlAsync(HttpMethod.Post, "faults", new { kind = "Timeout", hangSeconds = 2 });
        var hanging = emulator.PostCreateAsync(("Url", "https://x.example/a"));
        while (emulator.Engine.ConcurrentRequests == 0) await Task.Delay(10);

        using var refused = await emulator.PostCreateAsync(("Url", "https://x.example/a"));
        var error = await TestEmulator.JsonAsync(refused);

        Assert.Multiple(() =>
        {
            Assert.That((int)refused.StatusCode, Is.EqualTo(429));
            Assert.That(error.ToJsonString(), Is.EqualTo("""{"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429}"""));
            Assert.That(emulator.Engine.Calls, Is.Empty);
        });
        Assert.That(async () => await hanging, Throws.InstanceOf<HttpRequestException>());
    }

    [Test]
    public async Task Control_api_rejects_bad_settings_and_faults_with_the_reason()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var badProfile = await emulator.ControlAsync(HttpMethod.Put, "settings", new { defaultProfile = new { busy = 0.7, noAnswer = 0.7 } });
        using var badCps = await emulator.ControlAsync(HttpMethod.Put, "settings", new { callsPerSecond = 0 });
        using var badKind = await emulator.ControlAsync(HttpMethod.Post, "faults", new { kind = "Explode" });
        using var good = await emulator.ControlAsync(HttpMethod.Put, "settings", new { callsPerSecond = 5, callbackFaults = new { duplicate = 0.5 } });

        Assert.Multiple(async () =>
        {
            Assert.That(badProfile.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await badProfile.Content.ReadAsStringAsync(), Does.Contain("must not exceed 1"));
            Assert.That(await badCps.Content.ReadAsStringAsync(), Does.Contain("CallsPerSecond"));
            Assert.That(badKind.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(good.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(emulator.Engine.Options.CallsPerSecond, Is.EqualTo(5));
            Assert.That(emulator.Engine.CallbackFaults.Duplicate, Is.EqualTo(0.5));
            Assert.That(emulator.Engine.Options.DefaultProfile.Ring, Is.EqualTo(new DurationRange(2, 2)), "a rejected change changes nothing");
        });
    }

    [Test]
    public async Task Control_api_lists_calls_with_timelines_and_reset_forgets_them()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateAsync(("Url", "https://x.example/a"));

        var listed = await emulator.ControlAsync(HttpMethod.Get, "calls");
        var body = await listed.Content.ReadAsStringAsync();
        using var reset = await emulator.ControlAsync(HttpMethod.Post, "reset");

        Assert.Multiple(() =>
        {
            Assert.That(body, Does.Contain("\"timeline\"").And.Contain("\"plannedOutcome\":\"Answered\""));
            Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(emulator.Engine.Calls, Is.Empty);
        });
        listed.Dispose();
    }
}
