using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Dialing;
using Dialer.Core.Notices;
using Dialer.Core.Selection;
using Dialer.Tests.Notices;
using Dialer.Tests.Selection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dialer.Tests.Dialing;

/// <summary>
/// What was recorded under a provisional codice fiscale before an import linked it to its definitive successor (an
/// objection, the attempt caps, a queue entry) binds the successor when it is dialed: the state follows the person.
/// </summary>
public sealed class ProvisionalSuccessionTests : DatabaseTest
{
    // A Wednesday, 10:00 in Rome.
    static readonly DateTimeOffset Now = new(2026, 3, 11, 9, 0, 0, TimeSpan.Zero);
    static readonly string ProvisionalCf = "9876543210" + CodiceFiscale.NumericCheckDigit("9876543210");

    FakeTimeProvider clock = null!;
    CallQueue queue = null!;
    CsvNotice definitive = null!;
    string successorCf = null!;
    string phone = null!;

    [SetUp]
    public void SetUpQueue()
    {
        clock = new FakeTimeProvider(Now);
        queue = new CallQueue(Db, clock, NullLogger<CallQueue>.Instance);
        definitive = Population.Eligible("ALFA");
        successorCf = definitive.Cf!;
        phone = "+39" + definitive.Mobile;
    }

    [TearDown]
    public async Task TearDownQueueAsync() => await queue.DisposeAsync();

    /// <summary>The same person under a provisional code, an earlier job, no mobile: linked by surname, name, birth date and place.</summary>
    CsvNotice EarlierUnderProvisional() => definitive with
    {
        Code = "0300024099999999", Cf = ProvisionalCf, Start = "2023-01-09", End = "2023-06-30", SentAt = "2023-01-08T10:00:00", Mobile = null,
    };

    [TestCase(true, TestName = "An_objection_recorded_under_a_provisional_code_stops_the_claim_of_its_successor_after_a_first_load")]
    [TestCase(false, TestName = "An_objection_recorded_under_a_provisional_code_stops_the_claim_of_its_successor_after_a_merge")]
    public async Task An_objection_recorded_under_a_provisional_code_stops_the_claim_of_its_successor(bool firstLoad)
    {
        var campaign = await CampaignAsync("obiezione");
        if (!firstLoad) await ImportAsync(EarlierUnderProvisional());
        await new ObjectionRegister(Db).AddAsync(ProvisionalCf, null, new DateOnly(2026, 3, 1), ObjectionChannel.Letter, "", default);
        await ImportAsync(firstLoad ? [EarlierUnderProvisional(), definitive] : [definitive]);
        await queue.EnqueueAsync([Entry(campaign, successorCf)], default);

        var claimed = await ClaimAsync(campaign);
        var facts = await new ContactHistory(Db).FactsAsync(campaign, successorCf, phone, "F205", Now, default);

        Assert.Multiple(async () =>
        {
            Assert.That(claimed, Is.Empty, "the successor is not dialed");
            Assert.That(await StringAsync("SELECT finished_reason FROM call_queue WHERE person_cf = @Cf", new { Cf = successorCf }), Is.EqualTo("objection"));
            Assert.That(facts.ObjectionActive, Is.True, "the dial-time contact policy sees the objection too");
            Assert.That(await StringAsync("SELECT recorded_cf FROM objections"), Is.EqualTo(ProvisionalCf), "the code it was recorded under is kept");
        });
    }

    [Test]
    public async Task An_objection_recorded_under_a_provisional_code_after_the_link_stops_the_claim_of_its_successor()
    {
        var campaign = await CampaignAsync("obiezione-dopo");
        await ImportAsync(EarlierUnderProvisional(), definitive);
        await new ObjectionRegister(Db).AddAsync(ProvisionalCf, null, new DateOnly(2026, 3, 1), ObjectionChannel.Letter, "", default);
        await queue.EnqueueAsync([Entry(campaign, successorCf)], default);

        var claimed = await ClaimAsync(campaign);

        Assert.Multiple(async () =>
        {
            Assert.That(claimed, Is.Empty, "the successor is not dialed");
            Assert.That(await StringAsync("SELECT person_cf || ':' || recorded_cf FROM objections"), Is.EqualTo(successorCf + ":" + ProvisionalCf));
        });
    }

    [TestCase(1, 4, "daily_cap_reached", TestName = "The_daily_cap_reached_under_a_provisional_code_holds_its_successor")]
    [TestCase(2, 1, "total_cap_reached", TestName = "The_total_cap_reached_under_a_provisional_code_finishes_its_successor")]
    public async Task A_cap_reached_under_a_provisional_code_applies_to_its_successor(int maxPerDay, int maxTotal, string reason)
    {
        var settings = new DialingSettings { MaxAttemptsPerDay = maxPerDay, MaxAttemptsTotal = maxTotal };
        var earlier = await CampaignAsync("prima");
        var later = await CampaignAsync("dopo");
        await ImportAsync(EarlierUnderProvisional());
        await queue.EnqueueAsync([Entry(earlier, ProvisionalCf)], default);
        var dialed = await ClaimAsync(earlier, settings);
        await ScreenedClaims.AttemptAsync(Db, earlier, ProvisionalCf, phone, "answered", Now);
        await queue.CompleteAsync([QueueCompletion.Finish(dialed.Single(), "refused", "answered")], default);

        await ImportAsync(definitive);
        await queue.EnqueueAsync([Entry(later, successorCf)], default);
        var claimed = await ClaimAsync(later, settings);
        var facts = await new ContactHistory(Db).FactsAsync(later, successorCf, phone, "F205", Now, default);

        Assert.Multiple(async () =>
        {
            Assert.That(claimed, Is.Empty, "the successor is not dialed");
            Assert.That(await StringAsync("SELECT coalesce(hold_reason, finished_reason) FROM call_queue WHERE campaign_id = @later", new { later }),
                Is.EqualTo(reason));
            Assert.That(facts.AttemptsTotal, Is.EqualTo(1), "the attempt under the provisional code counts for the successor");
        });
    }

    [TestCase(false, TestName = "A_queue_entry_made_under_a_provisional_code_is_the_successors_only_entry_in_the_campaign")]
    [TestCase(true, TestName = "A_queue_entry_made_under_a_provisional_code_is_finished_when_its_successor_was_queued_too")]
    public async Task A_queue_entry_made_under_a_provisional_code_rings_the_person_once(bool successorQueuedBeforeTheLink)
    {
        var campaign = await CampaignAsync("coda");
        await ImportAsync(EarlierUnderProvisional());
        await queue.EnqueueAsync([Entry(campaign, ProvisionalCf)], default);
        if (successorQueuedBeforeTheLink) await queue.EnqueueAsync([Entry(campaign, successorCf)], default);

        await ImportAsync(definitive);
        await queue.EnqueueAsync([Entry(campaign, successorCf)], default);   // a later selection queues the person again
        var claimed = await queue.ClaimAsync(new ClaimRequest(campaign, "w1", 10, TimeSpan.FromMinutes(2)), default);

        Assert.Multiple(async () =>
        {
            Assert.That(claimed.Select(c => c.PersonCf), Is.EqualTo(new[] { successorCf }), "one claim, under the successor's code");
            Assert.That(await StringAsync("SELECT string_agg(person_cf || ':' || state || ':' || coalesce(finished_reason, ''), ',' ORDER BY id) FROM call_queue"),
                Is.EqualTo(successorQueuedBeforeTheLink
                    ? $"{ProvisionalCf}:done:{ProvisionalSuccession.SupersededReason},{successorCf}:leased:"
                    : $"{successorCf}:leased:"));
            Assert.That(await StringAsync("SELECT count(*)::text FROM call_queue_ready r JOIN call_queue q ON q.id = r.queue_id WHERE q.state = 'done'"),
                Is.EqualTo("0"), "a finished row is claimable no more");
        });
    }

    [Test]
    public async Task A_queue_entry_leased_under_a_provisional_code_during_the_link_keeps_its_successor_waiting_and_is_then_finished()
    {
        var campaign = await CampaignAsync("coda-in-corso");
        await ImportAsync(EarlierUnderProvisional());
        await queue.EnqueueAsync([Entry(campaign, ProvisionalCf), Entry(campaign, successorCf) with { Priority = 2 }], default);
        var ringing = (await queue.ClaimAsync(new ClaimRequest(campaign, "w1", 1, TimeSpan.FromMinutes(2)), default)).Single();

        await ImportAsync(definitive);   // the provisional row is leased: the import leaves it to its worker
        var duringTheCall = await queue.ClaimAsync(new ClaimRequest(campaign, "w1", 10, TimeSpan.FromMinutes(2)), default);
        await ScreenedClaims.AttemptAsync(Db, campaign, ProvisionalCf, phone, "no_answer", Now);
        await queue.CompleteAsync([QueueCompletion.Retry(ringing, Now, "retry_delay_no_answer", "no_answer")], default);
        clock.SetUtcNow(Now.AddMinutes(3));   // past the lease the successor's row was waiting for
        // The queue's own claim: the contact policy would hold the successor for the no-answer's retry delay.
        var afterIt = await queue.ClaimAsync(new ClaimRequest(campaign, "w1", 10, TimeSpan.FromMinutes(2)), default);
        var facts = await new ContactHistory(Db).FactsAsync(campaign, successorCf, phone, "F205", clock.GetUtcNow(), default);

        Assert.Multiple(async () =>
        {
            Assert.That(ringing.PersonCf, Is.EqualTo(ProvisionalCf));
            Assert.That(duringTheCall, Is.Empty, "the successor's row waits while the person is being called under the provisional code");
            Assert.That(afterIt.Select(c => c.PersonCf), Is.EqualTo(new[] { successorCf }), "then only the successor's row is dialed");
            Assert.That(await StringAsync("SELECT finished_reason FROM call_queue WHERE person_cf = @ProvisionalCf", new { ProvisionalCf }),
                Is.EqualTo(ProvisionalSuccession.SupersededReason));
            Assert.That(facts.AttemptsTotal, Is.EqualTo(1), "the dial under the provisional code counts for the successor");
        });
    }

    [Test]
    public async Task A_provisional_code_enqueued_after_the_link_is_queued_under_its_successor()
    {
        var campaign = await CampaignAsync("coda-dopo");
        await ImportAsync(EarlierUnderProvisional(), definitive);

        var added = await queue.EnqueueAsync([Entry(campaign, ProvisionalCf), Entry(campaign, successorCf)], default);

        Assert.Multiple(async () =>
        {
            Assert.That(added, Is.EqualTo(1), "one person, one row");
            Assert.That(await StringAsync("SELECT string_agg(person_cf, ',') FROM call_queue"), Is.EqualTo(successorCf));
        });
    }

    QueueEntry Entry(long campaign, string cf) => new(campaign, cf, phone, "F205", 1, Now.AddMinutes(-1), null);

    Task<IReadOnlyList<ClaimedContact>> ClaimAsync(long campaign, DialingSettings? settings = null) =>
        ScreenedClaims.ClaimAsync(Db, queue, clock, campaign, settings);

    static async Task ImportAsync(params CsvNotice[] notices) =>
        await new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance).RunAsync([CsvNotice.Input($"import-{Guid.NewGuid():N}.csv", notices)]);

    static async Task<long> CampaignAsync(string slug) =>
        (await new CampaignStore(Db).ApplyAsync(Population.Campaign(slug), default)).Campaign.Id;

    static async Task<string?> StringAsync(string sql, object? args = null)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<string?>(sql, args);
    }
}
