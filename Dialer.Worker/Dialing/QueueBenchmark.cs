using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dialer.Core.Campaigns;
using Dialer.Core.Database;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;
using Dialer.Worker.CommandLine;
using Dialer.Worker.Telephony.Emulator;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Worker.Dialing;

/// <summary>
/// `dialer bench queue`: the call queue under concurrent claimers on a large queued campaign (docs/performance-targets.md §1 and §7):
/// claim-and-complete per second (single and batched), commits and statements per attempt, enqueue-to-claim latency
/// with LISTEN/NOTIFY, the idle statement rate, HOT updates and dead tuples after a compressed 8-hour shift, and double
/// claims; the bare claim statement (no promotion of due retries, no successor or busy-person checks) is the baseline measured in the same run.
/// Runs in a scratch database &lt;database&gt;_bench_queue, dropped afterwards unless --keep. The throughput, latency and
/// idle phases run on the real clock; the shift runs on its own fixed calendar (<see cref="ShiftStart"/>), whatever the
/// day and hour the bench is run, and a phase that did no work fails the bench instead of judging a goal on nothing
/// (docs/benchmarks.md).
/// </summary>
static class QueueBenchmark
{
    public static Command Create()
    {
        var contacts = new Option<int>("--contacts") { Description = "Contacts queued for the main campaign.", DefaultValueFactory = _ => 1_000_000 };
        var claimers = new Option<int>("--claimers") { Description = "Concurrent claimers.", DefaultValueFactory = _ => 8 };
        var seconds = new Option<int>("--seconds") { Description = "Seconds per throughput, latency and idle phase.", DefaultValueFactory = _ => 10 };
        var shiftSeconds = new Option<int>("--shift-seconds") { Description = "Real seconds the compressed 8-hour shift lasts.", DefaultValueFactory = _ => 60 };
        var keep = new Option<bool>("--keep") { Description = "Keep the scratch database afterwards." };
        var command = new Command("queue", "Call queue: claim+complete per second with single and batched claims (goals ≥ 1,000/s and ≥ 4,000/s), " +
            "commits per attempt (≤ 2), p99 enqueue-to-claim (≤ 30 ms), idle statements per worker (≤ 5/s), HOT share after a " +
            "compressed 8-hour shift (≥ 95%), double claims (0); ratios to the bare claim statement measured in the same run.")
        {
            contacts, claimers, seconds, shiftSeconds, keep,
        };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new Settings(parse.GetValue(contacts), parse.GetValue(claimers), TimeSpan.FromSeconds(parse.GetValue(seconds)),
                TimeSpan.FromSeconds(parse.GetValue(shiftSeconds)));
            // The shift's clock runs at most 10,000 times faster than real time: 8 hours need at least 3 seconds.
            if (settings.Contacts < 1000 || settings.Claimers < 1 || settings.Phase <= TimeSpan.Zero || settings.Shift < TimeSpan.FromSeconds(3))
                throw new ArgumentException("--contacts must be at least 1000, --claimers and --seconds at least 1, --shift-seconds at least 3.");
            var builder = CommandHost.CreateBuilder();
            await using var attachment = await CommandHost.AttachDatabaseAsync(builder, ct);
            var target = new NpgsqlConnectionStringBuilder(attachment.ConnectionString);
            var name = $"{target.Database}_bench_queue";
            await DatabaseServer.RecreateDatabaseAsync(attachment.ConnectionString, name, ct);
            target.Database = name;
            target.MaxPoolSize = settings.Claimers * 2 + 10;
            // Without this, Npgsql prefixes the next command on a pooled connection with its reset (DISCARD ALL, or CLOSE ALL
            // and friends once statements are prepared), which pg_stat_database counts as extra transactions: no disk write,
            // but they would hide the queue's own commits. CallQueue keeps no session state on pooled connections.
            target.NoResetOnClose = true;
            try
            {
                return await RunAsync(target.ConnectionString, settings, ct);
            }
            finally
            {
                if (parse.GetValue(keep)) Console.Out.WriteLine($"Kept the scratch database {name}.");
                else await DatabaseServer.DropDatabaseAsync(attachment.ConnectionString, name, CancellationToken.None);
            }
        });
        return command;
    }

    /// <summary>
    /// When the simulated shift opens: 09:00 in Rome on a working Monday (no national holiday, no patron day in the bench's
    /// comuni). Its contacts are enqueued on a clock set to the evening before, so all are due when it opens. It used to
    /// start at this time while its contacts were enqueued at the real time: any run after that Monday found nothing due.
    /// </summary>
    static readonly DateTimeOffset ShiftStart = CallingCalendar.ToUtc(new DateOnly(2026, 11, 23), new TimeOnly(9, 0));

    sealed record Settings(int Contacts, int Claimers, TimeSpan Phase, TimeSpan Shift);

    sealed record Throughput(double PerSecond, double CommitsPerAttempt, double StatementsPerAttempt, long Attempts);

    static async Task<int> RunAsync(string cs, Settings settings, CancellationToken ct)
    {
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Queue bench: {settings.Contacts:N0} contacts, {settings.Claimers} claimers, {settings.Phase.TotalSeconds:0} s phases, " +
            $"{Environment.ProcessorCount} cores shared by the bench and PostgreSQL; load average {BenchApiHost.LoadAverage()}"));
        long main, wake, shift;
        await using (var setup = NpgsqlDataSource.Create(cs))
        {
            await new Migrator(setup, NullLogger<Migrator>.Instance).RunAsync(null, ct);
            var campaigns = new CampaignStore(setup);
            main = await CampaignAsync(campaigns, "bench-queue", ct);
            wake = await CampaignAsync(campaigns, "bench-wake", ct);
            shift = await CampaignAsync(campaigns, "bench-shift", ct);
            var sw = Stopwatch.StartNew();
            await using var loader = new CallQueue(setup, TimeProvider.System, NullLogger<CallQueue>.Instance);
            var loaded = await LoadAsync(loader, TimeProvider.System, main, settings.Contacts, ct);
            // The shift's contacts are enqueued on the shift's calendar, the evening before it opens (real speed from there).
            var eve = new AcceleratedClock(1, ShiftStart - TimeSpan.FromHours(12));
            await using var shiftLoader = new CallQueue(setup, eve, NullLogger<CallQueue>.Instance);
            loaded += await LoadAsync(shiftLoader, eve, shift, settings.Contacts, ct);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Enqueued {loaded:N0} contacts (two campaigns) through EnqueueAsync in {sw.Elapsed.TotalSeconds:F1} s ({loaded / sw.Elapsed.TotalSeconds:N0}/s)"));
            await using var conn = await setup.OpenConnectionAsync(ct);
            await conn.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE", commandTimeout: 600, cancellationToken: ct));
        }

        var tracker = new ClaimTracker();
        Console.Out.WriteLine();
        var bareSingle = await ThroughputAsync(cs, main, settings, 1, bare: true, tracker, ct);
        var single = await ThroughputAsync(cs, main, settings, 1, bare: false, tracker, ct);
        var bareBatch = await ThroughputAsync(cs, main, settings, 10, bare: true, tracker, ct);
        var batch = await ThroughputAsync(cs, main, settings, 10, bare: false, tracker, ct);
        var (p50, p99, samples) = await LatencyAsync(cs, wake, settings, tracker, ct);
        var (idleStatements, idleTransactions) = await IdleAsync(cs, wake, settings, ct);
        var health = await ShiftAsync(cs, shift, settings, tracker, ct);
        var doubles = tracker.DoubleClaims();

        Console.Out.WriteLine();
        Console.Out.WriteLine($"{"measure",-56} {"value",12} {"× baseline",11}  goal");
        Row("claim+complete/s, 1 per claim, bare claim (baseline)", bareSingle.PerSecond, "N0", bareSingle.PerSecond, "");
        Row("claim+complete/s, 1 per claim, CallQueue", single.PerSecond, "N0", bareSingle.PerSecond, "≥ 1,000/s");
        Row("claim+complete/s, 10 per claim, bare claim (baseline)", bareBatch.PerSecond, "N0", bareBatch.PerSecond, "");
        Row("claim+complete/s, 10 per claim, CallQueue", batch.PerSecond, "N0", bareBatch.PerSecond, "≥ 4,000/s");
        Row("commits per attempt, 1 per claim (pg_stat_database)", single.CommitsPerAttempt, "F2", bareSingle.CommitsPerAttempt, "≤ 2");
        Row("commits per attempt, 10 per claim", batch.CommitsPerAttempt, "F2", bareBatch.CommitsPerAttempt, "≤ 2");
        Row("statements per attempt, 1 per claim", single.StatementsPerAttempt, "F2", bareSingle.StatementsPerAttempt, "≤ 4");
        Row("statements per attempt, 10 per claim", batch.StatementsPerAttempt, "F2", bareBatch.StatementsPerAttempt, "");
        Row($"enqueue→claim p50 ms, 20 enqueues/s ({samples} samples)", p50, "F1", null, "≤ 5 ms");
        Row("enqueue→claim p99 ms", p99, "F1", null, "≤ 30 ms");
        Row("idle statements/s per waiting worker (counted)", idleStatements, "F2", null, "≤ 5/s");
        Row("idle transactions/s per waiting worker (server)", idleTransactions, "F2", null, "");
        Row($"HOT share of call_queue updates, shift ({health.Updates:N0} updates)", health.HotShare * 100, "F1", null, "≥ 95 %");
        Row("dead tuples / live tuples of call_queue after the shift, %", health.DeadShare * 100, "F2", null, "≤ 5 %");
        Row("shift attempts (8 simulated hours)", health.Attempts, "N0", null, "");
        Row("stale completions rejected (lease expired, re-claimed)", tracker.Rejected, "N0", null, "");
        Row($"double claims (of {tracker.Claims:N0} claims tracked)", doubles, "N0", null, "0");
        Console.Out.WriteLine();
        foreach (var line in health.Tables) Console.Out.WriteLine(line);
        Console.Out.WriteLine();
        Console.Out.WriteLine($"Load average at the end: {BenchApiHost.LoadAverage()}");
        Verdict("≥ 1,000 claim+complete/s with single claims", single.PerSecond >= 1000);
        Verdict("≥ 4,000 claim+complete/s with batches of 10", batch.PerSecond >= 4000);
        // To one decimal: the second is autovacuum's transactions and Npgsql's set-up of each new connection.
        Verdict("≤ 2 commits per attempt", Math.Round(single.CommitsPerAttempt, 1) <= 2 && Math.Round(batch.CommitsPerAttempt, 1) <= 2);
        Verdict("≤ 4 statements per attempt", single.StatementsPerAttempt <= 4 && batch.StatementsPerAttempt <= 4);
        Verdict("p50 enqueue→claim ≤ 5 ms", p50 <= 5);
        Verdict("p99 enqueue→claim ≤ 30 ms", p99 <= 30);
        Verdict("idle ≤ 5 statements/s per worker", idleStatements <= 5);
        Verdict("≥ 95% HOT updates on call_queue", health.HotShare >= 0.95);
        Verdict("≤ 5% dead tuples in call_queue after the shift", health.DeadShare <= 0.05);
        Verdict("zero double claims", doubles == 0);

        // A phase that made no attempt would have every goal it measures judged on nothing (a HOT share of 0 of 0 updates).
        // Counted by the bench itself, not read from the server's statistics, which arrive late.
        var idle = new (string Phase, long Work)[]
        {
            ("bare claim, 1 per claim", bareSingle.Attempts), ("CallQueue, 1 per claim", single.Attempts),
            ("bare claim, 10 per claim", bareBatch.Attempts), ("CallQueue, 10 per claim", batch.Attempts),
            ("enqueue→claim latency", samples), ("8-hour shift", health.Attempts),
        }.Where(p => p.Work == 0).ToList();
        foreach (var (phase, _) in idle)
            Console.Error.WriteLine($"error: the {phase} phase made 0 attempts, so the goals it measures were not judged: the bench is broken.");
        return idle.Count > 0 ? 2 : doubles == 0 ? 0 : 1;
    }

    static void Row(string name, double value, string format, double? baseline, string goal)
    {
        var ratio = baseline is { } b && b > 0 ? (value / b).ToString("F2", CultureInfo.InvariantCulture) + "×" : "";
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-56} {value.ToString(format, CultureInfo.InvariantCulture),12} {ratio,11}  {goal}"));
    }

    static void Verdict(string goal, bool met) => Console.Out.WriteLine($"goal {goal}: {(met ? "met" : "NOT met")}");


    static async Task<long> CampaignAsync(CampaignStore campaigns, string slug, CancellationToken ct) =>
        (await campaigns.ApplyAsync(new CampaignDefinition
        {
            Slug = slug,
            Name = "Benchmark della coda",
            CallerId = "+390277404040",
            Territory = new Territory { Comuni = ["F205"] },
        }, ct)).Campaign.Id;

    static readonly string[] Comuni = ["F205", "H501", "L219", "F839", "G273", "D612", "A944", "L736"];

    // A different person in each campaign: the per-person caps count across campaigns.
    static QueueEntry Contact(long campaignId, int i, DateTimeOffset due) => new(campaignId,
        string.Create(CultureInfo.InvariantCulture, $"BNC{campaignId:000}{i:0000000000}"),
        "+39347" + (i % 10_000_000).ToString("0000000", CultureInfo.InvariantCulture),
        Comuni[i % Comuni.Length], 1 + i % 50, due, null);

    /// <summary>Enqueues the contacts due a day before <paramref name="clock"/>'s now (the clock <paramref name="queue"/> runs on).</summary>
    static async Task<int> LoadAsync(CallQueue queue, TimeProvider clock, long campaignId, int contacts, CancellationToken ct)
    {
        const int chunk = 20_000;
        var due = clock.GetUtcNow().AddDays(-1);
        var added = 0;
        for (var start = 0; start < contacts; start += chunk)
        {
            var entries = Enumerable.Range(start, Math.Min(chunk, contacts - start)).Select(i => Contact(campaignId, i, due)).ToList();
            added += await queue.EnqueueAsync(entries, ct);
        }
        return added;
    }

    static async Task<Throughput> ThroughputAsync(string cs, long campaignId, Settings settings, int max, bool bare, ClaimTracker tracker, CancellationToken ct)
    {
        var name = $"{(bare ? "bare claim" : "CallQueue")}, {max} per claim";
        // Every phase starts from clean side tables: the dead index entries an earlier phase left at the head of the
        // ready index would otherwise slow whichever phase runs later.
        await using (var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cs) { Pooling = false }.ConnectionString))
        {
            await conn.OpenAsync(ct);
            await conn.ExecuteAsync(new CommandDefinition("VACUUM call_queue_ready, call_queue_delayed", commandTimeout: 600, cancellationToken: ct));
        }
        var commitsBefore = await CommitsAsync(cs, ct);
        long attempts = 0, statements = 0, dry = 0;
        var sw = Stopwatch.StartNew();
        await using (var db = NpgsqlDataSource.Create(cs))
        await using (var queue = new CallQueue(db, TimeProvider.System, NullLogger<CallQueue>.Instance))
        {
            await Task.WhenAll(Enumerable.Range(0, settings.Claimers).Select(w => Task.Run(async () =>
            {
                var worker = $"bench-{w}";
                while (sw.Elapsed < settings.Phase)
                {
                    var claimed = bare
                        ? await BareClaimAsync(db, campaignId, worker, max, ct)
                        : await queue.ClaimAsync(new ClaimRequest(campaignId, worker, max, TimeSpan.FromMinutes(5)), ct);
                    var claimedAt = Stopwatch.GetTimestamp();
                    if (claimed.Count == 0)
                    {
                        Interlocked.Exchange(ref dry, 1);   // every contact claimed: the phase ends early
                        break;
                    }
                    var completeAt = Stopwatch.GetTimestamp();
                    var result = await queue.CompleteAsync(claimed.Select(c => QueueCompletion.Finish(c, "refused", "answered")).ToList(), ct);
                    tracker.Record(claimed, claimedAt, completeAt, result);
                    Interlocked.Add(ref attempts, claimed.Count);
                    Interlocked.Add(ref statements, 2 + 1);   // claim: promotion (or set_config) + claim, one round trip; completion: one
                }
            }, ct)));
        }
        var elapsed = sw.Elapsed.TotalSeconds;
        var commits = await CommitsAsync(cs, ct) - commitsBefore;
        var t = new Throughput(attempts / elapsed, (double)commits / attempts, (double)statements / attempts, attempts);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-26} {t.PerSecond,8:N0} attempts/s  {t.CommitsPerAttempt:F2} commits and {t.StatementsPerAttempt:F2} statements per attempt ({attempts:N0} attempts{(dry == 1 ? ", queue ran dry: use more --contacts" : "")})"));
        return t;
    }

    /// <summary>The baseline: the same ready-table claim with no promotion of due rows and no successor or busy-person checks.</summary>
    static async Task<IReadOnlyList<ClaimedContact>> BareClaimAsync(NpgsqlDataSource db, long campaignId, string worker, int max, CancellationToken ct)
    {
        const string sql = """
            SELECT set_config('synchronous_commit', 'off', true);

            WITH candidates AS (
                SELECT r.queue_id
                FROM   call_queue_ready r
                WHERE  r.campaign_id = @campaignId AND r.due_at <= @now
                ORDER  BY r.priority, r.due_at, r.queue_id
                LIMIT  @max
                FOR UPDATE SKIP LOCKED
            ),
            kept AS (
                UPDATE call_queue_ready r SET due_at = @leaseUntil FROM candidates c WHERE r.queue_id = c.queue_id
            )
            UPDATE call_queue q
            SET    state = 'leased', lease_owner = @worker, lease_expires_at = @leaseUntil, lease_token = gen_random_uuid(), updated_at = @now
            FROM   candidates c
            WHERE  q.id = c.queue_id
            RETURNING q.id AS "Id", q.person_cf AS "PersonCf", q.phone_e164 AS "PhoneE164", q.lease_token AS "LeaseToken"
            """;
        var now = DateTimeOffset.UtcNow;
        await using var conn = await db.OpenConnectionAsync(ct);
        using var results = await conn.QueryMultipleAsync(new CommandDefinition(sql,
            new { campaignId, now, max, worker, leaseUntil = now.AddMinutes(5) }, cancellationToken: ct));
        await results.ReadAsync<string>();
        return (await results.ReadAsync<(long Id, string PersonCf, string PhoneE164, Guid LeaseToken)>())
            .Select(r => new ClaimedContact(r.Id, campaignId, r.PersonCf, r.PhoneE164, null, 0, null, 0, null, r.LeaseToken, now.AddMinutes(5)))
            .ToList();
    }

    /// <summary>20 enqueues a second into an empty campaign while the claimers wait on LISTEN/NOTIFY; enqueue start → claimed.</summary>
    static async Task<(double P50, double P99, int Samples)> LatencyAsync(string cs, long campaignId, Settings settings, ClaimTracker tracker, CancellationToken ct)
    {
        var enqueuedAt = new ConcurrentDictionary<string, long>();
        var latencies = new ConcurrentBag<double>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using var db = NpgsqlDataSource.Create(cs);
        await using var queue = new CallQueue(db, TimeProvider.System, NullLogger<CallQueue>.Instance);
        var claimers = Enumerable.Range(0, settings.Claimers).Select(w => Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var claimed = await queue.ClaimAsync(new ClaimRequest(campaignId, $"wake-{w}", 1, TimeSpan.FromMinutes(5)), stop.Token);
                    var claimedAt = Stopwatch.GetTimestamp();
                    if (claimed.Count == 0)
                    {
                        await queue.WaitForWorkAsync(campaignId, TimeSpan.FromSeconds(5), stop.Token);
                        continue;
                    }
                    foreach (var c in claimed) latencies.Add(Stopwatch.GetElapsedTime(enqueuedAt[c.PersonCf], claimedAt).TotalMilliseconds);
                    var completeAt = Stopwatch.GetTimestamp();
                    tracker.Record(claimed, claimedAt, completeAt,
                        await queue.CompleteAsync(claimed.Select(c => QueueCompletion.Finish(c, "refused", "answered")).ToList(), stop.Token));
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }, ct)).ToList();

        await Task.Delay(500, ct);   // the claimers are waiting
        await using var producer = new CallQueue(db, TimeProvider.System, NullLogger<CallQueue>.Instance);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var sw = Stopwatch.StartNew();
        var n = 0;
        while (sw.Elapsed < settings.Phase && await timer.WaitForNextTickAsync(ct))
        {
            var entry = Contact(campaignId, n++, DateTimeOffset.UtcNow.AddSeconds(-1));
            enqueuedAt[entry.PersonCf] = Stopwatch.GetTimestamp();
            await producer.EnqueueAsync([entry], ct);
        }
        var deadline = Stopwatch.StartNew();
        while (latencies.Count < n && deadline.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(50, ct);
        await stop.CancelAsync();
        await Task.WhenAll(claimers);
        var sorted = latencies.Order().ToList();
        if (sorted.Count < n) throw new InvalidOperationException($"Only {sorted.Count} of {n} enqueued contacts were claimed.");
        return (Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Count);
    }

    static double Percentile(List<double> sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(sorted.Count * p) - 1)];

    /// <summary>The claimers waiting on an empty campaign: statements they send (counted) and transactions the server saw.</summary>
    static async Task<(double Statements, double Transactions)> IdleAsync(string cs, long campaignId, Settings settings, CancellationToken ct)
    {
        var before = await CommitsAsync(cs, ct);
        long statements = 0;
        var sw = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(settings.Phase);
        await using (var db = NpgsqlDataSource.Create(cs))
        await using (var queue = new CallQueue(db, TimeProvider.System, NullLogger<CallQueue>.Instance))
        {
            await Task.WhenAll(Enumerable.Range(0, settings.Claimers).Select(w => Task.Run(async () =>
            {
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        var claimed = await queue.ClaimAsync(new ClaimRequest(campaignId, $"idle-{w}", 1, TimeSpan.FromMinutes(5)), stop.Token);
                        Interlocked.Add(ref statements, 2);
                        if (claimed.Count > 0) throw new InvalidOperationException("The idle campaign has work.");
                        Interlocked.Increment(ref statements);
                        await queue.WaitForWorkAsync(campaignId, TimeSpan.FromSeconds(5), stop.Token);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }, ct)));
        }
        var elapsed = sw.Elapsed.TotalSeconds;
        var transactions = await CommitsAsync(cs, ct) - before;
        return (statements / elapsed / settings.Claimers, transactions / elapsed / settings.Claimers);
    }

    sealed record Health(double HotShare, double DeadShare, long Updates, long Attempts, IReadOnlyList<string> Tables);

    /// <summary>
    /// A compressed 8-hour shift from <see cref="ShiftStart"/> on the accelerated clock: claims of 10 and completions with a realistic
    /// mix of outcomes (retries after 30 minutes, half a day, a day; holds; finishes), so retried rows come back through
    /// the delayed table. Then the HOT share of call_queue's updates during the shift and its dead tuples.
    /// </summary>
    static async Task<Health> ShiftAsync(string cs, long campaignId, Settings settings, ClaimTracker tracker, CancellationToken ct)
    {
        const string stats = """
            SELECT relname AS "Table", n_tup_upd AS "Updates", n_tup_hot_upd AS "Hot", n_live_tup AS "Live", n_dead_tup AS "Dead",
                   pg_total_relation_size(relid) AS "Bytes", autovacuum_count AS "Autovacuums"
            FROM   pg_stat_user_tables
            WHERE  relname IN ('call_queue', 'call_queue_ready', 'call_queue_delayed')
            ORDER  BY relname
            """;
        var before = (await QueryAsync<TableStats>(cs, stats, ct)).ToDictionary(s => s.Table);
        var clock = new AcceleratedClock(TimeSpan.FromHours(8) / settings.Shift, ShiftStart);
        // A lease of 10 simulated minutes, but never under 2 real seconds: at the shortest shift (8 hours in 3 s) 10 minutes
        // pass in 62 real ms, so on a loaded machine a lease expired between the rounds of one ClaimAsync, which then
        // returned the same contact twice and the completion refused the batch ("completed twice in this batch").
        var lease = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(10).Ticks, (long)(TimeSpan.FromSeconds(2).Ticks * clock.Speed)));
        long attempts = 0;
        var sw = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        var oldest = SampleOldestWriterAsync(cs, sampling.Token);
        await using (var db = NpgsqlDataSource.Create(cs))
        await using (var queue = new CallQueue(db, clock, NullLogger<CallQueue>.Instance))
        {
            await Task.WhenAll(Enumerable.Range(0, settings.Claimers).Select(w => Task.Run(async () =>
            {
                var random = new Random(w);
                while (sw.Elapsed < settings.Shift)
                {
                    var claimed = await queue.ClaimAsync(new ClaimRequest(campaignId, $"shift-{w}", 10, lease), ct);
                    var claimedAt = Stopwatch.GetTimestamp();
                    if (claimed.Count == 0)
                    {
                        await Task.Delay(10, ct);
                        continue;
                    }
                    var now = clock.GetUtcNow();
                    var completions = claimed.Select(c => Outcome(c, now, random.NextDouble())).ToList();
                    var completeAt = Stopwatch.GetTimestamp();
                    tracker.Record(claimed, claimedAt, completeAt, await queue.CompleteAsync(completions, ct));
                    Interlocked.Add(ref attempts, claimed.Count);
                }
            }, ct)));
        }
        await sampling.CancelAsync();
        var oldestWriter = await oldest;
        await Task.Delay(500, ct);   // the claimers' backends have exited and flushed their statistics
        var after = (await QueryAsync<TableStats>(cs, stats, ct)).ToDictionary(s => s.Table);
        var q0 = before["call_queue"];
        var q1 = after["call_queue"];
        var updates = q1.Updates - q0.Updates;
        var lines = new List<string> { $"{"table after the shift",-24} {"updates",10} {"HOT %",7} {"live",11} {"dead",9} {"MB",8} {"autovacuums",12}" };
        foreach (var (table, s) in after)
        {
            var u = s.Updates - before[table].Updates;
            var h = s.Hot - before[table].Hot;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{table,-24} {u,10:N0} {(u == 0 ? 0 : 100.0 * h / u),7:F1} {s.Live,11:N0} {s.Dead,9:N0} {s.Bytes / 1048576.0,8:F1} {s.Autovacuums,12}"));
        }
        lines.Add(string.Format(CultureInfo.InvariantCulture,
            "Oldest write transaction on the server during the shift (any database): {0:F0} s. While it runs, no database can prune " +
            "or vacuum the versions the shift leaves behind (docs/performance-targets.md §1.2, Q10).", oldestWriter));
        return new Health(updates == 0 ? 0 : (double)(q1.Hot - q0.Hot) / updates, q1.Live == 0 ? 0 : (double)q1.Dead / q1.Live, updates, attempts, lines);
    }

    /// <summary>The age of the oldest transaction holding a transaction id anywhere on the server, sampled every second.</summary>
    static async Task<double> SampleOldestWriterAsync(string cs, CancellationToken stop)
    {
        const string sql = """
            SELECT coalesce(max(extract(epoch FROM now() - xact_start)), 0)::float8
            FROM   pg_stat_activity
            WHERE  backend_xid IS NOT NULL
            """;
        double oldest = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                oldest = Math.Max(oldest, (await QueryAsync<double>(cs, sql, stop)).Single());
                await Task.Delay(1000, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        return oldest;
    }

    sealed record TableStats(string Table, long Updates, long Hot, long Live, long Dead, long Bytes, long Autovacuums);

    // A shift's mix: a third answered (mostly finished), the rest busy, unanswered, machines, failures; some held.
    static QueueCompletion Outcome(ClaimedContact c, DateTimeOffset now, double p) => p switch
    {
        < 0.25 => QueueCompletion.Finish(c, "refused", "answered"),
        < 0.30 => QueueCompletion.Finish(c, "intake_accepted", "answered"),
        < 0.33 => QueueCompletion.Hold(c, now.AddDays(5), "abandoned_cool_off", "answered"),
        < 0.55 => QueueCompletion.Retry(c, now.AddMinutes(30), "retry_delay_busy", "busy"),
        < 0.80 => QueueCompletion.Retry(c, now.AddHours(4), "retry_delay_no_answer", "no_answer"),
        < 0.90 => QueueCompletion.Retry(c, now.AddDays(1), "retry_delay_machine", "machine"),
        < 0.93 => QueueCompletion.Finish(c, "number_flagged", "failed"),
        _ => QueueCompletion.Hold(c, now.AddMinutes(20), "no_operator_available"),
    };

    static async Task<long> CommitsAsync(string cs, CancellationToken ct)
    {
        // The claimers' connections are closed before this is read: a backend flushes its statistics when it exits.
        await Task.Delay(500, ct);
        var rows = await QueryAsync<long>(cs, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", ct);
        return rows.Single();
    }

    static async Task<IReadOnlyList<T>> QueryAsync<T>(string cs, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cs) { Pooling = false }.ConnectionString);
        await conn.OpenAsync(ct);
        return (await conn.QueryAsync<T>(new CommandDefinition(sql, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// Every claim with when it was returned and when its completion started. Two claims of one contact overlap (a double
    /// claim) when the later was returned before the earlier's completion started and that completion was still applied,
    /// i.e. both leases were live at once.
    /// </summary>
    sealed class ClaimTracker
    {
        readonly ConcurrentQueue<(long QueueId, long ClaimedAt, long CompleteAt, bool Applied)> claims = new();
        long rejected;

        public long Claims => claims.Count;

        public long Rejected => Interlocked.Read(ref rejected);

        public void Record(IReadOnlyList<ClaimedContact> claimed, long claimedAt, long completeAt, CompletionResult result)
        {
            var stale = result.Rejected.ToHashSet();
            Interlocked.Add(ref rejected, stale.Count);
            foreach (var c in claimed) claims.Enqueue((c.QueueId, claimedAt, completeAt, !stale.Contains(c.QueueId)));
        }

        public long DoubleClaims()
        {
            long doubles = 0;
            foreach (var group in claims.GroupBy(c => c.QueueId).Where(g => g.Count() > 1))
            {
                var ordered = group.OrderBy(c => c.ClaimedAt).ToList();
                for (var i = 0; i < ordered.Count; i++)
                    for (var j = i + 1; j < ordered.Count; j++)
                        if (ordered[j].ClaimedAt < ordered[i].CompleteAt && ordered[i].Applied) doubles++;
            }
            return doubles;
        }
    }
}
