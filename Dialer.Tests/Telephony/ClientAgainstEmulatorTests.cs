using Dialer.Core.Telephony;
using Dialer.Worker.Telephony.Emulator;
using Microsoft.Extensions.DependencyInjection;
using CallRequest = Dialer.Core.Telephony.CallRequest;

namespace Dialer.Tests.Telephony;

/// <summary>
/// Our Twilio client, reconciler and webhooks against the Twilio-compatible emulator, end to end over real HTTP:
/// the API on Kestrel places calls through the emulator, which calls the API back with signed status callbacks.
/// </summary>
public sealed class ClientAgainstEmulatorTests : DatabaseTest
{
    const string Person = "+393471234567";

    EmulatorHost emulator = null!;
    DialerApp app = null!;

    async Task StartAsync(double callsPerSecond = 10, TimeSpan? requestTimeout = null)
    {
        // Short rings and talks: a call completes in about two seconds of real time.
        emulator = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            CallsPerSecond = callsPerSecond,
            Seed = 7,
            DefaultProfile = new CallProfile { Ring = new(0.2, 0.4), Talk = new(0.5, 1.0), Detection = new(0.1, 0.2) },
            OperatorProfile = CallProfile.Operator with { Ring = new(0.1, 0.2), Talk = new(0.3, 0.5) },
        });
        var port = FreePort.Next();
        app = new DialerApp(settings: new Dictionary<string, string?>
        {
            ["Telephony:Provider"] = "Emulator",
            ["Twilio:BaseUrl"] = emulator.BaseUrl.ToString().TrimEnd('/'),
            ["Twilio:AccountSid"] = emulator.Emulator.AccountSid,
            ["Twilio:AuthToken"] = emulator.Emulator.AuthToken,
            ["Twilio:From"] = "+390200000001",
            ["Twilio:PublicBaseUrl"] = $"http://127.0.0.1:{port}",
            ["Twilio:RequestTimeout"] = (requestTimeout ?? TimeSpan.FromSeconds(10)).ToString(),
            // The emulator lists a call as soon as it exists: no need to wait Twilio's 5 s between look-ups.
            ["Twilio:ReconcileDelay"] = "00:00:00.200",
        }, port: port);
    }

    [TearDown]
    public async Task StopAsync()
    {
        app?.Dispose();
        if (emulator is not null) await emulator.DisposeAsync();
    }

    ITelephonyClient Client => app.Services.GetRequiredService<ITelephonyClient>();

    [Test]
    public async Task A_call_placed_by_the_client_runs_to_its_end_and_every_signed_callback_is_accepted_and_stored()
    {
        await StartAsync();

        var placed = await Client.PlaceCallAsync(new CallRequest("attempt-1", Person), default);
        var final = await WaitForFinalAsync(placed.Call!.Sid);

        var webhooks = emulator.Emulator.Webhooks.Log.Where(w => w.Url.Contains("/twilio/voice/", StringComparison.Ordinal)).ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(placed.Outcome, Is.EqualTo(PlaceCallOutcome.Placed));
            Assert.That(final, Is.Not.Null, "a final status reached our database through the webhooks");
            Assert.That(await app.Services.GetRequiredService<ProviderCallStore>().CallSidsOfAttemptAsync("attempt-1", default),
                Is.EqualTo(new[] { placed.Call.Sid }), "the callbacks carried our attempt id");
            Assert.That(webhooks, Is.Not.Empty);
            Assert.That(webhooks.Select(w => w.ResponseStatus), Has.All.InRange(200, 299), "every signature was valid for our API");
        });
    }

    [TestCase(CreateFaultKind.ServerErrorAfterCreate)]
    [TestCase(CreateFaultKind.ConnectionResetAfterCreate)]
    [TestCase(CreateFaultKind.TimeoutAfterCreate)]
    public async Task After_an_ambiguous_failure_the_call_is_never_sent_again_and_reconciliation_finds_it(CreateFaultKind fault)
    {
        await StartAsync(requestTimeout: TimeSpan.FromSeconds(2));
        emulator.Emulator.InjectFault(new CreateFault(fault, HangSeconds: 5));
        var request = new CallRequest("attempt-ambiguous", Person);
        var attemptedAt = DateTimeOffset.UtcNow.AddSeconds(-1);

        var placed = await Client.PlaceCallAsync(request, default);
        var reconciliation = await app.Services.GetRequiredService<CallReconciler>().ReconcileAsync(request, attemptedAt, default);

        var created = emulator.Emulator.Calls.Where(c => c.Request.To == Person).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(placed.Outcome, Is.EqualTo(PlaceCallOutcome.Unknown));
            Assert.That(created, Has.Count.EqualTo(1), "one create request reached the provider: nothing was re-sent");
            Assert.That(reconciliation.Found, Is.True);
            Assert.That(reconciliation.CallSid, Is.EqualTo(created.Single().Sid));
            Assert.That(reconciliation.Duplicates, Is.Empty);
        });
    }

    [TestCase(CreateFaultKind.ServerError)]
    [TestCase(CreateFaultKind.ServiceUnavailable)]
    public async Task A_server_error_that_created_nothing_is_still_ambiguous_to_the_client_and_reconciles_to_nothing(CreateFaultKind fault)
    {
        await StartAsync();
        emulator.Emulator.InjectFault(new CreateFault(fault));
        var request = new CallRequest("attempt-refused", Person);

        var placed = await Client.PlaceCallAsync(request, default);
        var reconciliation = await app.Services.GetRequiredService<CallReconciler>().ReconcileAsync(request, DateTimeOffset.UtcNow.AddSeconds(-1), default);

        Assert.Multiple(() =>
        {
            Assert.That(placed.Outcome, Is.EqualTo(PlaceCallOutcome.Unknown), "a 5xx never proves nothing was created");
            Assert.That(emulator.Emulator.Calls.Count(c => c.Request.To == Person), Is.Zero);
            Assert.That(reconciliation.Found, Is.False, "only now may the caller decide to dial again");
        });
    }

    [Test]
    public async Task Rate_limited_creates_are_retried_and_place_exactly_one_call()
    {
        await StartAsync();
        emulator.Emulator.InjectFault(new CreateFault(CreateFaultKind.TooManyRequests, Count: 2));

        var placed = await Client.PlaceCallAsync(new CallRequest("attempt-429", Person), default);

        Assert.Multiple(() =>
        {
            Assert.That(placed.Outcome, Is.EqualTo(PlaceCallOutcome.Placed));
            Assert.That(emulator.Emulator.Calls.Count(c => c.Request.To == Person), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_connection_reset_after_sending_is_ambiguous_and_never_re_sent()
    {
        await StartAsync();
        emulator.Emulator.InjectFault(new CreateFault(CreateFaultKind.ConnectionReset));

        var placed = await Client.PlaceCallAsync(new CallRequest("attempt-reset", Person), default);

        // A reset after sending is ambiguous to a client: it must not re-send, and nothing was created here.
        Assert.Multiple(() =>
        {
            Assert.That(placed.Outcome, Is.EqualTo(PlaceCallOutcome.Unknown));
            Assert.That(emulator.Emulator.Calls.Count(c => c.Request.To == Person), Is.Zero);
        });
    }

    [Test]
    public async Task A_burst_from_the_client_never_leaves_the_queue_faster_than_the_account_cps()
    {
        await StartAsync(callsPerSecond: 2);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Client.PlaceCallAsync(new CallRequest($"attempt-cps-{i}", $"+39347123{i:0000}"), default)));
        await Eventually.TrueAsync(() => emulator.Emulator.Queue.Departures.Count >= 8, TimeSpan.FromSeconds(20));

        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Outcome), Has.All.EqualTo(PlaceCallOutcome.Placed), "Twilio accepts a burst and queues it");
            Assert.That(emulator.Emulator.Queue.Departures, Has.Count.EqualTo(8));
            Assert.That(emulator.Emulator.Stats().MaxDeparturesInOneSecond, Is.LessThanOrEqualTo(2));
        });
    }

    async Task<ProviderCallState?> WaitForFinalAsync(string sid)
    {
        var store = app.Services.GetRequiredService<ProviderCallStore>();
        ProviderCallState? state = null;
        await Eventually.TrueAsync(async () => (state = await store.FindAsync(sid, default)) is { IsFinal: true }, TimeSpan.FromSeconds(30));
        return state is { IsFinal: true } ? state : null;
    }
}
