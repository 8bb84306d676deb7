using Dialer.Core.Telephony;

namespace Dialer.Core.Dialing;

/// <summary>A dial attempt to write before the call is created (table call_attempts, migration 0400).</summary>
public sealed record NewAttempt(long CampaignId, long? QueueId, Guid? QueueLease, string PersonCf, string PhoneE164, string Mode, long? OperatorId, bool IsCallback);

/// <summary>One row of call_attempts (times in UTC, as Npgsql reads timestamptz).</summary>
public sealed record CallAttempt(
    long Id,
    long CampaignId,
    long? QueueId,
    Guid? QueueLease,
    string PersonCf,
    string PhoneE164,
    string Mode,
    long? OperatorId,
    bool IsCallback,
    DateTime CreatedAt,
    DateTime? PlacedAt,
    string? CallSid,
    string State,
    DateTime? AnsweredAt,
    DateTime? EndedAt,
    string? Outcome,
    bool Abandoned,
    string? Disposition)
{
    /// <summary>The id as it travels in Twilio's callback URLs.</summary>
    public string AttemptKey => Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>What the provider's callbacks changed on an attempt, each reported once (the first caller to see it wins).</summary>
public sealed record AttemptTransition(CallAttempt Attempt, bool Answered, bool Ended);

/// <summary>
/// The attempts store. An attempt is written in state <c>dialing</c> before the create is sent, moves to <c>placed</c>
/// when Twilio confirms it (or reconciliation finds it), to <c>not_placed</c> when it definitely was never created, and
/// to <c>ended</c> with the provider's outcome when the call's final status arrives.
/// </summary>
public sealed class CallAttempts(NpgsqlDataSource db, TimeProvider time)
{
    const string Columns = """
        id AS Id, campaign_id AS CampaignId, queue_id AS QueueId, queue_lease AS QueueLease, person_cf AS PersonCf, phone_e164 AS PhoneE164, mode AS Mode,
        operator_id AS OperatorId, is_callback AS IsCallback, created_at AS CreatedAt, placed_at AS PlacedAt, call_sid AS CallSid,
        state AS State, answered_at AS AnsweredAt, ended_at AS EndedAt, outcome AS Outcome, abandoned AS Abandoned, disposition AS Disposition
        """;

    public async Task<CallAttempt> CreateAsync(NewAttempt attempt, CancellationToken ct)
    {
        const string sql = $"""
            INSERT INTO call_attempts (campaign_id, queue_id, queue_lease, person_cf, phone_e164, mode, operator_id, is_callback, created_at, state)
            VALUES (@CampaignId, @QueueId, @QueueLease, @PersonCf, @PhoneE164, @Mode, @OperatorId, @IsCallback, @now, @State)
            RETURNING {Columns}
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleAsync<CallAttempt>(new CommandDefinition(sql, new
        {
            attempt.CampaignId, attempt.QueueId, attempt.QueueLease, attempt.PersonCf, attempt.PhoneE164, attempt.Mode, attempt.OperatorId, attempt.IsCallback,
            now = time.GetUtcNow(),
            State = attempt.Mode == "preview" ? "preview" : "dialing",
        }, cancellationToken: ct));
    }

    public async Task<CallAttempt?> FindAsync(long id, CancellationToken ct)
    {
        const string sql = $"SELECT {Columns} FROM call_attempts WHERE id = @id";
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<CallAttempt>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    /// <summary>A preview the operator chose to call: from now on a create may be sent. False unless it was a preview.</summary>
    public async Task<bool> StartDialingAsync(long id, CancellationToken ct)
    {
        const string sql = "UPDATE call_attempts SET state = 'dialing', created_at = @now WHERE id = @id AND state = 'preview'";
        return await ExecuteAsync(sql, new { id, now = time.GetUtcNow() }, ct) == 1;
    }

    /// <summary>
    /// A preview skipped, by the operator with their <paramref name="reason"/> or by the sweep when its lease ran out:
    /// never dialed. False unless it was a preview.
    /// </summary>
    public async Task<bool> SkipAsync(long id, CancellationToken ct, string? reason = null)
    {
        const string sql = """
            UPDATE call_attempts SET state = 'not_placed', outcome = 'skipped', ended_at = @now, skip_reason = @reason
            WHERE  id = @id AND state = 'preview'
            """;
        return await ExecuteAsync(sql, new { id, now = time.GetUtcNow(), reason }, ct) == 1;
    }

    /// <summary>Removes an attempt nothing was sent for (no operator could be reserved): it never happened.</summary>
    public async Task DiscardAsync(long id, CancellationToken ct)
    {
        const string sql = "DELETE FROM call_attempts WHERE id = @id AND state IN ('preview', 'dialing') AND call_sid IS NULL";
        await ExecuteAsync(sql, new { id }, ct);
    }

    /// <summary>Flags a number so that no campaign dials it again (flagged_numbers); the first reason stays.</summary>
    public async Task FlagNumberAsync(string phoneE164, string reason, long? attemptId, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO flagged_numbers (phone_e164, reason, attempt_id, flagged_at)
            VALUES (@phoneE164, @reason, @attemptId, @now)
            ON CONFLICT (phone_e164) DO NOTHING
            """;
        await ExecuteAsync(sql, new { phoneE164, reason, attemptId, now = time.GetUtcNow() }, ct);
    }

    /// <summary>
    /// The create is about to be sent: true when it may be. The attempt's clock starts now, so the sweep (which reconciles
    /// creates unconfirmed for a while) never races a create still waiting for its calls-per-second slot, and sent_at
    /// records that the create may reach Twilio. False when the attempt was settled meanwhile (by the sweep) or no longer
    /// holds its contact's queue lease: another worker may be dialing the person, so nothing must be sent
    /// (docs/dialing-safety.md).
    /// </summary>
    public async Task<bool> MarkSendingAsync(long id, CancellationToken ct)
    {
        const string sql = """
            UPDATE call_attempts a SET created_at = @now, sent_at = @now
            WHERE  a.id = @id AND a.state = 'dialing'
              AND  (a.queue_id IS NULL
                    OR EXISTS (SELECT 1 FROM call_queue q
                               WHERE  q.id = a.queue_id AND q.state = 'leased' AND q.lease_token = a.queue_lease
                                 AND  q.lease_expires_at > @now))
            """;
        return await ExecuteAsync(sql, new { id, now = time.GetUtcNow() }, ct) == 1;
    }

    /// <summary>The person's open call-backs in the attempt's campaign are honoured by its call (placed).</summary>
    public async Task CallbacksHonouredAsync(CallAttempt attempt, CancellationToken ct)
    {
        const string sql = """
            UPDATE callbacks SET state = 'done'
            WHERE  campaign_id = @campaignId AND person_cf = @personCf AND state IN ('scheduled', 'queued')
            """;
        await ExecuteAsync(sql, new { campaignId = attempt.CampaignId, personCf = attempt.PersonCf }, ct);
    }

    /// <summary>Twilio has the call. False when the attempt was already confirmed or given up.</summary>
    public async Task<bool> MarkPlacedAsync(long id, string callSid, CancellationToken ct)
    {
        const string sql = """
            UPDATE call_attempts SET state = 'placed', call_sid = @callSid, placed_at = @now
            WHERE  id = @id AND state = 'dialing'
            """;
        return await ExecuteAsync(sql, new { id, callSid, now = time.GetUtcNow() }, ct) == 1;
    }

    /// <summary>The call definitely does not exist. False when the attempt had already moved on.</summary>
    public async Task<bool> MarkNotPlacedAsync(long id, CancellationToken ct)
    {
        const string sql = """
            UPDATE call_attempts SET state = 'not_placed', outcome = 'not_placed', ended_at = @now
            WHERE  id = @id AND state = 'dialing'
            """;
        return await ExecuteAsync(sql, new { id, now = time.GetUtcNow() }, ct) == 1;
    }

    /// <summary>
    /// Attempts created before <paramref name="before"/> whose create was never sent (their worker stopped between the
    /// claim and the create): the sweep settles them with <see cref="AbandonUnsentAsync"/>, without listing Twilio's calls.
    /// </summary>
    public async Task<IReadOnlyList<CallAttempt>> UnsentAsync(DateTimeOffset before, CancellationToken ct)
    {
        const string sql = $"SELECT {Columns} FROM call_attempts WHERE state = 'dialing' AND sent_at IS NULL AND created_at < @before ORDER BY created_at LIMIT 100";
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<CallAttempt>(new CommandDefinition(sql, new { before }, cancellationToken: ct))).AsList();
    }

    /// <summary>An attempt whose create was never sent is not placed. False when it was sent or settled meanwhile.</summary>
    public async Task<bool> AbandonUnsentAsync(long id, CancellationToken ct)
    {
        const string sql = """
            UPDATE call_attempts SET state = 'not_placed', outcome = 'not_placed', ended_at = @now
            WHERE  id = @id AND state = 'dialing' AND sent_at IS NULL
            """;
        return await ExecuteAsync(sql, new { id, now = time.GetUtcNow() }, ct) == 1;
    }

    /// <summary>
    /// Attempts whose create was sent before <paramref name="before"/> and is still unconfirmed: the sweep reconciles them.
    /// One is left for a later sweep while a newer create to the same number is unconfirmed too, because that create's
    /// call, listed by Twilio with no owner known yet, would look like this attempt's (docs/dialing-safety.md).
    /// </summary>
    public async Task<IReadOnlyList<CallAttempt>> UnconfirmedAsync(DateTimeOffset before, CancellationToken ct)
    {
        const string sql = $"""
            SELECT {Columns}
            FROM   call_attempts a
            WHERE  a.state = 'dialing' AND a.sent_at IS NOT NULL AND a.created_at < @before
              AND  NOT EXISTS (SELECT 1 FROM call_attempts o
                               WHERE  o.state = 'dialing' AND o.phone_e164 = a.phone_e164 AND o.id <> a.id AND o.sent_at > a.sent_at)
            ORDER  BY a.created_at
            LIMIT  100
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<CallAttempt>(new CommandDefinition(sql, new { before }, cancellationToken: ct))).AsList();
    }

    /// <summary>Previews shown before <paramref name="before"/> and never called nor skipped (the operator left the screen).</summary>
    public async Task<IReadOnlyList<CallAttempt>> StalePreviewsAsync(DateTimeOffset before, CancellationToken ct)
    {
        const string sql = $"SELECT {Columns} FROM call_attempts WHERE state = 'preview' AND created_at < @before ORDER BY created_at LIMIT 100";
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<CallAttempt>(new CommandDefinition(sql, new { before }, cancellationToken: ct))).AsList();
    }

    /// <summary>Placed attempts whose call has a final status that was not applied (a lost event): the sweep applies them.</summary>
    public async Task<IReadOnlyList<long>> EndedUnappliedAsync(CancellationToken ct)
    {
        const string sql = """
            SELECT a.id
            FROM   call_attempts a
            JOIN   provider_calls p ON p.call_sid = a.call_sid
            WHERE  a.state = 'placed' AND p.is_final
            LIMIT  100
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<long>(new CommandDefinition(sql, cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// Brings the attempt up to date with what Twilio reported for its call and the operator leg (its own status, or the
    /// &lt;Dial&gt; action's result kept in call_routes): picked up (answered_at),
    /// and, at the final status, the outcome and whether the call was abandoned (a person answered and no operator
    /// took it). Each change is made by one conditional UPDATE, so concurrent callers see each transition once.
    /// </summary>
    public async Task<AttemptTransition?> ApplyProviderStateAsync(long id, CancellationToken ct)
    {
        const string callsSql = """
            SELECT call_sid AS CallSid, parent_call_sid AS ParentCallSid, status AS Status, status_rank AS StatusRank,
                   is_final AS IsFinal, answered_by AS AnsweredBy
            FROM   provider_calls
            WHERE  attempt_id = @key
            """;
        const string answeredSql = $"""
            UPDATE call_attempts SET answered_at = @now, call_sid = coalesce(call_sid, @callSid),
                   state = CASE WHEN state = 'dialing' THEN 'placed' ELSE state END,
                   placed_at = coalesce(placed_at, @now)
            WHERE  id = @id AND answered_at IS NULL AND state IN ('dialing', 'placed')
            RETURNING {Columns}
            """;
        const string endedSql = $"""
            UPDATE call_attempts SET state = 'ended', outcome = @outcome, abandoned = @abandoned, ended_at = @now,
                   call_sid = coalesce(call_sid, @callSid), placed_at = coalesce(placed_at, @now)
            WHERE  id = @id AND state IN ('dialing', 'placed')
            RETURNING {Columns}
            """;
        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var conn = await db.OpenConnectionAsync(ct);
        var attempt = await conn.QuerySingleOrDefaultAsync<CallAttempt>(new CommandDefinition($"SELECT {Columns} FROM call_attempts WHERE id = @id",
            new { id }, cancellationToken: ct));
        if (attempt is null) return null;
        var calls = (await conn.QueryAsync<LegState>(new CommandDefinition(callsSql, new { key }, cancellationToken: ct))).AsList();
        // The person's leg: the attempt's own call, else (callback before the create's answer) the first parentless one.
        var person = calls.FirstOrDefault(c => c.CallSid == attempt.CallSid)
            ?? calls.Where(c => c.ParentCallSid is null).OrderBy(c => c.CallSid, StringComparer.Ordinal).FirstOrDefault();
        if (person is null) return new AttemptTransition(attempt, false, false);
        var dialStatus = await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT dial_status FROM call_routes WHERE attempt_id = @key", new { key }, cancellationToken: ct));
        var operatorAnswered = dialStatus is "completed" or "answered"
            || calls.Any(c => c.ParentCallSid == person.CallSid && c.StatusRank >= 3
                && c.Status is not (CallStatus.Busy or CallStatus.NoAnswer or CallStatus.Failed or CallStatus.Canceled));
        var machine = IsMachine(person.AnsweredBy);
        var pickedUp = person.StatusRank >= 3 && person.Status is CallStatus.InProgress or CallStatus.Completed;
        var now = time.GetUtcNow();

        var answered = false;
        if (pickedUp && !machine && attempt.AnsweredAt is null)
        {
            var updated = await conn.QuerySingleOrDefaultAsync<CallAttempt>(new CommandDefinition(answeredSql,
                new { id, now, callSid = person.CallSid }, cancellationToken: ct));
            if (updated is not null) (attempt, answered) = (updated, true);
        }
        var ended = false;
        if (person.IsFinal)
        {
            var outcome = person.Status switch
            {
                CallStatus.Busy => ProviderOutcomes.Busy,
                CallStatus.NoAnswer => ProviderOutcomes.NoAnswer,
                CallStatus.Failed => ProviderOutcomes.Failed,
                CallStatus.Canceled => ProviderOutcomes.Canceled,
                _ => machine ? ProviderOutcomes.Machine : ProviderOutcomes.Answered,
            };
            var abandoned = outcome == ProviderOutcomes.Answered && !operatorAnswered;
            var updated = await conn.QuerySingleOrDefaultAsync<CallAttempt>(new CommandDefinition(endedSql,
                new { id, now, callSid = person.CallSid, outcome, abandoned }, cancellationToken: ct));
            if (updated is not null) (attempt, ended) = (updated, true);
        }
        return new AttemptTransition(attempt, answered, ended);
    }

    /// <summary>One statement on its own connection; returns the rows it changed.</summary>
    async Task<int> ExecuteAsync(string sql, object args, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: ct));
    }

    /// <summary>Twilio's AnsweredBy values for a machine or a fax (docs/twilio-reference.md §2.5).</summary>
    public static bool IsMachine(string? answeredBy) =>
        answeredBy is not null && (answeredBy.StartsWith("machine", StringComparison.Ordinal) || answeredBy == "fax");

    sealed record LegState(string CallSid, string? ParentCallSid, string Status, short StatusRank, bool IsFinal, string? AnsweredBy);
}

/// <summary>The provider outcomes of an attempt (call_attempts.outcome).</summary>
public static class ProviderOutcomes
{
    public const string Answered = "answered";
    public const string Busy = "busy";
    public const string NoAnswer = "no_answer";
    public const string Machine = "machine";
    public const string Failed = "failed";
    public const string Canceled = "canceled";
    public const string NotPlaced = "not_placed";
}
