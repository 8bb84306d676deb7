using System.Collections.Concurrent;
using System.Globalization;
using Dialer.Tests.Telephony.Emulator;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Security;
using Twilio.Types;
using CallProfile = Dialer.Worker.Telephony.Emulator.CallProfile;
using CreateFault = Dialer.Worker.Telephony.Emulator.CreateFault;
using CreateFaultKind = Dialer.Worker.Telephony.Emulator.CreateFaultKind;
using HttpMethod = Twilio.Http.HttpMethod;

namespace Dialer.Tests.Telephony;

/// <summary>
/// Twilio's own C# SDK, with nothing of ours in between, against the emulator: every operation the product uses and every fault the
/// emulator injects, so that the emulator cannot drift from the client Twilio ships. Each test checks what our
/// <see cref="Dialer.Core.Telephony.TwilioClient"/> relies on: the SDK's types and values, one POST per create, <c>ApiException</c>
/// with Twilio's code and HTTP status, <c>ApiConnectionException</c> wrapping the transport's exception, and signatures that
/// <c>RequestValidator</c> accepts.
/// </summary>
public sealed class SdkAgainstEmulatorTests
{
    const string Person = "+393331234567";
    const string Other = "+393339876543";
    const string CallerId = "+390212345678";
    const string KeySid = "SK0123456789abcdef0123456789abcdef";
    const string KeySecret = "emulator-api-key-secret";

    TestEmulator emulator = null!;
    ToEmulator wire = null!;

    async Task<TwilioRestClient> StartAsync(Action<Dialer.Worker.Telephony.Emulator.EmulatorOptions>? change = null, TimeSpan? timeout = null)
    {
        emulator = await TestEmulator.StartAsync(o =>
        {
            o.ApiKeys = new() { [KeySid] = KeySecret };
            change?.Invoke(o);
        });
        return Sdk(timeout: timeout);
    }

    /// <summary>The SDK as the product builds it: TwilioRestClient over SystemNetHttpClient over an HttpClient.</summary>
    TwilioRestClient Sdk(string user = TestEmulator.Account, string secret = TestEmulator.AuthToken, TimeSpan? timeout = null)
    {
        wire = new ToEmulator(emulator.Host.BaseUrl);
        var http = new System.Net.Http.HttpClient(wire) { Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        return new TwilioRestClient(user, secret, accountSid: TestEmulator.Account, httpClient: new SystemNetHttpClient(http));
    }

    [TearDown]
    public async Task StopAsync()
    {
        if (emulator is not null) await emulator.DisposeAsync();
    }

    CreateCallOptions Create(string to = Person, bool amd = true)
    {
        var create = new CreateCallOptions(new PhoneNumber(to), new PhoneNumber(CallerId))
        {
            Url = new Uri(emulator.Receiver.Url("/answer?attempt=a1")),
            Method = HttpMethod.Post,
            StatusCallback = new Uri(emulator.Receiver.Url("/status?attempt=a1")),
            StatusCallbackEvent = ["initiated", "ringing", "answered", "completed"],
            StatusCallbackMethod = HttpMethod.Post,
            Timeout = 30,
        };
        if (amd)
        {
            create.MachineDetection = "Enable";
            create.AsyncAmd = "true";
            create.AsyncAmdStatusCallback = new Uri(emulator.Receiver.Url("/amd?attempt=a1"));
            create.AsyncAmdStatusCallbackMethod = HttpMethod.Post;
        }
        return create;
    }

    [Test]
    public async Task A_create_with_status_callbacks_and_async_amd_is_one_post_and_every_callback_passes_request_validator()
    {
        var twilio = await StartAsync();
        emulator.Receiver.Respond("/answer", "<Response><Pause length=\"5\"/></Response>");

        var call = await CallResource.CreateAsync(Create(), twilio);
        var statuses = await emulator.Receiver.WaitForAsync(r => r.Path == "/status", 4);
        var amd = (await emulator.Receiver.WaitForAsync(r => r.Path == "/amd")).Single();

        var validator = new RequestValidator(TestEmulator.AuthToken);
        Assert.Multiple(() =>
        {
            Assert.That(call.Sid, Does.Match("^CA[0-9a-f]{32}$"));
            Assert.That(call.Status, Is.EqualTo(CallResource.StatusEnum.Queued));
            Assert.That(call.To, Is.EqualTo(Person));
            Assert.That(call.From, Is.EqualTo(CallerId));
            Assert.That(call.Direction, Is.EqualTo("outbound-api"));
            Assert.That(call.DateCreated, Is.Not.Null);
            Assert.That(wire.Sent, Is.EqualTo(new[] { $"POST {TestEmulator.CallsPath}" }), "one POST, never retried by the SDK");
            Assert.That(statuses.Select(s => s["CallStatus"]), Is.EqualTo(new[] { "initiated", "ringing", "in-progress", "completed" }));
            Assert.That(statuses.Select(s => s.Url), Has.All.EndsWith("/status?attempt=a1"), "our attempt id comes back in the query");
            Assert.That(amd["AnsweredBy"], Is.EqualTo("human"));
            Assert.That(emulator.Receiver.Received, Has.Count.GreaterThanOrEqualTo(6));
            Assert.That(emulator.Receiver.Received.Select(r => validator.Validate(r.Url, r.Form.ToDictionary(p => p.Key, p => p.Value), r.Signature)),
                Has.All.True, "RequestValidator accepts every signed callback");
            Assert.That(validator.Validate(amd.Url, amd.Form.ToDictionary(p => p.Key, p => p.Value + "x"), amd.Signature), Is.False);
        });
    }

    [Test]
    public async Task Fetch_reads_a_finished_call_into_the_sdks_types()
    {
        var twilio = await StartAsync();
        emulator.Receiver.Respond("/answer", "<Response><Pause length=\"5\"/></Response>");
        var sid = (await CallResource.CreateAsync(Create(), twilio)).Sid;
        await emulator.WaitForStatusAsync(sid, "completed");

        var call = await CallResource.FetchAsync(sid, client: twilio);

        Assert.Multiple(() =>
        {
            Assert.That(call.Sid, Is.EqualTo(sid));
            Assert.That(call.Status, Is.EqualTo(CallResource.StatusEnum.Completed));
            Assert.That(call.Status.ToString(), Is.EqualTo("completed"), "our client stores the status as Twilio's string");
            Assert.That(call.StartTime, Is.Not.Null);
            Assert.That(call.EndTime, Is.GreaterThanOrEqualTo(call.StartTime!.Value));
            Assert.That(int.TryParse(call.Duration, NumberStyles.None, CultureInfo.InvariantCulture, out _), Is.True, "duration is a string of seconds");
            Assert.That(call.AnsweredBy, Is.EqualTo("human"));
            Assert.That(call.ParentCallSid, Is.Null);
            Assert.That(wire.Sent.Last(), Is.EqualTo($"GET /2010-04-01/Accounts/{TestEmulator.Account}/Calls/{sid}.json"));
        });
    }

    [Test]
    public async Task List_with_filters_follows_the_pages_the_emulator_links()
    {
        var twilio = await StartAsync(o => o.DefaultProfile = o.DefaultProfile with { Ring = new(1, 1), Talk = new(1, 1) });
        emulator.Receiver.Respond("/answer", "<Response><Pause length=\"1\"/></Response>");
        var mine = new List<string>();
        for (var i = 0; i < 5; i++) mine.Add((await CallResource.CreateAsync(Create(amd: false), twilio)).Sid);
        for (var i = 0; i < 2; i++) await CallResource.CreateAsync(Create(Other, amd: false), twilio);
        foreach (var sid in mine) await emulator.WaitForStatusAsync(sid, "completed");
        var listsBefore = wire.Sent.Count;

        var paged = (await CallResource.ReadAsync(new ReadCallOptions { To = new PhoneNumber(Person), PageSize = 2 }, twilio)).ToList();
        var pageRequests = wire.Sent.Skip(listsBefore).ToList();
        var completed = (await CallResource.ReadAsync(new ReadCallOptions { To = new PhoneNumber(Person), Status = CallResource.StatusEnum.Completed,
            StartTimeAfter = DateTime.UtcNow.Date.AddDays(-1) }, twilio)).ToList();
        var none = (await CallResource.ReadAsync(new ReadCallOptions { StartTimeAfter = DateTime.UtcNow.Date.AddDays(2) }, twilio)).ToList();
        var firstPage = Twilio.Base.Page<CallResource>.FromJson("calls", (await twilio.RequestAsync(new Request(HttpMethod.Get, Twilio.Rest.Domain.Api,
            $"/2010-04-01/Accounts/{TestEmulator.Account}/Calls.json", queryParams: new ReadCallOptions { PageSize = 4 }.GetParams()))).Content);

        Assert.Multiple(() =>
        {
            Assert.That(paged.Select(c => c.Sid), Is.EquivalentTo(mine));
            Assert.That(paged.Select(c => c.DateCreated), Is.Ordered.Descending, "newest first");
            Assert.That(pageRequests, Has.Count.EqualTo(3), "five calls in pages of two");
            Assert.That(pageRequests.Skip(1), Has.All.Contains("PageToken=PA"), "later pages follow next_page_uri");
            Assert.That(pageRequests[0], Does.Contain("To=%2B393331234567").And.Contain("PageSize=2"));
            Assert.That(completed.Select(c => c.Sid), Is.EquivalentTo(mine), "StartTime> as the SDK writes it (an ISO instant) is understood");
            Assert.That(none, Is.Empty);
            Assert.That(firstPage.Records, Has.Count.EqualTo(4));
            Assert.That(firstPage.HasNextPage(), Is.True);
            Assert.That(firstPage.GetNextPageUrl(Twilio.Rest.Domain.Api), Does.StartWith("https://api.twilio.com/2010-04-01/Accounts/"));
        });
    }

    [Test]
    public async Task Update_with_twiml_and_with_a_url_redirects_a_live_call()
    {
        var twilio = await StartAsync();
        emulator.Receiver.Respond("/answer", "<Response><Pause length=\"600\"/></Response>");
        emulator.Receiver.Respond("/redirect", "<Response><Say>Arrivederci</Say><Hangup/></Response>");
        var byTwiml = (await CallResource.CreateAsync(Create(amd: false), twilio)).Sid;
        var byUrl = (await CallResource.CreateAsync(Create(amd: false), twilio)).Sid;
        await emulator.WaitForStatusAsync(byTwiml, "in-progress");
        await emulator.WaitForStatusAsync(byUrl, "in-progress");

        var updated = await CallResource.UpdateAsync(new UpdateCallOptions(byTwiml) { Twiml = new Twiml("<Response><Say>Fine</Say><Hangup/></Response>") }, twilio);
        await CallResource.UpdateAsync(new UpdateCallOptions(byUrl) { Url = new Uri(emulator.Receiver.Url("/redirect?attempt=a1")), Method = HttpMethod.Post }, twilio);
        var twimlEnd = await emulator.WaitForStatusAsync(byTwiml, "completed");
        var urlEnd = await emulator.WaitForStatusAsync(byUrl, "completed");
        var redirect = emulator.Receiver.Received.Single(r => r.Path == "/redirect");
        var late = Assert.ThrowsAsync<ApiException>(() => CallResource.UpdateAsync(new UpdateCallOptions(byUrl) { Twiml = new Twiml("<Response/>") }, twilio));

        Assert.Multiple(() =>
        {
            Assert.That(updated.Sid, Is.EqualTo(byTwiml));
            Assert.That(twimlEnd.Timeline.Where(e => e.Kind == "say").Select(e => e.Detail), Has.Some.Contains("Fine"));
            Assert.That(urlEnd.Timeline.Where(e => e.Kind == "say").Select(e => e.Detail), Has.Some.Contains("Arrivederci"));
            Assert.That(redirect.Method, Is.EqualTo("POST"));
            Assert.That(redirect["CallSid"], Is.EqualTo(byUrl));
            Assert.That(late!.Code, Is.EqualTo(21220), "a finished call cannot be redirected");
            Assert.That(late.Status, Is.EqualTo(400));
        });
    }

    [Test]
    public async Task Cancel_ends_a_ringing_call_and_hang_up_ends_one_in_progress()
    {
        var twilio = await StartAsync(o => o.Profiles = [new CallProfile { Pattern = Other, Ring = new(600, 600) }]);
        emulator.Receiver.Respond("/answer", "<Response><Pause length=\"600\"/></Response>");
        var ringing = (await CallResource.CreateAsync(Create(Other, amd: false), twilio)).Sid;
        var talking = (await CallResource.CreateAsync(Create(amd: false), twilio)).Sid;
        await emulator.WaitForStatusAsync(ringing, "ringing");
        await emulator.WaitForStatusAsync(talking, "in-progress");

        await CallResource.UpdateAsync(new UpdateCallOptions(ringing) { Status = CallResource.UpdateStatusEnum.Canceled }, twilio);
        var leftAlone = await CallResource.UpdateAsync(new UpdateCallOptions(talking) { Status = CallResource.UpdateStatusEnum.Canceled }, twilio);
        await CallResource.UpdateAsync(new UpdateCallOptions(talking) { Status = CallResource.UpdateStatusEnum.Completed }, twilio);

        var canceled = await emulator.WaitForStatusAsync(ringing, "canceled");
        var completed = await emulator.WaitForStatusAsync(talking, "completed");
        Assert.Multiple(() =>
        {
            Assert.That(canceled.Status, Is.EqualTo("canceled"));
            Assert.That(leftAlone.Status, Is.EqualTo(CallResource.StatusEnum.InProgress), "canceled leaves an answered call alone");
            Assert.That(completed.Status, Is.EqualTo("completed"));
            Assert.That(wire.Sent.Count(s => s.StartsWith("POST", StringComparison.Ordinal)), Is.EqualTo(5));
        });
    }

    [Test]
    public async Task Delete_removes_a_finished_call_and_a_fetch_then_gets_20404()
    {
        var twilio = await StartAsync();
        emulator.Receiver.Respond("/answer", "<Response><Hangup/></Response>");
        var sid = (await CallResource.CreateAsync(Create(amd: false), twilio)).Sid;
        await emulator.WaitForStatusAsync(sid, "completed");

        var deleted = await CallResource.DeleteAsync(sid, client: twilio);
        var gone = Assert.ThrowsAsync<ApiException>(() => CallResource.FetchAsync(sid, client: twilio));

        Assert.Multiple(() =>
        {
            Assert.That(deleted, Is.True);
            Assert.That(gone!.Code, Is.EqualTo(20404));
            Assert.That(gone.Status, Is.EqualTo(404));
            Assert.That(gone.MoreInfo, Does.Contain("20404"));
        });
    }

    [Test]
    public async Task An_api_key_authenticates_and_a_wrong_secret_gets_20003()
    {
        await StartAsync();
        emulator.Receiver.Respond("/answer", "<Response><Hangup/></Response>");

        var byKey = await CallResource.CreateAsync(Create(amd: false), Sdk(KeySid, KeySecret));
        var refused = Assert.ThrowsAsync<ApiException>(() => CallResource.FetchAsync(byKey.Sid, client: Sdk(KeySid, "wrong secret")));

        Assert.Multiple(() =>
        {
            Assert.That(byKey.AccountSid, Is.EqualTo(TestEmulator.Account), "the path names the account, the credentials the key");
            Assert.That(refused!.Code, Is.EqualTo(20003));
            Assert.That(refused.Status, Is.EqualTo(401));
        });
    }

    [Test]
    public async Task An_invalid_number_is_refused_with_21211_and_no_call()
    {
        var twilio = await StartAsync();

        var refused = Assert.ThrowsAsync<ApiException>(() => CallResource.CreateAsync(Create("12345", amd: false), twilio));

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Code, Is.EqualTo(21211));
            Assert.That(refused.Status, Is.EqualTo(400));
            Assert.That(emulator.Engine.Calls, Is.Empty);
        });
    }

    [TestCase(CreateFaultKind.TooManyRequests, 20429, 429, false)]
    [TestCase(CreateFaultKind.ServerError, 20500, 500, false)]
    [TestCase(CreateFaultKind.ServiceUnavailable, 20503, 503, false)]
    [TestCase(CreateFaultKind.ServerErrorAfterCreate, 20500, 500, true)]
    public async Task An_injected_error_is_an_api_exception_with_twilios_code_after_one_post(CreateFaultKind kind, int code, int status, bool created)
    {
        var twilio = await StartAsync();
        emulator.Engine.InjectFault(new CreateFault(kind));

        var error = Assert.ThrowsAsync<ApiException>(() => CallResource.CreateAsync(Create(), twilio));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Code, Is.EqualTo(code));
            Assert.That(error.Status, Is.EqualTo(status));
            Assert.That(wire.Sent, Has.Count.EqualTo(1), "the SDK never retries");
            Assert.That(emulator.Engine.Calls.Count(), Is.EqualTo(created ? 1 : 0));
        });
    }

    [TestCase(CreateFaultKind.Timeout, false)]
    [TestCase(CreateFaultKind.TimeoutAfterCreate, true)]
    [TestCase(CreateFaultKind.ConnectionReset, false)]
    [TestCase(CreateFaultKind.ConnectionResetAfterCreate, true)]
    public async Task A_timeout_or_reset_is_an_api_connection_exception_wrapping_the_transports_after_one_post(CreateFaultKind kind, bool created)
    {
        var twilio = await StartAsync(timeout: TimeSpan.FromSeconds(1));
        emulator.Engine.InjectFault(new CreateFault(kind, HangSeconds: 5));

        var error = Assert.ThrowsAsync<ApiConnectionException>(() => CallResource.CreateAsync(Create(), twilio));

        Assert.Multiple(() =>
        {
            // Our client tells these apart by the inner exception: a reset after sending is an HttpRequestException that did not
            // fail before sending, a timeout is a cancellation; both are ambiguous and reconciled, never re-sent.
            Assert.That(error!.InnerException, kind is CreateFaultKind.Timeout or CreateFaultKind.TimeoutAfterCreate
                ? Is.InstanceOf<TaskCanceledException>()
                : Is.InstanceOf<HttpRequestException>().And.Matches<HttpRequestException>(e => !Dialer.Core.Telephony.TelephonyHealth.FailedBeforeSending(e)));
            Assert.That(wire.Sent, Has.Count.EqualTo(1), "the SDK never retries");
            Assert.That(emulator.Engine.Calls.Count(), Is.EqualTo(created ? 1 : 0));
        });
    }

    /// <summary>Sends what the SDK addresses to api.twilio.com to the emulator, and records each request line.</summary>
    sealed class ToEmulator(Uri emulator) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
        readonly ConcurrentQueue<string> sent = new();

        public IReadOnlyList<string> Sent => [.. sent];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.That(request.RequestUri!.Host, Is.EqualTo("api.twilio.com"));
            request.RequestUri = new Uri(emulator, request.RequestUri.PathAndQuery);
            sent.Enqueue($"{request.Method} {request.RequestUri.PathAndQuery}");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
