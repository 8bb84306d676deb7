using Dialer.Core.Dialing;
using Dialer.Core.Operators;
using Dialer.Core.Supervision;
using Dialer.Tests.Operators;
using Microsoft.Extensions.Options;

namespace Dialer.Tests.Supervision;

/// <summary>
/// The wallboard's snapshot against a floor whose truth is known: operators moved through the real roster on the fake
/// clock, attempts in every state written as the dialer writes them, queue rows due, leased and delayed.
/// </summary>
public sealed class WallboardTests : OperatorsTest
{
    long cob23;
    long donne;

    Wallboard Board(double target = 3, double cps = 5) => new(Db, Clock, Options.Create(new DialingOptions { CallsPerSecond = cps }),
        Options.Create(new SupervisionOptions { AbandonTargetPercent = target }));

    [SetUp]
    public async Task FloorAsync()
    {
        cob23 = await CampaignAsync("cob23");
        donne = await CampaignAsync("donne");
        foreach (var identity in new[] { "anna", "bruno", "carla", "dario", "elena", "franco" }) await OperatorAsync(identity);

        // 10:00 anna available; 10:01 bruno on a call; 10:02 carla paused; 10:03 dario in wrap-up; elena came and went;
        // 10:04 franco reserved for a call of donne.
        await Roster.SignInAsync("anna", None);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var bruno = await OnCallAsync("bruno", cob23, "BRNBRN80A01F205X");
        await using (var conn = await Db.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE call_attempts SET state = 'placed', placed_at = @at, answered_at = @at, created_at = @at WHERE id = @bruno",
                new { bruno, at = Clock.GetUtcNow() });
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Roster.SignInAsync("carla", None);
        await Roster.PauseAsync("carla", PauseReason.Break, None);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var dario = await OnCallAsync("dario", cob23, "DRADRA80A01F205X");
        var dariosId = (await PresenceAsync("dario")).OperatorId;
        Assert.That(await Roster.EndCallAsync(dariosId, dario, TimeSpan.FromMinutes(5), None), Is.True);
        await Roster.SignInAsync("elena", None);
        await Roster.SignOutAsync("elena", None);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Roster.SignInAsync("franco", None);
        var francosCall = await AttemptAsync(donne, "FRNFRN80A01F205X");
        Assert.That(await Roster.TryReserveAsync("franco", donne, francosCall, None), Is.Not.Null);
    }

    [Test]
    public async Task The_snapshot_counts_operators_by_state_with_their_time_in_it()
    {
        Clock.Advance(TimeSpan.FromMinutes(6));   // 10:10

        var snapshot = await Board().ReadAsync(None);

        Assert.Multiple(() =>
        {
            Assert.That(snapshot.Operators.Select(o => (o.Identity, o.State)), Is.EqualTo(new[]
            {
                ("anna", PresenceState.Available), ("bruno", PresenceState.OnCall), ("carla", PresenceState.Paused),
                ("dario", PresenceState.WrapUp), ("franco", PresenceState.Reserved),
            }), "elena signed out: not on the floor");
            Assert.That(snapshot.OperatorsIn(PresenceState.Available), Is.EqualTo(1));
            Assert.That(snapshot.OperatorsIn(PresenceState.Paused), Is.EqualTo(1));
            Assert.That(snapshot.Operators.Select(o => snapshot.InState(o).TotalMinutes), Is.EqualTo(new[] { 10.0, 9, 8, 7, 6 }));
            Assert.That(snapshot.Operators.Single(o => o.Identity == "carla").PauseReason, Is.EqualTo(PauseReason.Break));
            Assert.That(snapshot.Operators.Single(o => o.Identity == "carla").StateLabel, Is.EqualTo("In pausa"));
            Assert.That(snapshot.Operators.Single(o => o.Identity == "bruno").Campaign, Is.EqualTo("cob23"));
            Assert.That(snapshot.Operators.Single(o => o.Identity == "franco").Campaign, Is.EqualTo("donne"));
            Assert.That(snapshot.Operators.Single(o => o.Identity == "anna").Campaign, Is.Null);
        });
    }

    [Test]
    public async Task The_snapshot_counts_live_calls_todays_answers_and_abandons_and_the_calls_per_second()
    {
        Clock.Advance(TimeSpan.FromMinutes(6));   // 10:10 in Rome
        var now = Clock.GetUtcNow();
        var earlier = now.AddMinutes(-30);
        // cob23 today: 2 ringing, bruno's call connected (above) and 1 more, 3 answered and ended, 1 abandoned, 2 not answered,
        // 1 never placed, 1 preview, 1 still being created; yesterday's calls do not count.
        await AttemptsAsync(cob23, 2, "placed", earlier, answered: false);
        await AttemptsAsync(cob23, 1, "placed", earlier, answered: true);
        await AttemptsAsync(cob23, 3, "ended", earlier, answered: true, outcome: "answered");
        await AttemptsAsync(cob23, 1, "ended", earlier, answered: true, outcome: "answered", abandoned: true);
        await AttemptsAsync(cob23, 2, "ended", earlier, answered: false, outcome: "no_answer");
        await AttemptsAsync(cob23, 1, "not_placed", earlier, answered: false, outcome: "not_placed", placed: false);
        await AttemptsAsync(cob23, 1, "preview", earlier, answered: false, placed: false);
        await AttemptsAsync(cob23, 4, "ended", now.AddDays(-1), answered: true, outcome: "answered", abandoned: true);
        // donne: one ringing, sent 2 s ago; two more sent in the last 10 s; one sent 11 s ago (outside the window).
        await AttemptsAsync(donne, 1, "placed", now.AddSeconds(-2), answered: false, sentAt: now.AddSeconds(-2));
        await AttemptsAsync(donne, 2, "ended", now.AddSeconds(-5), answered: false, outcome: "busy", sentAt: now.AddSeconds(-5));
        await AttemptsAsync(donne, 1, "ended", now.AddSeconds(-11), answered: false, outcome: "busy", sentAt: now.AddSeconds(-11));

        var snapshot = await Board(target: 3, cps: 5).ReadAsync(None);
        var c = snapshot.Campaigns.Single(x => x.Slug == "cob23");

        Assert.Multiple(() =>
        {
            Assert.That((c.Ringing, c.Connected), Is.EqualTo((2L, 2L)));
            Assert.That((c.Dialed, c.Answered, c.Abandoned), Is.EqualTo((10L, 6L, 1L)));
            Assert.That((snapshot.Ringing, snapshot.Connected), Is.EqualTo((3L, 2L)));
            Assert.That((snapshot.Today.Dialed, snapshot.Today.Answered, snapshot.Today.Abandoned), Is.EqualTo((14L, 6L, 1L)));
            Assert.That(snapshot.Today.AnswerRate, Is.EqualTo(6.0 / 14).Within(1e-9));
            Assert.That(snapshot.Today.AbandonRate, Is.EqualTo(1.0 / 6).Within(1e-9));
            Assert.That(snapshot.Today.AbandonTarget, Is.EqualTo(0.03).Within(1e-9));
            Assert.That(snapshot.Today.OverTarget, Is.True);
            Assert.That(snapshot.Cps, Is.EqualTo(new WallboardCps(0.3, 5, 10)));
        });
    }

    [Test]
    public async Task The_abandon_target_comes_from_the_configuration()
    {
        // With bruno's call (connected, set up above): 20 answered today, 1 of them abandoned.
        await AttemptsAsync(cob23, 18, "ended", Clock.GetUtcNow(), answered: true, outcome: "answered");
        await AttemptsAsync(cob23, 1, "ended", Clock.GetUtcNow(), answered: true, outcome: "answered", abandoned: true);

        var strict = await Board(target: 3).ReadAsync(None);
        var lenient = await Board(target: 5).ReadAsync(None);

        Assert.Multiple(() =>
        {
            Assert.That(strict.Today.AbandonRate, Is.EqualTo(0.05).Within(1e-9));
            Assert.That(strict.Today.OverTarget, Is.True, "5% abandoned is over 3%");
            Assert.That(lenient.Today.OverTarget, Is.False, "5% is not over 5%");
        });
    }

    [Test]
    public async Task The_queue_counts_people_due_now_apart_from_those_leased_or_waiting_per_campaign_and_in_total()
    {
        var now = Clock.GetUtcNow();
        var inactive = await CampaignAsync("vecchia");
        var idle = await CampaignAsync("ferma");
        await using (var conn = await Db.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE campaigns SET active = false WHERE id IN (@inactive, @idle)", new { inactive, idle });
        // cob23: 5 due (one since yesterday), 1 leased until a minute from now, 4 waiting; donne: 2 due;
        // vecchia (inactive): 3 waiting still; ferma (inactive, nothing queued): not listed.
        await QueueAsync("call_queue_ready", cob23, [.. Enumerable.Repeat(now.AddMinutes(-5), 4), now.AddDays(-1), now.AddMinutes(1)]);
        await QueueAsync("call_queue_delayed", cob23, [.. Enumerable.Repeat(now.AddHours(2), 4)]);
        await QueueAsync("call_queue_ready", donne, [now, now.AddSeconds(-1)]);
        await QueueAsync("call_queue_delayed", inactive, [.. Enumerable.Repeat(now.AddDays(1), 3)]);

        var snapshot = await Board().ReadAsync(None);

        Assert.Multiple(() =>
        {
            Assert.That(snapshot.Campaigns.Select(c => (c.Slug, c.Active, c.Ready, c.Waiting)), Is.EqualTo(new[]
            {
                ("cob23", true, 5L, 4L), ("donne", true, 2L, 0L), ("vecchia", false, 0L, 3L),
            }));
            Assert.That((snapshot.Ready, snapshot.Waiting), Is.EqualTo((7L, 7L)));
        });
    }

    [Test]
    public async Task Two_reads_of_the_same_floor_are_the_same_even_as_time_in_state_grows_and_a_move_is_a_change()
    {
        var first = await Board().ReadAsync(None);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var later = await Board().ReadAsync(None);
        await Roster.SetAvailableAsync("carla", None);
        var moved = await Board().ReadAsync(None);

        Assert.Multiple(() =>
        {
            Assert.That(later.SameAs(first), Is.True);
            Assert.That(moved.SameAs(later), Is.False);
        });
    }

    static int person;

    static async Task AttemptsAsync(long campaignId, int count, string state, DateTimeOffset at, bool answered, string? outcome = null,
        bool abandoned = false, bool placed = true, DateTimeOffset? sentAt = null)
    {
        await using var conn = await Db.OpenConnectionAsync();
        for (var i = 0; i < count; i++)
        {
            var cf = $"PRSN{Interlocked.Increment(ref person):D12}";
            await conn.ExecuteAsync("""
                INSERT INTO call_attempts (campaign_id, person_cf, phone_e164, mode, created_at, sent_at, placed_at, state, answered_at,
                                           ended_at, outcome, abandoned)
                VALUES (@campaignId, @cf, '+393470000000', 'progressive', @at, @sent, @placedAt, @state, @answeredAt,
                        @endedAt, @outcome, @abandoned)
                """, new
            {
                campaignId, cf, at, state, outcome, abandoned,
                sent = placed ? sentAt ?? at : (DateTimeOffset?)null,
                placedAt = placed ? at : (DateTimeOffset?)null,
                answeredAt = answered ? at.AddSeconds(10) : (DateTimeOffset?)null,
                endedAt = state is "ended" or "not_placed" ? at.AddMinutes(1) : (DateTimeOffset?)null,
            });
        }
    }

    static long queueId;

    static async Task QueueAsync(string table, long campaignId, DateTimeOffset[] dueAts)
    {
        await using var conn = await Db.OpenConnectionAsync();
        foreach (var dueAt in dueAts)
            await conn.ExecuteAsync($"INSERT INTO {table} (queue_id, campaign_id, priority, due_at) VALUES (@id, @campaignId, 1, @dueAt)",
                new { id = Interlocked.Increment(ref queueId), campaignId, dueAt });
    }
}
