using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Dialing;
using Dialer.Core.Operators;
using Dialer.Worker.Dialing;
using Dialer.Worker.Telephony.Emulator;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Dialing;

/// <summary>
/// Issue 12: the dialing loop outlives whatever a turn throws, and nobody is rung twice through the two windows that
/// reading the code found (docs/dialing-safety.md): a claim whose lease ran out before the dial, and the sweep of a
/// stopped worker's attempt meeting the call another worker has since placed to the same person.
/// </summary>
public sealed class DialingSafetyTests : DatabaseTest
{
    DialingRig rig = null!;

    [TearDown]
    public async Task StopAsync()
    {
        if (rig is not null) await rig.DisposeAsync();
    }


    static async Task<(string State, string? Owner, Guid? Token, string? Reason)> QueueRowAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.QuerySingleAsync<(string, string?, Guid?, string?)>(
            "SELECT state, lease_owner, lease_token, hold_reason FROM call_queue");
    }

    [TestCase(1, 5)]
    [TestCase(2, 10)]
    [TestCase(3, 20)]
    [TestCase(5, 80)]
    [TestCase(6, 120)]
    [TestCase(1000, 120)]
    public void Error_backoff_doubles_from_the_poll_interval_up_to_two_minutes(int failures, int seconds)
    {
        Assert.That(DialingLoop.ErrorBackoff(TimeSpan.FromSeconds(5), failures), Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [Test]
    public void Error_backoff_is_never_shorter_than_a_long_poll_interval()
    {
        Assert.That(DialingLoop.ErrorBackoff(TimeSpan.FromMinutes(5), 3), Is.EqualTo(TimeSpan.FromMinutes(5)));
    }

    [Test, Description("#12: an exception type the loop did not list ended it and stopped the host")]
    public async Task The_dialing_loop_survives_an_unexpected_exception_and_the_next_turns_settle_and_ring_the_person()
    {
        rig = await DialingRig.StartAsync();
        var campaign = await rig.CampaignAsync();
        var phones = await rig.EnqueueAsync(campaign, 1);
        await rig.OperatorsAsync("anna");
        var fault = new CreateThrowingOnce.Fault();
        await rig.StartWorkerAsync(services: s => CreateThrowingOnce.Decorate(s, fault));
        Assert.That(await Eventually.TrueAsync(() => fault.Thrown == 1, TimeSpan.FromSeconds(30)), Is.True);

        // The turn that met the exception had marked the create as sent: a later turn's sweep reconciles it (nothing at
        // Twilio), frees the operator and gives the contact back for a quarter of an hour, with that reason.
        rig.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.That(await Eventually.TrueAsync(async () => (await DialingRig.AttemptsAsync()).Single().State == "not_placed"
            && (await QueueRowAsync()).Reason == "not_placed_reconciled", TimeSpan.FromSeconds(30)), Is.True, "a later turn ran the sweep");
        rig.Clock.Advance(AttemptSettlement.NotPlacedRetry);
        Assert.That(await Eventually.TrueAsync(async () => (await DialingRig.AttemptsAsync()).Any(a => a.State == "ended"), TimeSpan.FromSeconds(30)), Is.True,
            "a later turn dialed");

        Assert.Multiple(async () =>
        {
            Assert.That(rig.PeopleCalled(), Is.EqualTo(phones), "rung once: the create that threw never reached Twilio");
            Assert.That(await DialingRig.AttemptsAsync(), Has.Count.EqualTo(2));
            Assert.That(await DialingRig.PresenceAsync("anna"), Is.Not.EqualTo("reserved"));
        });
    }

    [Test, Description("#12: the progressive round (then ProgressiveDialer) ignored the result of ExtendLeaseAsync")]
    public async Task A_progressive_dial_whose_claim_lease_ran_out_before_the_create_rings_nobody_and_leaves_the_person_to_the_new_holder()
    {
        rig = await DialingRig.StartAsync();
        var campaign = await rig.CampaignAsync();
        await rig.EnqueueAsync(campaign, 1);
        await rig.OperatorsAsync("anna");
        var dialing = (await rig.Services.GetRequiredService<DialingCampaigns>().FindAsync(campaign, default))!;
        await using var pause = await Db.OpenConnectionAsync();
        await using var tx = await pause.BeginTransactionAsync();
        // Worker A stalls between its claim and its dial (a pause longer than the claim lease): here, on the campaign row
        // that its attempt's insert must share (the foreign key's lock).
        await pause.ExecuteAsync("SELECT id FROM campaigns WHERE id = @campaign FOR UPDATE", new { campaign }, tx);
        var round = rig.Services.GetRequiredService<DialingRound>().RunAsync(dialing, "worker-a", default);
        Assert.That(await Eventually.TrueAsync(async () => (await QueueRowAsync()).Owner == "worker-a", TimeSpan.FromSeconds(10)), Is.True);

        rig.Clock.Advance(TimeSpan.FromMinutes(3));
        var queue = rig.Services.GetRequiredService<CallQueue>();
        var second = await queue.ClaimAsync(new ClaimRequest(campaign, "worker-b", 1, TimeSpan.FromMinutes(2)), default);
        await tx.CommitAsync();
        var placed = await round;

        var row = await QueueRowAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(second, Has.Count.EqualTo(1), "the lease ran out: worker B claimed the person");
            Assert.That(placed, Is.Zero);
            Assert.That(rig.PeopleCalled(), Is.Empty, "worker A sent nothing: the person is worker B's to dial");
            Assert.That((await DialingRig.AttemptsAsync()).Select(a => a.State), Is.EqualTo(new[] { "not_placed" }));
            Assert.That(await DialingRig.PresenceAsync("anna"), Is.EqualTo("available"), "the operator reserved for A's attempt is free again");
            Assert.That((row.Owner, row.Token), Is.EqualTo(("worker-b", (Guid?)second[0].LeaseToken)), "B's lease is untouched");
        });
    }

    [Test, Description("#12: a preview called after its lease ran out was dialed although another operator held the person")]
    public async Task A_preview_called_after_its_lease_ran_out_rings_nobody_and_the_new_holder_calls_once()
    {
        rig = await DialingRig.StartAsync();
        var campaign = await rig.CampaignAsync("preview");
        var phones = await rig.EnqueueAsync(campaign, 1);
        await rig.OperatorsAsync("carla", "dario");
        var first = await (await (await rig.OperatorAsync("carla")).PostAsync("/api/me/preview/next", null)).Content.ReadFromJsonAsync<JsonElement>();

        // No worker sweeps the stale preview: past its lease, another operator is shown the same person.
        rig.Clock.Advance(TimeSpan.FromMinutes(11));
        var next = await (await rig.OperatorAsync("dario")).PostAsync("/api/me/preview/next", null);
        Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.OK), await next.Content.ReadAsStringAsync());
        var second = await next.Content.ReadFromJsonAsync<JsonElement>();
        var late = await (await rig.OperatorAsync("carla")).PostAsync($"/api/calls/{first.GetProperty("attemptId").GetInt64()}/call", null);
        var call = await (await rig.OperatorAsync("dario")).PostAsync($"/api/calls/{second.GetProperty("attemptId").GetInt64()}/call", null);

        Assert.Multiple(async () =>
        {
            Assert.That(late.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), await late.Content.ReadAsStringAsync());
            Assert.That(call.StatusCode, Is.EqualTo(HttpStatusCode.OK), await call.Content.ReadAsStringAsync());
            Assert.That(rig.PeopleCalled(), Is.EqualTo(phones), "rung once, by the operator who holds the person");
            Assert.That(await DialingRig.PresenceAsync("carla"), Is.EqualTo("available"));
        });
    }

    [Test, Description("#12: the sweep of a stopped worker's attempt adopted the call another worker had just placed to the same person")]
    public async Task The_sweep_of_a_stopped_workers_attempt_never_takes_over_the_call_another_worker_placed_to_the_same_person()
    {
        rig = await DialingRig.StartAsync(new CallProfile { NoAnswer = 1, Ring = new(100, 120) });
        // Two attempts a day: the stopped worker's attempt, still "dialing", counts as one.
        var campaign = await rig.CampaignAsync(maxAttemptsPerDay: 2);
        var phones = await rig.EnqueueAsync(campaign, 1);
        await rig.OperatorsAsync("anna", "bruno");
        // Worker A claimed the person, wrote its attempt and reserved an operator, then stopped before sending the create.
        var queue = rig.Services.GetRequiredService<CallQueue>();
        var claimed = (await queue.ClaimAsync(new ClaimRequest(campaign, "stopped-worker", 1, TimeSpan.FromMinutes(2)), default)).Single();
        var stale = await rig.Services.GetRequiredService<CallAttempts>().CreateAsync(new NewAttempt(campaign, claimed.QueueId, claimed.LeaseToken,
            claimed.PersonCf, claimed.PhoneE164, "progressive", null, false), default);
        var reserved = await rig.Services.GetRequiredService<OperatorRoster>().TryReserveAsync(campaign, stale.Id, default);
        Assert.That(reserved, Is.Not.Null);

        // Both the claim lease and Dialing:ReconcileAfter (2 minutes each) have passed. Worker B claims the person again;
        // Twilio creates B's call but its answer is late, and so are the callbacks (here they never come): B's attempt
        // stays unconfirmed, and its call is unknown to the database.
        rig.Clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(5));
        rig.Emulator.Emulator.InjectFault(new CreateFault(CreateFaultKind.TimeoutAfterCreate, HangSeconds: 60));
        await rig.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Twilio:RequestTimeout"] = "00:00:08",
            ["Twilio:PublicBaseUrl"] = $"http://127.0.0.1:{FreePort.Next()}",
        });
        Assert.That(await Eventually.TrueAsync(() => rig.PeopleCalled().Count == 1, TimeSpan.FromSeconds(20)), Is.True);
        var placedByB = rig.Emulator.Emulator.Calls.Single(c => c.ParentCallSid is null).Sid;

        // Worker C sweeps while B waits for Twilio's answer; then B's create times out and B reconciles its own attempt.
        await rig.StartWorkerAsync();
        await Eventually.TrueAsync(async () => (await DialingRig.AttemptsAsync()).Single(a => a.Id == stale.Id).State != "dialing", TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(async () => (await DialingRig.AttemptsAsync()).All(a => a.State != "dialing"), TimeSpan.FromSeconds(30));

        var attempts = await DialingRig.AttemptsAsync();
        var staleNow = attempts.Single(a => a.Id == stale.Id);
        var mine = attempts.Single(a => a.Id != stale.Id);
        Assert.Multiple(async () =>
        {
            Assert.That((staleNow.State, staleNow.CallSid), Is.EqualTo(("not_placed", (string?)null)), "the stopped worker's attempt never sent anything");
            Assert.That((mine.State, mine.CallSid), Is.EqualTo(("placed", (string?)placedByB)), "B's call stays B's");
            Assert.That(rig.PeopleCalled(), Is.EqualTo(phones), "rung once");
            Assert.That(await DialingRig.PresenceAsync(reserved!.Identity), Is.EqualTo("available"), "the operator the stopped worker reserved is free again");
        });
    }
}
