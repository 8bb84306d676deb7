using Dialer.Core.Campaigns;
using Dialer.Core.Dialing;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Selection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Dialer.Tests.Dialing.Queue.CallQueueTests;

namespace Dialer.Tests.Dialing;

/// <summary>
/// The dial guards (flagged number, objection, the daily and total caps, the cool-off after an abandoned call, the
/// patron saint's day) have one owner, the contact policy, applied to every claimed contact on facts read from the
/// attempts themselves (docs/dialing-safety.md, "Who decides a dial"). These were the claim's own guards before, on
/// counters of its own; each case is now checked through the claim and the policy together, as the round runs them.
/// </summary>
public sealed class DialRulesTests : DatabaseTest
{
    // A Wednesday, 10:00 in Rome.
    static readonly DateTimeOffset Start = new(2026, 3, 11, 9, 0, 0, TimeSpan.Zero);

    FakeTimeProvider clock = null!;
    CallQueue queue = null!;
    long campaign;

    [SetUp]
    public async Task SetUpQueueAsync()
    {
        clock = new FakeTimeProvider(Start);
        queue = new CallQueue(Db, clock, NullLogger<CallQueue>.Instance);
        campaign = await CampaignAsync("regole-uno");
    }

    [TearDown]
    public async Task TearDownQueueAsync() => await queue.DisposeAsync();

    [Test]
    public async Task Daily_cap_counts_Europe_Rome_days_across_the_change_to_summer_time()
    {
        // Sunday 29 March 2026 Rome moves to CEST (UTC+2): Monday starts at 22:00 UTC.
        await ScreenedClaims.AttemptAsync(Db, campaign, "AAA", PhoneOf("AAA"), "no_answer", new DateTimeOffset(2026, 3, 29, 21, 30, 0, TimeSpan.Zero));
        var history = new ContactHistory(Db);
        var policy = new ContactPolicy(new DialingSettings(), PatronDayTable.Empty);

        var sameDay = await history.FactsAsync(campaign, "AAA", PhoneOf("AAA"), "H501", new DateTimeOffset(2026, 3, 29, 21, 45, 0, TimeSpan.Zero), default);
        var nextDay = await history.FactsAsync(campaign, "AAA", PhoneOf("AAA"), "H501", new DateTimeOffset(2026, 3, 29, 22, 0, 0, TimeSpan.Zero), default);

        Assert.Multiple(() =>
        {
            Assert.That(sameDay.AttemptsToday, Is.EqualTo(1), "AAA reached its 1 attempt for Sunday");
            Assert.That(policy.Decide(sameDay with { LastOutcome = null }, new DateTimeOffset(2026, 3, 29, 21, 45, 0, TimeSpan.Zero)),
                Is.EqualTo(PolicyDecision.Wait(new DateTimeOffset(2026, 3, 30, 7, 30, 0, TimeSpan.Zero), PolicyReasons.DailyCapReached)),
                "held by the cap past midnight in Rome, summer time, to Monday's first window");
            Assert.That(nextDay.AttemptsToday, Is.Zero, "midnight in Rome, summer time, is 22:00 UTC");
            Assert.That(nextDay.AttemptsTotal, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Total_cap_counts_attempts_across_campaigns_and_finishes_the_row()
    {
        var other = await CampaignAsync("regole-due");
        await queue.EnqueueAsync([Entry("AAA")], default);
        await ScreenedClaims.AttemptAsync(Db, other, "AAA", PhoneOf("AAA"), "busy", Start.AddDays(-2));
        await ScreenedClaims.AttemptAsync(Db, other, "AAA", PhoneOf("AAA"), "busy", Start.AddDays(-1));

        var here = await ScreenedClaims.ClaimAsync(Db, queue, clock, campaign, new DialingSettings { MaxAttemptsPerDay = 5, MaxAttemptsTotal = 2 });

        Assert.Multiple(async () =>
        {
            Assert.That(here, Is.Empty);
            var row = await RowAsync("AAA");
            Assert.That((row.State, row.FinishedReason), Is.EqualTo(("done", (string?)"total_cap_reached")));
        });
    }

    [Test]
    public async Task An_abandoned_call_cools_the_person_off_in_every_campaign()
    {
        var other = await CampaignAsync("regole-due");
        await queue.EnqueueAsync([Entry("AAA")], default);
        await ScreenedClaims.AttemptAsync(Db, other, "AAA", PhoneOf("AAA"), "answered", Start, abandoned: true);
        var settings = new DialingSettings { MaxAttemptsPerDay = 5 };

        clock.Advance(TimeSpan.FromDays(4));
        var during = await ScreenedClaims.ClaimAsync(Db, queue, clock, campaign, settings);
        var held = await RowAsync("AAA");
        clock.Advance(TimeSpan.FromDays(1));
        var after = await ScreenedClaims.ClaimAsync(Db, queue, clock, campaign, settings);

        Assert.Multiple(() =>
        {
            Assert.That(during, Is.Empty);
            Assert.That(held.HoldReason, Is.EqualTo("abandoned_cool_off"));
            Assert.That(held.NotBefore, Is.EqualTo(Start.AddDays(5).UtcDateTime));
            Assert.That(after.Select(x => x.PersonCf), Is.EqualTo(new[] { "AAA" }));
        });
    }

    [Test]
    public async Task People_of_a_comune_on_its_patron_saints_day_are_held_until_the_next_opening()
    {
        // Monday 7 December 2026, Sant'Ambrogio in Milan (F205); the 8th is a national holiday.
        clock.SetUtcNow(new DateTimeOffset(2026, 12, 7, 9, 30, 0, TimeSpan.Zero));
        await ExecuteAsync("INSERT INTO patron_saint_days (comune_code, month, day, name) VALUES ('F205', 12, 7, 'Sant''Ambrogio')");
        await queue.EnqueueAsync([Entry("MILANO", comune: "F205", due: clock.GetUtcNow()), Entry("ROMA", comune: "H501", due: clock.GetUtcNow())], default);

        var claimed = await ScreenedClaims.ClaimAsync(Db, queue, clock, campaign);
        var held = await RowAsync("MILANO");

        Assert.Multiple(() =>
        {
            Assert.That(claimed.Select(c => c.PersonCf), Is.EqualTo(new[] { "ROMA" }));
            Assert.That(held.HoldReason, Is.EqualTo("patron_saint_day"));
            Assert.That(held.NotBefore, Is.EqualTo(new DateTime(2026, 12, 9, 8, 30, 0, DateTimeKind.Utc)));
        });
    }

    [Test]
    public async Task An_objection_by_person_or_by_number_finishes_the_row()
    {
        await queue.EnqueueAsync([Entry("BYPERSON"), Entry("BYNUMBER"), Entry("WITHDRAWN"), Entry("FREE")], default);
        var register = new ObjectionRegister(Db);
        await register.AddAsync("BYPERSON", null, new DateOnly(2026, 3, 1), ObjectionChannel.Phone, "", default);
        await register.AddAsync("SOMEONE-ELSE", PhoneOf("BYNUMBER"), new DateOnly(2026, 3, 1), ObjectionChannel.Letter, "", default);
        await register.AddAsync("WITHDRAWN", null, new DateOnly(2026, 3, 1), ObjectionChannel.Web, "", default);
        await ExecuteAsync("UPDATE objections SET withdrawn_on = '2026-03-05' WHERE person_cf = 'WITHDRAWN'");

        var claimed = await ScreenedClaims.ClaimAsync(Db, queue, clock, campaign);

        Assert.Multiple(async () =>
        {
            Assert.That(claimed.Select(c => c.PersonCf), Is.EquivalentTo(new[] { "WITHDRAWN", "FREE" }));
            Assert.That((await RowAsync("BYPERSON")).FinishedReason, Is.EqualTo("objection"));
            Assert.That((await RowAsync("BYNUMBER")).FinishedReason, Is.EqualTo("objection"));
        });
    }

    [Test]
    public async Task A_flagged_number_finishes_the_row()
    {
        await queue.EnqueueAsync([Entry("FLAGGED"), Entry("FREE")], default);
        await ExecuteAsync("INSERT INTO flagged_numbers (phone_e164, reason, flagged_at) VALUES (@phone, 'failed', now())", new { phone = PhoneOf("FLAGGED") });

        var claimed = await ScreenedClaims.ClaimAsync(Db, queue, clock, campaign);

        Assert.Multiple(async () =>
        {
            Assert.That(claimed.Select(c => c.PersonCf), Is.EqualTo(new[] { "FREE" }));
            var row = await RowAsync("FLAGGED");
            Assert.That((row.State, row.FinishedReason), Is.EqualTo(("done", (string?)"number_flagged")));
        });
    }

    [Test]
    public async Task An_attempt_whose_completion_was_rejected_still_counts_towards_the_caps()
    {
        // The lease ran out during the call and the row was claimed again (its completion is then rejected): the person
        // was rung all the same, and the next claim must know it. The claim's former counters, written by completions,
        // missed such an attempt; the attempts themselves are now the one source.
        await queue.EnqueueAsync([Entry("AAA")], default);
        var first = (await queue.ClaimAsync(new ClaimRequest(campaign, "w1", 1, TimeSpan.FromMinutes(2)), default)).Single();
        clock.Advance(TimeSpan.FromMinutes(3));
        var second = (await queue.ClaimAsync(new ClaimRequest(campaign, "w2", 1, TimeSpan.FromMinutes(2)), default)).Single();
        await ScreenedClaims.AttemptAsync(Db, campaign, "AAA", PhoneOf("AAA"), "busy", clock.GetUtcNow());
        var rejected = await queue.CompleteAsync([QueueCompletion.Retry(first, clock.GetUtcNow(), "retry_delay_busy", "busy")], default);
        await queue.CompleteAsync([QueueCompletion.Release(second, clock.GetUtcNow())], default);

        var claimed = await ScreenedClaims.ClaimAsync(Db, queue, clock, campaign);

        Assert.Multiple(async () =>
        {
            Assert.That(rejected.Rejected, Is.EqualTo(new[] { first.QueueId }));
            Assert.That(claimed, Is.Empty, "one attempt a day: the busy call counted");
            Assert.That((await RowAsync("AAA")).HoldReason, Is.EqualTo("daily_cap_reached"));
        });
    }

    QueueEntry Entry(string cf, string? comune = "H501", DateTimeOffset? due = null) =>
        new(campaign, cf, PhoneOf(cf), comune, 1, due ?? Start, null);

    static async Task<QueueRow> RowAsync(string cf)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.QuerySingleAsync<QueueRow>(
            "SELECT state AS State, hold_reason AS HoldReason, not_before AS NotBefore, finished_reason AS FinishedReason FROM call_queue WHERE person_cf = @cf",
            new { cf });
    }

    sealed record QueueRow(string State, string? HoldReason, DateTime? NotBefore, string? FinishedReason);
}
