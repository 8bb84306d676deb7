using Dialer.Core.Dialing.Policy;
using Dialer.Core.Notices;
using Dialer.Core.PhoneNumbers;
using Microsoft.Extensions.Logging;

namespace Dialer.Core.Dialing.Queue;

/// <summary>
/// The call queue: one row per (campaign, person) to be dialed, claimed by any number of workers with
/// <c>FOR UPDATE SKIP LOCKED</c> and a lease. Design (migration 0410, README "Call queue"): <c>call_queue</c> holds the
/// rows and is only ever updated in place (HOT), because no column a claim or a completion changes is indexed;
/// <c>call_queue_ready</c> (rows due now and leased rows) and <c>call_queue_delayed</c> (rows waiting for a time) say
/// what can be claimed and in which order. A leased row stays in the ready table with its lease expiry as due time,
/// so a crashed worker's claims come back by themselves. Locks are always taken ready row first, then queue row,
/// so claims, completions and lease extensions never deadlock.
/// </summary>
public sealed partial class CallQueue(NpgsqlDataSource db, TimeProvider time, ILogger<CallQueue> logger) : IAsyncDisposable
{
    /// <summary>The NOTIFY channel. The payload is "campaign id:rows due now": that many waiting workers are woken, not all.</summary>
    public const string Channel = "call_queue";

    // Rows moved from the delayed table to the ready table per claim, at most: a backlog that came due at once
    // (09:30, after a night of holds) moves over within a few claims instead of in one long statement.
    const int PromoteBatch = 1000;

    // Rounds of a claim that found guard-blocked rows at the head of the queue (they move out of the way as it goes).
    const int ClaimRounds = 4;

    readonly QueueListener listener = new(db, time, logger);

    /// <summary>Adds the entries not already queued for their campaign; returns how many were added.</summary>
    public async Task<int> EnqueueAsync(IReadOnlyList<QueueEntry> entries, CancellationToken ct)
    {
        var errors = new List<string>();
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (string.IsNullOrWhiteSpace(e.PersonCf)) errors.Add($"entry {i}: the codice fiscale is empty");
            if (!PhoneNumber.IsE164(e.PhoneE164)) errors.Add($"entry {i}: the phone number is not E.164 (e.g. +393471234567)");
            if (e.ComuneCode is { } c && !BelfioreCode.IsValid(c)) errors.Add($"entry {i}: \"{c}\" is not a Belfiore comune code (e.g. F205)");
        }
        if (errors.Count > 0) throw new ArgumentException("Nothing was enqueued: " + string.Join("; ", errors), nameof(entries));
        if (entries.Count == 0) return 0;

        const string sql = """
            WITH input AS (
                -- The first of a (campaign, person) given twice. A provisional code already linked to its successor is
                -- queued under the successor, where the person's state is (ProvisionalSuccession).
                SELECT DISTINCT ON (t.campaign_id, coalesce(p.successor_cf, t.person_cf))
                       t.campaign_id, coalesce(p.successor_cf, t.person_cf) AS person_cf, t.phone_e164, t.comune_code,
                       t.priority, t.due_at, t.contact_list_entry_id, t.ordinal
                FROM   unnest(CAST(@campaignIds AS bigint[]), CAST(@personCfs AS text[]), CAST(@phones AS text[]), CAST(@comuni AS text[]),
                              CAST(@priorities AS integer[]), CAST(@dueAts AS timestamptz[]), CAST(@entryIds AS bigint[]),
                              CAST(@ordinals AS integer[]))
                       AS t(campaign_id, person_cf, phone_e164, comune_code, priority, due_at, contact_list_entry_id, ordinal)
                LEFT   JOIN people p ON p.cf = t.person_cf
                ORDER  BY t.campaign_id, coalesce(p.successor_cf, t.person_cf), t.ordinal
            ),
            added AS (
                INSERT INTO call_queue (campaign_id, person_cf, phone_e164, comune_code, priority, contact_list_entry_id,
                                        enqueued_at, due_at, updated_at)
                SELECT campaign_id, person_cf, phone_e164, comune_code, priority, contact_list_entry_id, @now, due_at, @now
                FROM   input
                ORDER  BY ordinal
                ON CONFLICT (campaign_id, person_cf) DO NOTHING      -- already queued: not added twice
                RETURNING id, campaign_id, priority, due_at
            ),
            ready AS (
                INSERT INTO call_queue_ready (queue_id, campaign_id, priority, due_at)
                SELECT id, campaign_id, priority, due_at FROM added WHERE due_at <= @now
            ),
            delayed AS (
                INSERT INTO call_queue_delayed (queue_id, campaign_id, priority, due_at)
                SELECT id, campaign_id, priority, due_at FROM added WHERE due_at > @now
            ),
            woken AS (
                SELECT pg_notify('call_queue', campaign_id || ':' || count(*))
                FROM   added
                WHERE  due_at <= @now
                GROUP  BY campaign_id
            )
            SELECT (SELECT count(*) FROM added)::int AS added, (SELECT count(*) FROM woken)::int AS notified
            """;
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        try
        {
            var (added, _) = await conn.QuerySingleAsync<(int, int)>(new CommandDefinition(sql, new
            {
                campaignIds = entries.Select(e => e.CampaignId).ToArray(),
                personCfs = entries.Select(e => e.PersonCf).ToArray(),
                phones = entries.Select(e => e.PhoneE164).ToArray(),
                comuni = entries.Select(e => e.ComuneCode).ToArray(),
                priorities = entries.Select(e => e.Priority).ToArray(),
                dueAts = entries.Select(e => e.DueAt.ToUniversalTime()).ToArray(),
                entryIds = entries.Select(e => e.ContactListEntryId).ToArray(),
                ordinals = Enumerable.Range(0, entries.Count).ToArray(),
                now,
            }, cancellationToken: ct));
            return added;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new ArgumentException($"Nothing was enqueued: {ex.ConstraintName switch
            {
                "call_queue_campaign_id_fkey" => "an entry names a campaign that does not exist",
                "call_queue_contact_list_entry_id_fkey" => "an entry names a contact list entry that does not exist",
                _ => ex.MessageText,
            }}.", nameof(entries), ex);
        }
    }

    /// <summary>
    /// Moves the campaign's pending, unexpired contact list entries into the queue in one statement (number and comune
    /// from people), marking them in_progress. Entries of people with no mobile stay pending. Returns how many were queued.
    /// </summary>
    public async Task<int> FeedFromContactListAsync(long campaignId, CancellationToken ct)
    {
        const string sql = """
            WITH moved AS (
                UPDATE contact_list_entries e
                SET    state = 'in_progress'
                FROM   people p
                WHERE  e.campaign_id = @campaignId AND e.state = 'pending' AND e.expires_on >= CAST(@today AS date)
                  AND  p.cf = e.person_cf AND p.mobile_e164 IS NOT NULL
                RETURNING e.id, e.campaign_id, e.person_cf, e.priority, p.mobile_e164, p.domicile_comune
            ),
            added AS (
                INSERT INTO call_queue (campaign_id, person_cf, phone_e164, comune_code, priority, contact_list_entry_id,
                                        enqueued_at, due_at, updated_at)
                SELECT campaign_id, person_cf, mobile_e164, domicile_comune, priority, id, @now, @now, @now
                FROM   moved
                ORDER  BY priority
                ON CONFLICT (campaign_id, person_cf) DO NOTHING
                RETURNING id, campaign_id, priority, due_at, contact_list_entry_id
            ),
            ready AS (
                INSERT INTO call_queue_ready (queue_id, campaign_id, priority, due_at)
                SELECT id, campaign_id, priority, due_at FROM added
            ),
            woken AS (
                SELECT pg_notify('call_queue', @campaignId || ':' || count(*)) FROM added HAVING count(*) > 0
            )
            SELECT (SELECT count(*) FROM added)::int AS added, (SELECT count(*) FROM woken)::int AS notified,
                   (SELECT coalesce(array_agg(contact_list_entry_id) FILTER (WHERE contact_list_entry_id IS NOT NULL), '{}') FROM added) AS entries
            """;
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var (added, _, entries) = await conn.QuerySingleAsync<(int, int, long[])>(new CommandDefinition(sql,
            new { campaignId, now, today = CallingCalendar.LocalDate(now).ToDateTime(TimeOnly.MinValue) }, tx, cancellationToken: ct));
        // The funnel's "queued" step, in the same transaction (docs/outcomes.md).
        if (entries.Length > 0)
            await Outcomes.OutcomeLedger.RefreshAsync(conn, tx, Outcomes.LedgerScope.Entries, CallingCalendar.LocalDate(now), new { entryIds = entries }, ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Queued {Added} contact list entries of campaign {CampaignId}", added, campaignId);
        return added;
    }

    /// <summary>
    /// Leases up to <see cref="ClaimRequest.Max"/> contacts due now, in priority then due-time order. The claim decides
    /// who holds a contact, not whether the person may be rung: every claimed contact goes through the contact policy
    /// (ContactScreening), the one owner of the dial rules (docs/dialing-safety.md, "Who decides a dial"). A contact
    /// whose person is leased by another campaign (or under a provisional code of theirs) right now waits for that
    /// lease; the row of a provisional code linked to its successor meanwhile is finished.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedContact>> ClaimAsync(ClaimRequest request, CancellationToken ct)
    {
        if (request.Max is < 1 or > 1000) throw new ArgumentOutOfRangeException(nameof(request), request.Max, "Max must be between 1 and 1000.");
        if (request.Lease <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(request), request.Lease, "The lease must be positive.");
        if (string.IsNullOrWhiteSpace(request.WorkerId)) throw new ArgumentException("The worker id is empty.", nameof(request));

        var claimed = new List<ClaimedContact>(request.Max);
        await using var conn = await db.OpenConnectionAsync(ct);
        for (var round = 0; round < ClaimRounds && claimed.Count < request.Max; round++)
        {
            var rows = await ClaimRoundAsync(conn, request, request.Max - claimed.Count, ct);
            claimed.AddRange(rows.Where(r => r.State == "leased").Select(r => r.ToClaimed()));
            if (rows.All(r => r.State == "leased")) break;   // nothing moved out of the way: no point in another round
        }
        return claimed;
    }

    async Task<List<ClaimRow>> ClaimRoundAsync(NpgsqlConnection conn, ClaimRequest request, int max, CancellationToken ct)
    {
        // Two statements, one round trip, one implicit transaction. The first moves rows that have come due from the
        // delayed table to the ready table (rows another claimer is moving are skipped) and sets, for this transaction only:
        // - synchronous_commit off: a claim lost in a crash comes back when its lease expires, so it need not wait for
        //   the disk. Completions stay durable.
        // - plan_cache_mode force_generic_plan, for the claim that follows: with the default (auto) PostgreSQL re-planned
        //   the prepared claim on every execution (its generic plan is estimated dearer, LIMIT @max counting as 10% of the
        //   ready rows), and that planning (about 0.9 ms) cost more than running it; it was most of what the guards cost.
        //   The claim's probes are written as LATERAL ... OFFSET 0 so that the generic plan is one index lookup per
        //   candidate whatever its row estimates.
        // - jit off: the generic plan's inflated cost estimate would otherwise cross jit_above_cost and compile (~70 ms).
        const string promote = """
            WITH due AS (
                SELECT d.queue_id
                FROM   call_queue_delayed d
                WHERE  d.campaign_id = @campaignId AND d.due_at <= @now
                ORDER  BY d.due_at
                LIMIT  @promoteBatch
                FOR UPDATE SKIP LOCKED
            ),
            moved AS (
                DELETE FROM call_queue_delayed d USING due
                WHERE  d.queue_id = due.queue_id
                RETURNING d.queue_id, d.campaign_id, d.priority, d.due_at
            ),
            promoted AS (
                INSERT INTO call_queue_ready (queue_id, campaign_id, priority, due_at)
                SELECT queue_id, campaign_id, priority, due_at FROM moved
            )
            SELECT set_config('synchronous_commit', 'off', true),
                   set_config('plan_cache_mode', 'force_generic_plan', true),
                   set_config('jit', 'off', true)
            """;
        const string claim = """
            WITH candidates AS (
                SELECT r.queue_id
                FROM   call_queue_ready r
                WHERE  r.campaign_id = @campaignId AND r.due_at <= @now   -- due, or a lease that has expired
                ORDER  BY r.priority, r.due_at, r.queue_id
                LIMIT  @max
                FOR UPDATE SKIP LOCKED                                    -- other claimers skip the rows we hold
            ),
            checked AS (
                SELECT q.id, q.campaign_id, q.priority, v.verdict, v.verdict IS NOT NULL AS finishes,
                       CASE WHEN v.verdict IS NULL THEN busy.until END AS busy_until
                -- Each probe is one index lookup per candidate whatever the row estimates: the plan is generic (see promote).
                FROM   candidates c
                CROSS  JOIN LATERAL (SELECT * FROM call_queue q WHERE q.id = c.queue_id OFFSET 0) q
                -- The same person leased by another campaign right now, or under a provisional code of theirs (a row an
                -- import could not move while it was leased, see ProvisionalSuccession): wait for that lease.
                LEFT   JOIN LATERAL (
                           SELECT max(o.lease_expires_at) AS until
                           FROM   call_queue o
                           WHERE  o.person_cf IN (SELECT q.person_cf UNION ALL SELECT p.cf FROM people p WHERE p.successor_cf = q.person_cf)
                             AND  o.id <> q.id AND o.state = 'leased' AND o.lease_expires_at > @now
                       ) busy ON true
                CROSS  JOIN LATERAL (
                    SELECT CASE
                        -- A provisional code an import linked to its successor while this row was leased: the person's
                        -- state (objections, attempts, their own row) is under the successor now (docs/dialing-safety.md).
                        WHEN EXISTS (SELECT 1 FROM people p WHERE p.cf = q.person_cf AND p.successor_cf IS NOT NULL)
                             THEN 'superseded_by_successor'
                    END AS verdict
                    OFFSET 0                                              -- evaluated once per row, not once per use
                ) v
            ),
            kept AS (
                -- Claimed: due again when the lease expires. Person busy elsewhere: due again when that lease expires.
                UPDATE call_queue_ready r
                SET    due_at = CASE WHEN k.busy_until IS NULL THEN CAST(@leaseUntil AS timestamptz) ELSE k.busy_until END
                FROM   checked k
                WHERE  r.queue_id = k.id AND k.verdict IS NULL
            ),
            blocked AS (
                DELETE FROM call_queue_ready r USING checked k
                WHERE  r.queue_id = k.id AND k.verdict IS NOT NULL
            ),
            finished_entries AS (
                UPDATE contact_list_entries e
                SET    state = 'completed'
                FROM   checked k JOIN call_queue q ON q.id = k.id
                WHERE  k.finishes AND e.id = q.contact_list_entry_id AND e.state = 'in_progress'
            ),
            updated AS (
                UPDATE call_queue q
                SET    state            = CASE WHEN k.finishes THEN 'done' ELSE 'leased' END,
                       lease_owner      = CASE WHEN NOT k.finishes THEN @workerId END,
                       lease_expires_at = CASE WHEN NOT k.finishes THEN CAST(@leaseUntil AS timestamptz) END,
                       lease_token      = CASE WHEN NOT k.finishes THEN gen_random_uuid() END,
                       hold_reason      = CASE WHEN NOT k.finishes THEN q.hold_reason END,
                       not_before       = CASE WHEN NOT k.finishes THEN q.not_before END,
                       finished_reason  = k.verdict,
                       updated_at       = @now
                FROM   checked k
                WHERE  q.id = k.id AND k.busy_until IS NULL
                RETURNING q.id AS "Id", q.campaign_id AS "CampaignId", q.person_cf AS "PersonCf", q.phone_e164 AS "PhoneE164",
                          q.comune_code AS "ComuneCode", q.priority AS "Priority", q.contact_list_entry_id AS "ContactListEntryId",
                          q.attempts AS "Attempts", q.last_outcome AS "LastOutcome", q.state AS "State",
                          q.lease_token AS "LeaseToken", q.lease_expires_at AS "LeaseExpiresAt"
            )
            SELECT "Id", "CampaignId", "PersonCf", "PhoneE164", "ComuneCode", "Priority", "ContactListEntryId", "Attempts",
                   "LastOutcome", "State", "LeaseToken", "LeaseExpiresAt"
            FROM   updated
            ORDER  BY "Priority", "Id"
            """;
        var now = time.GetUtcNow();
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(promote) { Parameters = { P("campaignId", request.CampaignId), P("now", now), P("promoteBatch", PromoteBatch) } },
                new NpgsqlBatchCommand(claim)
                {
                    Parameters =
                    {
                        P("campaignId", request.CampaignId), P("now", now), P("max", max), P("workerId", request.WorkerId),
                        P("leaseUntil", now + request.Lease),
                    },
                },
            },
        };
        // Prepared once per physical connection, then reused: planning these statements costs more than running them.
        await batch.PrepareAsync(ct);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);   // past the promotion's set_config
        var rows = new List<ClaimRow>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new ClaimRow(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetInt64(6),
                reader.GetInt32(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetGuid(10), reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11)));
        }
        return rows;
    }

    static NpgsqlParameter<T> P<T>(string name, T value) => new(name, value);

    /// <summary>
    /// Applies a batch of completions in one durable transaction. A completion whose lease token is no longer the row's
    /// (its lease expired and another worker claimed it, or it was already completed) is rejected, reported and not applied.
    /// Nothing is applied if any completion is malformed.
    /// </summary>
    public async Task<CompletionResult> CompleteAsync(IReadOnlyList<QueueCompletion> completions, CancellationToken ct)
    {
        Validate(completions);
        if (completions.Count == 0) return new CompletionResult(0, []);
        var now = time.GetUtcNow();

        const string sql = """
            WITH input AS (
                SELECT *
                FROM   unnest(CAST(@ids AS bigint[]), CAST(@tokens AS uuid[]), CAST(@kinds AS text[]), CAST(@ats AS timestamptz[]),
                              CAST(@reasons AS text[]), CAST(@outcomes AS text[]), CAST(@dials AS boolean[]))
                       AS t(queue_id, token, kind, at, reason, outcome, dialed)
            ),
            locked AS (
                -- The ready row first, as the claim does: a claimer holding it finishes before we look at the queue row.
                SELECT r.queue_id
                FROM   call_queue_ready r
                WHERE  r.queue_id = ANY(@ids)
                ORDER  BY r.queue_id
                FOR UPDATE
            ),
            applied AS (
                UPDATE call_queue q
                SET    state            = CASE WHEN i.kind = 'finish' THEN 'done' ELSE 'queued' END,
                       due_at           = CASE WHEN i.kind = 'finish' THEN q.due_at ELSE i.at END,
                       attempts         = q.attempts + CASE WHEN i.dialed THEN 1 ELSE 0 END,
                       hold_reason      = CASE WHEN i.kind = 'finish' THEN NULL ELSE i.reason END,
                       not_before       = CASE WHEN i.kind = 'finish' THEN NULL ELSE i.at END,
                       last_outcome     = coalesce(i.outcome, q.last_outcome),
                       finished_reason  = CASE WHEN i.kind = 'finish' THEN i.reason END,
                       lease_owner      = NULL,
                       lease_expires_at = NULL,
                       lease_token      = NULL,
                       updated_at       = @now
                FROM   input i JOIN locked l ON l.queue_id = i.queue_id
                WHERE  q.id = i.queue_id AND q.state = 'leased' AND q.lease_token = i.token
                RETURNING q.id, q.campaign_id, q.priority, q.person_cf, q.contact_list_entry_id, i.kind, i.at, i.dialed
            ),
            back_now AS (
                UPDATE call_queue_ready r SET due_at = a.at
                FROM   applied a
                WHERE  r.queue_id = a.id AND a.kind <> 'finish' AND a.at <= @now
            ),
            off_ready AS (
                DELETE FROM call_queue_ready r USING applied a
                WHERE  r.queue_id = a.id AND (a.kind = 'finish' OR a.at > @now)
            ),
            later AS (
                INSERT INTO call_queue_delayed (queue_id, campaign_id, priority, due_at)
                SELECT id, campaign_id, priority, at FROM applied WHERE kind <> 'finish' AND at > @now
            ),
            entries AS (
                UPDATE contact_list_entries e
                SET    state = CASE WHEN a.kind = 'finish' AND e.state = 'in_progress' THEN 'completed' ELSE e.state END,
                       last_contacted_at = CASE WHEN a.dialed THEN @now ELSE e.last_contacted_at END
                FROM   applied a
                WHERE  e.id = a.contact_list_entry_id AND (a.kind = 'finish' OR a.dialed)
            ),
            woken AS (
                SELECT pg_notify('call_queue', campaign_id || ':' || count(*))
                FROM   applied
                WHERE  kind <> 'finish' AND at <= @now
                GROUP  BY campaign_id
            )
            SELECT coalesce(array_agg(id), '{}') AS applied, (SELECT count(*) FROM woken)::int AS notified
            FROM   applied
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(sql, conn)
        {
            Parameters =
            {
                P("ids", completions.Select(c => c.QueueId).ToArray()),
                P("tokens", completions.Select(c => c.LeaseToken).ToArray()),
                P("kinds", completions.Select(c => KindCode(c.Kind)).ToArray()),
                P("ats", completions.Select(c => (c.At ?? now).ToUniversalTime()).ToArray()),   // a finish has no time: ignored
                P("reasons", completions.Select(c => c.Reason).ToArray()),
                P("outcomes", completions.Select(c => c.Outcome).ToArray()),
                P("dials", completions.Select(c => c.IsDial).ToArray()),
                P("now", now),
                P("today", CallingCalendar.LocalDate(now)),
            },
        };
        await command.PrepareAsync(ct);
        long[] appliedIds;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            appliedIds = reader.GetFieldValue<long[]>(0);
        }
        var applied = appliedIds.ToHashSet();
        var rejected = completions.Select(c => c.QueueId).Where(id => !applied.Contains(id)).ToList();
        if (rejected.Count > 0)
            logger.LogWarning("Rejected {Count} queue completions with a stale lease token (queue ids {QueueIds})", rejected.Count, rejected);
        return new CompletionResult(applied.Count, rejected);
    }

    /// <summary>Extends a live lease (a long preview session) to <paramref name="lease"/> from now; false if the token is stale.</summary>
    public async Task<bool> ExtendLeaseAsync(long queueId, Guid leaseToken, TimeSpan lease, CancellationToken ct)
    {
        if (lease <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(lease), lease, "The lease must be positive.");
        const string sql = """
            WITH locked AS (
                SELECT queue_id FROM call_queue_ready WHERE queue_id = @queueId FOR UPDATE
            ),
            extended AS (
                UPDATE call_queue q
                SET    lease_expires_at = @until, updated_at = @now
                FROM   locked l
                WHERE  q.id = l.queue_id AND q.state = 'leased' AND q.lease_token = @leaseToken
                RETURNING q.id
            )
            UPDATE call_queue_ready r SET due_at = @until
            FROM   extended e
            WHERE  r.queue_id = e.id
            """;
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { queueId, leaseToken, now, until = now + lease }, cancellationToken: ct)) == 1;
    }

    /// <summary>
    /// Waits for a NOTIFY for the campaign (an enqueue, or an operator of it becoming available: OperatorRoster) or
    /// <paramref name="maxWait"/>. The dialing loop waits so while every operator is busy: work that is due cannot be
    /// dialed until someone is free. Returns true when woken.
    /// </summary>
    public async Task<bool> WaitForNotifyAsync(long campaignId, TimeSpan maxWait, CancellationToken ct)
    {
        await listener.EnsureListeningAsync(maxWait, ct);
        using var signal = listener.Subscribe(campaignId);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(maxWait, time, timeout.Token);
        var first = await Task.WhenAny(signal.Woken, delay);
        await timeout.CancelAsync();
        ct.ThrowIfCancellationRequested();
        return first == signal.Woken;
    }

    /// <summary>
    /// Waits until the campaign may have work: at once if something is due, else until a NOTIFY for it (an enqueue,
    /// a retry due now), the next due time (a retry, a hold, an expiring lease) or <paramref name="maxWait"/>, the safety
    /// poll. One statement per call. Returns true when work should be there, false on a plain timeout.
    /// </summary>
    public async Task<bool> WaitForWorkAsync(long campaignId, TimeSpan maxWait, CancellationToken ct)
    {
        // Listening, then subscribed, then looking: work committed before the look is seen by it, and the NOTIFY of work
        // committed after it reaches the subscription.
        await listener.EnsureListeningAsync(maxWait, ct);
        using var signal = listener.Subscribe(campaignId);

        const string sql = """
            SELECT CASE
                WHEN EXISTS (SELECT 1 FROM call_queue_ready WHERE campaign_id = @campaignId AND due_at <= @now) THEN @now
                -- nothing due: the ready table holds only live leases, few
                ELSE least((SELECT min(due_at) FROM call_queue_ready WHERE campaign_id = @campaignId),
                           (SELECT min(due_at) FROM call_queue_delayed WHERE campaign_id = @campaignId))
            END
            """;
        var now = time.GetUtcNow();
        DateTime? next;
        await using (var conn = await db.OpenConnectionAsync(ct))
            next = await conn.ExecuteScalarAsync<DateTime?>(new CommandDefinition(sql, new { campaignId, now }, cancellationToken: ct));
        if (next is { } due && new DateTimeOffset(due, TimeSpan.Zero) <= now) return true;

        var wait = maxWait;
        if (next is { } n && new DateTimeOffset(n, TimeSpan.Zero) - now < wait) wait = new DateTimeOffset(n, TimeSpan.Zero) - now;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(wait, time, timeout.Token);
        var first = await Task.WhenAny(signal.Woken, delay);
        await timeout.CancelAsync();
        ct.ThrowIfCancellationRequested();
        return first == signal.Woken || (next is not null && wait < maxWait);
    }

    /// <summary>
    /// Counts of the campaign's rows at <paramref name="now"/>: claimable, leased, held or waiting per reason, finished per
    /// reason. Guard failures appear under their reason once a claim has met the row; rows no claim has reached yet that
    /// would fail a guard count as ready (the diagnostics compute those).
    /// </summary>
    public async Task<QueueHoldCounts> HoldCountsAsync(long campaignId, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            SELECT CASE WHEN state = 'done' THEN 'done'
                        WHEN state = 'leased' AND lease_expires_at > @now THEN 'leased'
                        WHEN state = 'queued' AND due_at > @now THEN 'held'
                        ELSE 'ready' END AS "Bucket",
                   CASE WHEN state = 'done' THEN coalesce(finished_reason, 'unspecified')
                        WHEN state = 'queued' AND due_at > @now THEN coalesce(hold_reason, 'scheduled') END AS "Reason",
                   count(*) AS "Count"
            FROM   call_queue
            WHERE  campaign_id = @campaignId
            GROUP  BY 1, 2
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<(string Bucket, string? Reason, long Count)>(new CommandDefinition(sql,
            new { campaignId, now = now.ToUniversalTime() }, cancellationToken: ct))).ToList();
        return new QueueHoldCounts(
            rows.Where(r => r.Bucket == "ready").Sum(r => r.Count),
            rows.Where(r => r.Bucket == "leased").Sum(r => r.Count),
            rows.Where(r => r.Bucket == "held").ToDictionary(r => r.Reason!, r => r.Count, StringComparer.Ordinal),
            rows.Where(r => r.Bucket == "done").ToDictionary(r => r.Reason!, r => r.Count, StringComparer.Ordinal));
    }

    public ValueTask DisposeAsync() => listener.DisposeAsync();

    static void Validate(IReadOnlyList<QueueCompletion> completions)
    {
        var errors = new List<string>();
        var seen = new HashSet<long>();
        for (var i = 0; i < completions.Count; i++)
        {
            var c = completions[i];
            if (!seen.Add(c.QueueId)) errors.Add($"completion {i}: queue id {c.QueueId} is completed twice in this batch");
            if (c.Outcome is { } o && !QueueVocabulary.Outcomes.Contains(o)) errors.Add($"completion {i}: \"{o}\" is not a provider outcome");
            switch (c.Kind)
            {
                case QueueCompletionKind.Retry or QueueCompletionKind.Hold when c.At is null:
                    errors.Add($"completion {i}: a {c.Kind.ToString().ToLowerInvariant()} needs a time");
                    break;
                case QueueCompletionKind.Hold when c.Reason is null || !QueueVocabulary.Reasons.Contains(c.Reason):
                case QueueCompletionKind.Retry when c.Reason is not null && !QueueVocabulary.Reasons.Contains(c.Reason):
                    errors.Add($"completion {i}: \"{c.Reason}\" is not a reason not to dial (e.g. retry_delay_busy, outside_calling_window)");
                    break;
                case QueueCompletionKind.Finish when c.Reason is null
                    || !(QueueVocabulary.Reasons.Contains(c.Reason) || QueueVocabulary.Dispositions.Contains(c.Reason)
                         || QueueVocabulary.Outcomes.Contains(c.Reason)):
                    errors.Add($"completion {i}: \"{c.Reason}\" is neither a disposition code, a provider outcome nor a reason not to dial");
                    break;
            }
        }
        if (errors.Count > 0) throw new ArgumentException("No completion was applied: " + string.Join("; ", errors), nameof(completions));
    }

    static string KindCode(QueueCompletionKind kind) => kind switch
    {
        QueueCompletionKind.Retry => "retry",
        QueueCompletionKind.Hold => "hold",
        QueueCompletionKind.Finish => "finish",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };



    sealed record ClaimRow(long Id, long CampaignId, string PersonCf, string PhoneE164, string? ComuneCode, int Priority,
        long? ContactListEntryId, int Attempts, string? LastOutcome, string State, Guid? LeaseToken, DateTimeOffset? LeaseExpiresAt)
    {
        public ClaimedContact ToClaimed() => new(Id, CampaignId, PersonCf, PhoneE164, ComuneCode, Priority, ContactListEntryId,
            Attempts, LastOutcome, LeaseToken!.Value, LeaseExpiresAt!.Value);
    }
}
