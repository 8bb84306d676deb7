namespace Dialer.Core.Telephony;

/// <summary>The calls as Twilio reports them (tables provider_calls and provider_call_events, migration 0200).</summary>
public sealed class ProviderCallStore(NpgsqlDataSource db)
{
    /// <summary>
    /// Stores callbacks in one transaction, idempotently per (CallSid, SequenceNumber): a redelivered callback is
    /// ignored, and a call's status only moves forward (a final status is never overwritten, whatever arrives late).
    /// Returns one result per callback, in order.
    /// </summary>
    public async Task<IReadOnlyList<RecordedStatus>> RecordAsync(IReadOnlyList<StatusCallback> callbacks, CancellationToken ct)
    {
        // One statement for the whole batch, so group commit costs one round trip and one fsync. Within the
        // batch the highest-ranked new event per call wins (DISTINCT ON), because ON CONFLICT DO UPDATE may
        // touch a row only once per statement; rows are upserted in call_sid order so concurrent batches
        // from other API replicas lock in the same order.
        const string sql = """
            WITH incoming AS (
                SELECT *
                FROM   unnest(@CallSids, @AttemptIds, @ParentCallSids, @Statuses, @Ranks, @Sequences,
                              @AnsweredBy, @Durations, @SipCodes, @Payloads::jsonb[], @ReceivedAt)
                       AS t(call_sid, attempt_id, parent_call_sid, status, status_rank, sequence_number,
                            answered_by, duration_seconds, sip_response_code, payload, received_at)
            ), inserted AS (
                INSERT INTO provider_call_events (call_sid, kind, sequence_number, status, payload, received_at)
                SELECT call_sid, 'status', sequence_number, status, payload, received_at
                FROM   incoming
                ON CONFLICT ON CONSTRAINT provider_call_events_once DO NOTHING      -- a redelivery: already stored
                RETURNING call_sid, sequence_number
            ), latest AS (
                SELECT DISTINCT ON (i.call_sid) i.*
                FROM   incoming i
                JOIN   inserted n USING (call_sid, sequence_number)
                ORDER  BY i.call_sid, i.status_rank DESC, i.sequence_number DESC
            ), applied AS (
                INSERT INTO provider_calls AS c (call_sid, attempt_id, parent_call_sid, status, status_rank, sequence_number,
                                                 is_final, answered_by, duration_seconds, sip_response_code, created_at, updated_at)
                SELECT call_sid, attempt_id, parent_call_sid, status, status_rank, sequence_number,
                       status_rank = 4, answered_by, duration_seconds, sip_response_code, received_at, received_at
                FROM   latest
                ORDER  BY call_sid
                ON CONFLICT (call_sid) DO UPDATE
                SET    status            = EXCLUDED.status,
                       status_rank       = EXCLUDED.status_rank,
                       sequence_number   = EXCLUDED.sequence_number,
                       is_final          = EXCLUDED.is_final,
                       attempt_id        = COALESCE(c.attempt_id, EXCLUDED.attempt_id),
                       parent_call_sid   = COALESCE(c.parent_call_sid, EXCLUDED.parent_call_sid),
                       answered_by       = COALESCE(EXCLUDED.answered_by, c.answered_by),
                       duration_seconds  = COALESCE(EXCLUDED.duration_seconds, c.duration_seconds),
                       sip_response_code = COALESCE(EXCLUDED.sip_response_code, c.sip_response_code),
                       updated_at        = EXCLUDED.updated_at
                WHERE  NOT c.is_final                                                -- a final status never regresses
                  AND  (EXCLUDED.status_rank > c.status_rank
                        OR (EXCLUDED.status_rank = c.status_rank AND EXCLUDED.sequence_number > c.sequence_number))
                RETURNING call_sid, sequence_number
            )
            SELECT n.call_sid, n.sequence_number, a.call_sid IS NOT NULL AS applied
            FROM   inserted n
            LEFT   JOIN applied a USING (call_sid, sequence_number);
            """;
        if (callbacks.Count == 0) return [];
        var args = new
        {
            CallSids = callbacks.Select(c => c.CallSid).ToArray(),
            AttemptIds = callbacks.Select(c => c.AttemptId).ToArray(),
            ParentCallSids = callbacks.Select(c => c.ParentCallSid).ToArray(),
            Statuses = callbacks.Select(c => c.Status).ToArray(),
            Ranks = callbacks.Select(c => (short)(CallStatus.Rank(c.Status) ?? throw new ArgumentException($"Unknown call status '{c.Status}'."))).ToArray(),
            Sequences = callbacks.Select(c => c.SequenceNumber).ToArray(),
            AnsweredBy = callbacks.Select(c => c.AnsweredBy).ToArray(),
            Durations = callbacks.Select(c => c.DurationSeconds).ToArray(),
            SipCodes = callbacks.Select(c => c.SipResponseCode).ToArray(),
            Payloads = callbacks.Select(c => c.PayloadJson).ToArray(),
            ReceivedAt = callbacks.Select(c => c.ReceivedAt.UtcDateTime).ToArray(),
        };
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string CallSid, int SequenceNumber, bool Applied)>(new CommandDefinition(sql, args, cancellationToken: ct));
        var stored = rows.ToDictionary(r => (r.CallSid, r.SequenceNumber), r => r.Applied);

        // A callback delivered twice in the same batch is new only the first time.
        var results = new RecordedStatus[callbacks.Count];
        for (var i = 0; i < callbacks.Count; i++)
        {
            var key = (callbacks[i].CallSid, callbacks[i].SequenceNumber);
            results[i] = stored.Remove(key, out var applied) ? new RecordedStatus(true, applied) : new RecordedStatus(false, false);
        }
        return results;
    }

    /// <summary>Stores the AMD verdict once per call; returns false for a redelivery.</summary>
    public async Task<bool> RecordAmdAsync(AmdCallback amd, CancellationToken ct)
    {
        // The verdict comes after the answer, so a call first seen through it is in progress; sequence -1 lets
        // the in-progress callback itself (and anything later) still apply when it arrives.
        const string sql = """
            WITH inserted AS (
                INSERT INTO provider_call_events (call_sid, kind, sequence_number, status, payload, received_at)
                VALUES (@CallSid, 'amd', 0, NULL, @PayloadJson::jsonb, @ReceivedAt)
                ON CONFLICT ON CONSTRAINT provider_call_events_once DO NOTHING
                RETURNING call_sid
            ), upserted AS (
                INSERT INTO provider_calls AS c (call_sid, attempt_id, status, status_rank, sequence_number, is_final,
                                                 answered_by, created_at, updated_at)
                SELECT call_sid, @AttemptId, 'in-progress', 3, -1, false, @AnsweredBy, @ReceivedAt, @ReceivedAt
                FROM   inserted
                ON CONFLICT (call_sid) DO UPDATE
                SET    answered_by = EXCLUDED.answered_by,
                       attempt_id  = COALESCE(c.attempt_id, EXCLUDED.attempt_id)
                RETURNING call_sid
            )
            SELECT count(*) FROM inserted;
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition(sql,
            new { amd.CallSid, amd.AttemptId, amd.AnsweredBy, amd.PayloadJson, ReceivedAt = amd.ReceivedAt.UtcDateTime }, cancellationToken: ct)) == 1;
    }

    public async Task<ProviderCallState?> FindAsync(string callSid, CancellationToken ct)
    {
        const string sql = """
            SELECT call_sid, attempt_id, parent_call_sid, status, sequence_number, is_final,
                   answered_by, duration_seconds, sip_response_code, updated_at
            FROM   provider_calls
            WHERE  call_sid = @callSid
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<ProviderCallState>(new CommandDefinition(sql, new { callSid }, cancellationToken: ct));
    }

    /// <summary>The top-level calls (not operator legs) a callback has tied to this attempt, oldest first.</summary>
    public async Task<IReadOnlyList<string>> CallSidsOfAttemptAsync(string attemptId, CancellationToken ct)
    {
        const string sql = """
            SELECT call_sid
            FROM   provider_calls
            WHERE  attempt_id = @attemptId
              AND  parent_call_sid IS NULL
            ORDER  BY created_at, call_sid
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<string>(new CommandDefinition(sql, new { attemptId }, cancellationToken: ct))).AsList();
    }

    /// <summary>Which attempt each of these calls belongs to, for those a callback or a confirmed create has already tied to one.</summary>
    public async Task<IReadOnlyDictionary<string, string>> AttemptsOfAsync(IReadOnlyCollection<string> callSids, CancellationToken ct)
    {
        // The attempt a callback tied the call to, else the attempt whose create returned it (or that reconciliation
        // gave it to) before any callback arrived: either way the call is not another attempt's to take.
        const string sql = """
            SELECT call_sid, attempt_id
            FROM   provider_calls
            WHERE  call_sid = ANY(@callSids)
              AND  attempt_id IS NOT NULL
            UNION ALL
            SELECT call_sid, CAST(id AS text)
            FROM   call_attempts
            WHERE  call_sid = ANY(@callSids)
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string CallSid, string AttemptId)>(new CommandDefinition(sql, new { callSids = callSids.ToArray() }, cancellationToken: ct));
        return rows.GroupBy(r => r.CallSid, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().AttemptId, StringComparer.Ordinal);
    }
}
