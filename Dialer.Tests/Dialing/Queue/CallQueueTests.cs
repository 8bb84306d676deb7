using System.Collections.Concurrent;
using System.Globalization;
using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Queue;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dialer.Tests.Dialing.Queue;

public sealed class CallQueueTests : DatabaseTest
{
    // A Wednesday, 10:00 in Rome.
    static readonly DateTimeOffset Start = new(2026, 3, 11, 9, 0, 0, TimeSpan.Zero);
    static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    FakeTimeProvider clock = null!;
    CallQueue queue = null!;
    long campaign;

    [SetUp]
    public async Task SetUpQueueAsync()
    {
        clock = new FakeTimeProvider(Start);
        queue = new CallQueue(Db, clock, NullLogger<CallQueue>.Instance);
        campaign = await CampaignAsync("coda-uno");
    }

    [TearDown]
    public async Task TearDownQueueAsync() => await queue.DisposeAsync();

    [Test]
    public async Task Enqueue_adds_a_campaign_and_person_once()
    {
        var other = await CampaignAsync("coda-due");

        var first = await queue.EnqueueAsync([Entry("AAA"), Entry("BBB"), Entry("AAA") with { Priority = 9 }], default);
        var second = await queue.EnqueueAsync([Entry("AAA"), Entry("CCC"), Entry("AAA", campaignId: other)], default);

        Assert.Multiple(async () =>
        {
            Assert.That(first, Is.EqualTo(2));
            Assert.That(second, Is.EqualTo(2), "CCC in the first campaign and AAA in the second are new");
            Assert.That(await ScalarAsync("SELECT count(*) FROM call_queue"), Is.EqualTo(4));
            Assert.That(await ScalarAsync("SELECT priority FROM call_queue WHERE person_cf = 'AAA' AND campaign_id = @campaign", new { campaign }),
                Is.EqualTo(1), "the first of a pair given in one batch is kept");
            Assert.That(await ScalarAsync("SELECT count(*) FROM call_queue_ready"), Is.EqualTo(4));
        });
    }

    [Test]
    public async Task Enqueue_rejects_a_malformed_batch_and_adds_nothing()
    {
        var ex = Assert.ThrowsAsync<ArgumentException>(() => queue.EnqueueAsync([Entry("AAA"), Entry("BBB") with { PhoneE164 = "3471234567" }], default));
        var missing = Assert.ThrowsAsync<ArgumentException>(() => queue.EnqueueAsync([Entry("CCC", campaignId: campaign + 100)], default));

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.Message, Does.Contain("entry 1").And.Contain("E.164"));
            Assert.That(missing!.Message, Does.Contain("campaign that does not exist"));
            Assert.That(await ScalarAsync("SELECT count(*) FROM call_queue"), Is.Zero);
        });
    }

    [Test]
    public async Task Feed_queues_pending_unexpired_entries_with_number_and_comune_and_marks_them_in_progress()
    {
        await PersonAsync("CF1", "+393470000001", "F205");
        await PersonAsync("CF2", "+393470000002", "L219");
        await PersonAsync("CF3", "+393470000003", "F205");
        await PersonAsync("CF4", null, "F205");
        await ListAsync("CF1", 2, expiresOn: "2026-04-01");
        await ListAsync("CF2", 1, expiresOn: "2026-04-01");
        await ListAsync("CF3", 3, expiresOn: "2026-03-10");   // expired yesterday
        await ListAsync("CF4", 4, expiresOn: "2026-04-01");   // no mobile

        var fed = await queue.FeedFromContactListAsync(campaign, default);
        var again = await queue.FeedFromContactListAsync(campaign, default);
        var claimed = await ClaimAsync(10);

        Assert.Multiple(async () =>
        {
            Assert.That(fed, Is.EqualTo(2));
            Assert.That(again, Is.Zero);
            Assert.That(claimed.Select(c => (c.PersonCf, c.PhoneE164, c.ComuneCode)),
                Is.EqualTo(new[] { ("CF2", "+393470000002", "L219"), ("CF1", "+393470000001", "F205") }));
            Assert.That(claimed.All(c => c.ContactListEntryId is not null));
            Assert.That(await ScalarAsync("SELECT count(*) FROM contact_list_entries WHERE state = 'in_progress'"), Is.EqualTo(2));
            Assert.That(await ScalarAsync("SELECT count(*) FROM contact_list_entries WHERE state = 'pending'"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Claim_takes_priority_then_due_time_and_leaves_what_is_not_due()
    {
        await queue.EnqueueAsync(
        [
            Entry("LATE", priority: 1, due: Start.AddHours(1)),
            Entry("P2-EARLY", priority: 2, due: Start.AddMinutes(-30)),
            Entry("P2-LATER", priority: 2, due: Start.AddMinutes(-5)),
            Entry("P1", priority: 1, due: Start.AddMinutes(-1)),
            Entry("P3", priority: 3, due: Start.AddMinutes(-60)),
        ], default);

        var firstTwo = await ClaimAsync(2);
        var rest = await ClaimAsync(10);
        await queue.CompleteAsync(firstTwo.Concat(rest).Select(c => QueueCompletion.Finish(c, "refused", "answered")).ToList(), default);
        clock.Advance(TimeSpan.FromHours(1));
        var late = await ClaimAsync(10);

        Assert.Multiple(() =>
        {
            Assert.That(firstTwo.Select(c => c.PersonCf), Is.EqualTo(new[] { "P1", "P2-EARLY" }));
            Assert.That(rest.Select(c => c.PersonCf), Is.EqualTo(new[] { "P2-LATER", "P3" }));
            Assert.That(late.Select(c => c.PersonCf), Is.EqualTo(new[] { "LATE" }), "due in an hour: claimed once the hour has passed");
            Assert.That(firstTwo.All(c => c.LeaseExpiresAt == Start + Lease));
        });
    }

    [Test]
    public async Task A_claim_runs_its_prepared_plan_and_is_not_planned_again_on_every_call()
    {
        // One physical connection, so every claim runs in the session whose prepared statements are read below.
        await using var single = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString)
        {
            MaxPoolSize = 1,
        }.ConnectionString);
        await using var own = new CallQueue(single, clock, NullLogger<CallQueue>.Instance);
        await own.EnqueueAsync(Enumerable.Range(0, 8).Select(i => Entry($"PLAN{i}", priority: 1 + i)).ToList(), default);

        var claimed = new List<ClaimedContact>();
        for (var i = 0; i < 8; i++)
            claimed.AddRange(await own.ClaimAsync(new ClaimRequest(campaign, "w1", 1, Lease), default));

        await using var conn = await single.OpenConnectionAsync();
        var plans = (await conn.QueryAsync<(long Generic, long Custom)>(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%WITH candidates AS%'")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(claimed.Select(c => c.PersonCf), Is.EqualTo(Enumerable.Range(0, 8).Select(i => $"PLAN{i}")));
            Assert.That(plans, Has.Count.EqualTo(1), "the claim is prepared once on the connection");
            // PostgreSQL's default planned it afresh on each claim (custom plans), which cost more than running it.
            Assert.That(plans.Single(), Is.EqualTo((8L, 0L)), "8 claims on the one generic plan, none planned again");
        });
    }

    [Test]
    public async Task Concurrent_claimers_never_claim_the_same_contact()
    {
        await queue.EnqueueAsync(Enumerable.Range(0, 300).Select(i => Entry($"CF{i:000}", priority: i % 7)).ToList(), default);
        var claims = new ConcurrentBag<(string Worker, long QueueId)>();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            await using var own = new CallQueue(Db, clock, NullLogger<CallQueue>.Instance);
            while (true)
            {
                var batch = await own.ClaimAsync(new ClaimRequest(campaign, $"w{w}", 1 + w * 3, Lease), default);
                if (batch.Count == 0) return;
                foreach (var c in batch) claims.Add(($"w{w}", c.QueueId));
                await own.CompleteAsync(batch.Select(c => QueueCompletion.Finish(c, "refused", "answered")).ToList(), default);
            }
        })));

        Assert.Multiple(async () =>
        {
            Assert.That(claims, Has.Count.EqualTo(300));
            Assert.That(claims.Select(c => c.QueueId).Distinct().Count(), Is.EqualTo(300), "no contact claimed twice");
            Assert.That(claims.Select(c => c.Worker).Distinct().Count(), Is.GreaterThan(1), "the claimers really ran side by side");
            Assert.That(await ScalarAsync("SELECT count(*) FROM call_queue WHERE state = 'done'"), Is.EqualTo(300));
        });
    }

    [Test]
    public async Task A_crashed_workers_claim_comes_back_when_its_lease_expires()
    {
        await queue.EnqueueAsync([Entry("AAA")], default);
        var crashed = await ClaimAsync(1, worker: "crashed");

        var whileLeased = await ClaimAsync(1, worker: "survivor");
        clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var afterExpiry = await ClaimAsync(1, worker: "survivor");

        Assert.Multiple(() =>
        {
            Assert.That(crashed, Has.Count.EqualTo(1));
            Assert.That(whileLeased, Is.Empty);
            Assert.That(afterExpiry.Select(c => c.QueueId), Is.EqualTo(crashed.Select(c => c.QueueId)));
            Assert.That(afterExpiry[0].LeaseToken, Is.Not.EqualTo(crashed[0].LeaseToken));
        });
    }

    [Test]
    public async Task A_stale_lease_token_is_rejected_and_the_new_lease_stands()
    {
        await queue.EnqueueAsync([Entry("AAA")], default);
        var old = (await ClaimAsync(1, worker: "slow"))[0];
        clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var fresh = (await ClaimAsync(1, worker: "fast"))[0];

        var stale = await queue.CompleteAsync([QueueCompletion.Finish(old, "refused", "answered")], default);
        var current = await queue.CompleteAsync([QueueCompletion.Retry(fresh, clock.GetUtcNow().AddMinutes(30), "retry_delay_busy", "busy")], default);

        Assert.Multiple(async () =>
        {
            Assert.That(stale.Applied, Is.Zero);
            Assert.That(stale.Rejected, Is.EqualTo(new[] { old.QueueId }));
            Assert.That(current.Applied, Is.EqualTo(1));
            var row = await RowAsync("AAA");
            Assert.That(row.State, Is.EqualTo("queued"));
            Assert.That(row.HoldReason, Is.EqualTo("retry_delay_busy"));
            Assert.That(row.Attempts, Is.EqualTo(1), "only the current holder's dial counts");
        });
    }

    [Test]
    public async Task Extending_a_lease_keeps_the_contact_from_other_claimers()
    {
        await queue.EnqueueAsync([Entry("AAA")], default);
        var preview = (await ClaimAsync(1, worker: "preview"))[0];
        clock.Advance(TimeSpan.FromMinutes(1));

        var extended = await queue.ExtendLeaseAsync(preview.QueueId, preview.LeaseToken, TimeSpan.FromMinutes(10), default);
        clock.Advance(TimeSpan.FromMinutes(5));
        var other = await ClaimAsync(1, worker: "other");
        var wrongToken = await queue.ExtendLeaseAsync(preview.QueueId, Guid.NewGuid(), TimeSpan.FromMinutes(10), default);

        Assert.Multiple(() =>
        {
            Assert.That(extended, Is.True);
            Assert.That(other, Is.Empty, "past the original lease, inside the extended one");
            Assert.That(wrongToken, Is.False);
        });
    }

    [Test]
    public async Task Retry_records_its_reason_and_comes_back_when_due()
    {
        await queue.EnqueueAsync([Entry("AAA")], default);
        var claimed = (await ClaimAsync(1))[0];

        await queue.CompleteAsync([QueueCompletion.Retry(claimed, Start.AddMinutes(30), "retry_delay_busy", "busy")], default);
        var before = await ClaimAsync(1);
        var held = await RowAsync("AAA");
        clock.Advance(TimeSpan.FromMinutes(30));
        var after = await ClaimAsync(1);

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.Empty);
            Assert.That(held.HoldReason, Is.EqualTo("retry_delay_busy"));
            Assert.That(held.NotBefore, Is.EqualTo(Start.AddMinutes(30).UtcDateTime));
            Assert.That(held.LastOutcome, Is.EqualTo("busy"));
            Assert.That(after.Select(c => (c.PersonCf, c.Attempts, c.LastOutcome)), Is.EqualTo(new[] { ("AAA", 1, (string?)"busy") }));
        });
    }

    [Test]
    public async Task Hold_records_its_reason_does_not_count_as_a_dial_and_comes_back_when_due()
    {
        await queue.EnqueueAsync([Entry("AAA")], default);
        var claimed = (await ClaimAsync(1))[0];
        var tomorrow = Start.AddHours(23.5);

        await queue.CompleteAsync([QueueCompletion.Hold(claimed, tomorrow, "outside_calling_window")], default);
        clock.Advance(TimeSpan.FromHours(23));
        var before = await ClaimAsync(1);
        clock.Advance(TimeSpan.FromHours(1));
        var after = await ClaimAsync(1);

        Assert.Multiple(async () =>
        {
            Assert.That(before, Is.Empty);
            Assert.That(after.Select(c => (c.PersonCf, c.Attempts)), Is.EqualTo(new[] { ("AAA", 0) }));
            Assert.That(await ScalarAsync("SELECT attempts FROM call_queue WHERE person_cf = 'AAA'"), Is.Zero);
        });
    }

    [Test]
    public async Task Malformed_completions_are_refused_before_anything_is_applied()
    {
        await queue.EnqueueAsync([Entry("AAA"), Entry("BBB")], default);
        var claimed = await ClaimAsync(2);

        var ex = Assert.ThrowsAsync<ArgumentException>(() => queue.CompleteAsync(
            [QueueCompletion.Finish(claimed[0], "refused", "answered"), QueueCompletion.Hold(claimed[1], Start.AddHours(1), "lunch_break")], default));

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.Message, Does.Contain("completion 1").And.Contain("lunch_break"));
            Assert.That(await ScalarAsync("SELECT count(*) FROM call_queue WHERE state = 'leased'"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_person_leased_by_another_campaign_waits_for_that_lease()
    {
        var other = await QueuedInTwoCampaignsAsync("AAA");
        await queue.ClaimAsync(new ClaimRequest(other, "w", 1, Lease), default);

        var meanwhile = await ClaimAsync(1);
        clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var later = await ClaimAsync(1);

        Assert.Multiple(() =>
        {
            Assert.That(meanwhile, Is.Empty);
            Assert.That(later.Select(c => c.PersonCf), Is.EqualTo(new[] { "AAA" }));
        });
    }

    [Test]
    public async Task An_enqueue_wakes_a_waiting_worker_at_once()
    {
        // Listening first: every waiter is woken once when the queue's connection comes up, which is not the enqueue.
        await ListeningAsync(queue);
        var waiting = queue.WaitForWorkAsync(campaign, TimeSpan.FromSeconds(20), default);
        await Task.Delay(300);
        Assert.That(waiting.IsCompleted, Is.False, "nothing to do yet");

        var started = DateTime.UtcNow;
        await using (var producer = new CallQueue(Db, clock, NullLogger<CallQueue>.Instance))
            await producer.EnqueueAsync([Entry("AAA")], default);
        var woken = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(woken, Is.True);
            Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(5)), "woken by the NOTIFY, not by the 20 s poll");
        });
    }

    [Test]
    public async Task A_contact_given_back_wakes_a_waiting_worker_and_a_later_retry_does_not()
    {
        await queue.EnqueueAsync([Entry("AAA"), Entry("BBB")], default);
        var claimed = await ClaimAsync(2);
        await using var worker = new CallQueue(Db, clock, NullLogger<CallQueue>.Instance);
        await ListeningAsync(worker);

        var waitingForRetry = worker.WaitForWorkAsync(campaign, TimeSpan.FromSeconds(1), default);
        await Task.Delay(300);
        await queue.CompleteAsync([QueueCompletion.Retry(claimed[0], Start.AddHours(4), "retry_delay_no_answer", "no_answer")], default);
        var wokenByRetry = await TimeOutAsync(waitingForRetry, TimeSpan.FromSeconds(1));
        var waitingForRelease = worker.WaitForWorkAsync(campaign, TimeSpan.FromSeconds(20), default);
        await Task.Delay(300);
        await queue.CompleteAsync([QueueCompletion.Release(claimed[1], clock.GetUtcNow())], default);
        var wokenByRelease = await waitingForRelease.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(wokenByRetry, Is.False, "a retry in four hours wakes nobody now");
            Assert.That(wokenByRelease, Is.True);
        });
    }

    [Test]
    public async Task Waiting_returns_at_once_when_work_is_due_and_times_out_when_none_is()
    {
        await ListeningAsync(queue);
        var idle = await TimeOutAsync(queue.WaitForWorkAsync(campaign, TimeSpan.FromMilliseconds(200), default), TimeSpan.FromMilliseconds(200));
        await queue.EnqueueAsync([Entry("AAA")], default);
        var due = await queue.WaitForWorkAsync(campaign, TimeSpan.FromSeconds(20), default).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Multiple(() =>
        {
            Assert.That(idle, Is.False);
            Assert.That(due, Is.True);
        });
    }

    [Test]
    public async Task Hold_counts_give_ready_leased_held_and_finished_per_reason()
    {
        await queue.EnqueueAsync(Enumerable.Range(0, 7).Select(i => Entry($"CF{i}", comune: i == 0 ? "F205" : "H501")).ToList(), default);
        await queue.EnqueueAsync([Entry("LATER", due: Start.AddDays(1))], default);
        var claimed = await ClaimAsync(6);
        await queue.CompleteAsync(
        [
            // CF0 lives in F205, held as the contact policy holds a comune on its patron saint's day.
            QueueCompletion.Hold(claimed[0], Start.AddDays(1), "patron_saint_day"),
            QueueCompletion.Retry(claimed[1], Start.AddMinutes(30), "retry_delay_busy", "busy"),
            QueueCompletion.Retry(claimed[2], Start.AddHours(4), "retry_delay_no_answer", "no_answer"),
            QueueCompletion.Hold(claimed[3], Start.AddHours(5), "no_operator_available"),
            QueueCompletion.Finish(claimed[4], "intake_accepted", "answered"),
        ], default);

        var counts = await queue.HoldCountsAsync(campaign, Start, default);
        var afterRetry = await queue.HoldCountsAsync(campaign, Start.AddMinutes(31), default);

        Assert.Multiple(() =>
        {
            Assert.That(counts.Leased, Is.EqualTo(1));
            Assert.That(counts.Ready, Is.EqualTo(1), "CF6: not claimed, the batch of 5 was full");
            Assert.That(counts.Held, Is.EqualTo(new Dictionary<string, long>
            {
                ["retry_delay_busy"] = 1, ["retry_delay_no_answer"] = 1, ["no_operator_available"] = 1,
                ["patron_saint_day"] = 1, ["scheduled"] = 1,
            }));
            Assert.That(counts.Finished, Is.EqualTo(new Dictionary<string, long> { ["intake_accepted"] = 1 }));
            Assert.That(afterRetry.Ready, Is.EqualTo(3), "CF6, the busy retry now due, and the lease that has expired");
            Assert.That(afterRetry.Held.ContainsKey("retry_delay_busy"), Is.False);
        });
    }

    /// <summary>The person queued in this test's campaign and in a second one; returns the second.</summary>
    async Task<long> QueuedInTwoCampaignsAsync(string cf)
    {
        var other = await CampaignAsync("coda-due");
        await queue.EnqueueAsync([Entry(cf, campaignId: other), Entry(cf)], default);
        return other;
    }

    QueueEntry Entry(string cf, int priority = 1, DateTimeOffset? due = null, string? comune = "F205", long? campaignId = null) =>
        new(campaignId ?? campaign, cf, PhoneOf(cf), comune, priority, due ?? Start, null);

    // A stable mobile number per codice fiscale (DialRulesTests queues the same way).
    internal static string PhoneOf(string cf) =>
        "+39347" + ((uint)cf.Aggregate(17, (h, ch) => h * 31 + ch) % 10_000_000).ToString("0000000", CultureInfo.InvariantCulture);

    Task<IReadOnlyList<ClaimedContact>> ClaimAsync(int max, string worker = "w1") =>
        queue.ClaimAsync(new ClaimRequest(campaign, worker, max, Lease), default);

    internal static async Task<long> CampaignAsync(string slug)
    {
        var (c, _) = await new CampaignStore(Db).ApplyAsync(new CampaignDefinition
        {
            Slug = slug,
            Name = "Coda di prova",
            CallerId = "+390277404040",
            Territory = new Territory { Comuni = ["F205"] },
        }, default);
        return c.Id;
    }

    static Task PersonAsync(string cf, string? mobile, string comune) => ExecuteAsync(
        "INSERT INTO people (cf, provisional, mobile_e164, domicile_comune) VALUES (@cf, false, @mobile, @comune)", new { cf, mobile, comune });

    Task ListAsync(string cf, int priority, string expiresOn) => ExecuteAsync("""
        INSERT INTO contact_list_entries (campaign_id, person_cf, selected_on, priority, expires_on)
        VALUES (@campaign, @cf, '2026-03-01', @priority, CAST(@expiresOn AS date))
        """, new { campaign, cf, priority, expiresOn });

    async Task<QueueRow> RowAsync(string cf)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.QuerySingleAsync<QueueRow>("""
            SELECT state AS "State", hold_reason AS "HoldReason", not_before AS "NotBefore", finished_reason AS "FinishedReason",
                   attempts AS "Attempts", last_outcome AS "LastOutcome"
            FROM   call_queue WHERE person_cf = @cf AND campaign_id = @campaign
            """, new { cf, campaign });
    }

    static async Task<long> ScalarAsync(string sql, object? args = null)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>(sql, args);
    }

    /// <summary>
    /// Starts the queue's listening connection: a wait for another campaign, with work due, returns once the queue
    /// listens. The clock stays still, so the wait cannot give up on the connection (and then be woken by the wake-up
    /// every waiter gets when the connection comes up) as a test moving the clock could make it.
    /// </summary>
    async Task ListeningAsync(CallQueue listening)
    {
        var other = await CampaignAsync("coda-sveglia");
        await queue.EnqueueAsync([Entry("DUE", campaignId: other)], default);
        Assert.That(await listening.WaitForWorkAsync(other, TimeSpan.FromSeconds(20), default), Is.True);
    }

    /// <summary>
    /// Moves the clock by <paramref name="step"/> (the wait's own timeout) until the wait is over: the queue's timers run
    /// on the fake clock, so a wait ends by timing out only when the test moves time past it. The clock is moved again
    /// while the wait has not started its timer yet; no outcome depends on how long that takes.
    /// </summary>
    async Task<bool> TimeOutAsync(Task<bool> waiting, TimeSpan step)
    {
        while (!waiting.IsCompleted)
        {
            clock.Advance(step);
            await Task.WhenAny(waiting, Task.Delay(20));
        }
        return await waiting;
    }

    internal static async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var conn = await Db.OpenConnectionAsync();
        await conn.ExecuteAsync(sql, args);
    }

    sealed record QueueRow(string State, string? HoldReason, DateTime? NotBefore, string? FinishedReason, int Attempts, string? LastOutcome);
}
