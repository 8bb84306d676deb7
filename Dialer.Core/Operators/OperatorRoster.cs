using MassTransit;
using Microsoft.Extensions.Logging;

namespace Dialer.Core.Operators;

/// <summary>
/// Operator presence: the operator's own moves (sign in, available, pause, sign out), the engine's moves around a call
/// (reserve, connect, release, end call) and the wrap-up limit. Every move updates operator_presence and appends to
/// operator_presence_history in the same statement, timestamped by the injected clock, and is published as
/// <see cref="OperatorPresenceChanged"/> once committed (hosts without a bus, such as the CLI's one-shot commands, publish nothing).
/// </summary>
public sealed class OperatorRoster(NpgsqlDataSource db, TimeProvider time, ILogger<OperatorRoster> logger, IBus? bus = null)
{
    public Task<OperatorPresence> SignInAsync(string identity, CancellationToken ct) =>
        OperatorMoveAsync(identity, PresenceRules.SignIn, Text.T("entrare in servizio", "go on duty"), ct);

    public Task<OperatorPresence> SignOutAsync(string identity, CancellationToken ct) =>
        OperatorMoveAsync(identity, PresenceRules.SignOut, Text.T("uscire dal servizio", "go off duty"), ct);

    public Task<OperatorPresence> SetAvailableAsync(string identity, CancellationToken ct) =>
        OperatorMoveAsync(identity, PresenceRules.SetAvailable, Text.T("rendersi disponibile", "become available"), ct);

    public Task<OperatorPresence> PauseAsync(string identity, PauseReason reason, CancellationToken ct) =>
        OperatorMoveAsync(identity, p => PresenceRules.Pause(p, reason), Text.T("andare in pausa", "pause"), ct);

    /// <summary>"Altro tempo": the wrap-up's deadline moves <see cref="PresenceRules.WrapUpExtension"/> later.</summary>
    public Task<OperatorPresence> ExtendWrapUpAsync(string identity, CancellationToken ct) =>
        OperatorMoveAsync(identity, p => PresenceRules.ExtendWrapUp(p, time.GetUtcNow()), Text.T("avere altro tempo", "get more time"), ct);

    /// <summary>
    /// Reserves the available operator idle the longest who may take calls for the campaign, for this attempt, and
    /// records them on the attempt (call_attempts.operator_id). One statement: two concurrent calls never get the same
    /// operator (the row is locked with SKIP LOCKED). Null when nobody is available.
    /// </summary>
    public Task<ReservedOperator?> TryReserveAsync(long campaignId, long attemptId, CancellationToken ct) =>
        ReserveAsync(null, campaignId, attemptId, ct);

    /// <summary>Reserves this operator (preview: the operator who asked for the next contact) if they are available for the campaign.</summary>
    public Task<ReservedOperator?> TryReserveAsync(string identity, long campaignId, long attemptId, CancellationToken ct) =>
        ReserveAsync(identity, campaignId, attemptId, ct);

    /// <summary>Active operators available now who may take calls for the campaign.</summary>
    public async Task<int> CountAvailableAsync(long campaignId, CancellationToken ct)
    {
        const string sql = $"""
            SELECT count(*)::int
            FROM   operator_presence p
            JOIN   operators o ON o.id = p.operator_id
            WHERE  p.state = 'available' AND o.active AND {MayTakeCampaign}
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<int>(new CommandDefinition(sql, new { campaignId }, cancellationToken: ct));
    }

    /// <summary>reserved → available when the reserved call was not answered (or was skipped). False if the operator is not reserved for it.</summary>
    public Task<bool> ReleaseAsync(long operatorId, long attemptId, CancellationToken ct) =>
        EngineMoveAsync(operatorId, p => PresenceRules.Release(p, attemptId), ct);

    /// <summary>reserved → on_call when the person answered. False if the operator is not reserved for this attempt.</summary>
    public Task<bool> ConnectAsync(long operatorId, long attemptId, CancellationToken ct) =>
        EngineMoveAsync(operatorId, p => PresenceRules.Connect(p, attemptId), ct);

    /// <summary>reserved or on_call → available when the operator never talked to the person (machine, abandoned). False if not theirs.</summary>
    public Task<bool> FreeAsync(long operatorId, long attemptId, CancellationToken ct) =>
        EngineMoveAsync(operatorId, p => PresenceRules.Free(p, attemptId), ct);

    /// <summary>on_call → wrap_up with deadline now + <paramref name="wrapUpLimit"/>. False if the operator is not on this call.</summary>
    public Task<bool> EndCallAsync(long operatorId, long attemptId, TimeSpan wrapUpLimit, CancellationToken ct) =>
        EngineMoveAsync(operatorId, p => PresenceRules.EndCall(p, attemptId, time.GetUtcNow() + wrapUpLimit), ct);

    /// <summary>
    /// Operators still in wrap-up past their deadline move to paused with reason wrap_up_overrun, still owing the
    /// disposition (a supervisor sees them). One set-based statement; the pause starts at the deadline. Returns how many moved.
    /// </summary>
    public async Task<int> EnforceWrapUpLimitsAsync(DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            WITH moved AS (
                UPDATE operator_presence
                SET    state = 'paused', pause_reason = 'wrap_up_overrun', since = wrap_up_deadline, wrap_up_deadline = NULL
                WHERE  state = 'wrap_up' AND wrap_up_deadline <= @now
                RETURNING operator_id, attempt_id, since, pause_requested
            ), logged AS (
                INSERT INTO operator_presence_history (operator_id, state, pause_reason, attempt_id, at)
                SELECT operator_id, 'paused', 'wrap_up_overrun', attempt_id, since FROM moved
            )
            SELECT m.operator_id AS OperatorId, o.identity AS Identity, m.since AS Since, m.pause_requested IS NOT NULL AS PauseAfterCall
            FROM   moved m JOIN operators o ON o.id = m.operator_id
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var moved = (await conn.QueryAsync<OverrunRow>(new CommandDefinition(sql, new { now = now.ToUniversalTime() }, cancellationToken: ct))).ToList();
        if (moved.Count > 0) logger.LogWarning("{Count} operator(s) overran the wrap-up limit: paused with reason wrap_up_overrun", moved.Count);
        var at = time.GetUtcNow();
        foreach (var row in moved)
            await PublishAsync(row.OperatorId, row.Identity, PresenceState.Paused, PauseReason.WrapUpOverrun, row.PauseAfterCall, Utc(row.Since), at, ct);
        return moved.Count;
    }

    /// <summary>Publishes the operator's presence as it is now (the caller has committed the move).</summary>
    public Task PublishAsync(OperatorPresence presence, CancellationToken ct) =>
        PublishAsync(presence.OperatorId, presence.Identity, presence.State, presence.PauseReason, presence.PauseAfterCall, presence.Since,
            time.GetUtcNow(), ct);

    async Task PublishAsync(long operatorId, string identity, PresenceState state, PauseReason? reason, bool pauseAfterCall, DateTimeOffset since,
        DateTimeOffset at, CancellationToken ct)
    {
        if (bus is null) return;
        await bus.Publish(new OperatorPresenceChanged(operatorId, identity, SnakeCase.Of(state), reason is { } r ? SnakeCase.Of(r) : null,
            pauseAfterCall, since, at), ct);
    }

    public async Task<OperatorPresence?> FindAsync(string identity, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<PresenceRow>(new CommandDefinition(
            SelectPresence + " WHERE o.identity = @identity", new { identity }, cancellationToken: ct));
        return row?.ToPresence();
    }

    /// <summary>Every operator (active or not, signed in or not) with their presence, by identity.</summary>
    public async Task<IReadOnlyList<OperatorPresence>> ListAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<PresenceRow>(new CommandDefinition(SelectPresence + " ORDER BY o.identity", cancellationToken: ct));
        return rows.Select(r => r.ToPresence()).ToList();
    }

    /// <summary>
    /// For reports: time each operator spent in each state (paused per reason) within [from, to), from the history.
    /// A state lasts until the operator's next move; the current state counts up to <paramref name="to"/>. Signed-out time is left out.
    /// </summary>
    public async Task<IReadOnlyList<PresenceTime>> TimeInStatesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        const string sql = """
            WITH spans AS (
                SELECT h.operator_id, h.state, h.pause_reason, h.at AS starts,
                       coalesce(lead(h.at) OVER (PARTITION BY h.operator_id ORDER BY h.at, h.id), @to) AS ends
                FROM   operator_presence_history h
                WHERE  h.at < @to
            )
            SELECT s.operator_id AS OperatorId, o.identity AS Identity, s.state AS State, s.pause_reason AS PauseReason,
                   sum(extract(epoch FROM least(s.ends, @to) - greatest(s.starts, @from)))::float8 AS Seconds
            FROM   spans s
            JOIN   operators o ON o.id = s.operator_id
            WHERE  s.ends > @from AND s.state <> 'signed_out'
            GROUP  BY s.operator_id, o.identity, s.state, s.pause_reason
            HAVING sum(extract(epoch FROM least(s.ends, @to) - greatest(s.starts, @from))) > 0
            ORDER  BY o.identity, s.state, s.pause_reason
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        // Npgsql writes only UTC DateTimeOffsets to timestamptz.
        var rows = await conn.QueryAsync<TimeRow>(new CommandDefinition(sql, new { from = from.ToUniversalTime(), to = to.ToUniversalTime() },
            cancellationToken: ct));
        return rows.Select(r => new PresenceTime(r.OperatorId, r.Identity, SnakeCase.Parse<PresenceState>(r.State),
            r.PauseReason is null ? null : SnakeCase.Parse<PauseReason>(r.PauseReason), TimeSpan.FromSeconds(r.Seconds))).ToList();
    }

    /// <summary>
    /// Locks the operator's presence row in the caller's transaction, asks <paramref name="decide"/> where to go and
    /// moves there (presence + history). Null target: nothing changes. Used by the dispositions, in their transaction.
    /// </summary>
    internal async Task<(OperatorPresence Presence, bool Moved)> MoveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long? operatorId,
        string? identity, Func<OperatorPresence, bool, PresenceTarget?> decide, CancellationToken ct)
    {
        const string lockSql = SelectPresence + """
             WHERE p.operator_id = coalesce(@operatorId, (SELECT id FROM operators WHERE identity = @identity))
            FOR UPDATE OF p
            """;
        const string moveSql = """
            WITH moved AS (
                UPDATE operator_presence
                SET    state = @State, pause_reason = @PauseReason, since = @At, attempt_id = @AttemptId, wrap_up_deadline = @WrapUpDeadline,
                       pause_requested = @PauseRequested,
                       pause_requested_at = CASE WHEN @PauseRequested::text IS NULL THEN NULL ELSE coalesce(pause_requested_at, @At) END
                WHERE  operator_id = @OperatorId
                RETURNING operator_id, state, pause_reason, attempt_id, since
            )
            INSERT INTO operator_presence_history (operator_id, state, pause_reason, attempt_id, at)
            SELECT operator_id, state, pause_reason, attempt_id, since FROM moved
            """;
        const string requestSql = """
            UPDATE operator_presence
            SET    pause_requested = @pauseRequested, wrap_up_deadline = @WrapUpDeadline,
                   pause_requested_at = CASE WHEN @pauseRequested::text IS NULL THEN NULL
                                             WHEN pause_requested IS NOT DISTINCT FROM @pauseRequested::text THEN pause_requested_at ELSE @at END
            WHERE  operator_id = @OperatorId
            """;
        var row = await conn.QuerySingleOrDefaultAsync<PresenceRow>(new CommandDefinition(lockSql, new { operatorId, identity }, tx, cancellationToken: ct))
            ?? throw new OperatorNotFoundException(identity ?? $"#{operatorId}");
        var current = row.ToPresence();
        if (decide(current, row.Active) is not { } target) return (current, false);

        var at = time.GetUtcNow();
        var pauseRequested = target.PauseRequested is { } asked ? SnakeCase.Of(asked) : null;
        if (target.State == current.State && target.PauseReason == current.PauseReason && target.AttemptId == current.AttemptId)
        {
            // Only the pause asked for after the call, or the wrap-up's deadline (Altro tempo), changes: the state and its
            // start stay, no history row (the time in wrap-up is one stretch).
            await conn.ExecuteAsync(new CommandDefinition(requestSql, new { pauseRequested, at, target.WrapUpDeadline, current.OperatorId }, tx,
                cancellationToken: ct));
            logger.LogInformation("Operator {OperatorId}: pause after the call {Requested}, wrap-up until {Deadline}", current.OperatorId,
                pauseRequested ?? "none", target.WrapUpDeadline);
            return (current with { PauseRequested = target.PauseRequested, WrapUpDeadline = target.WrapUpDeadline }, true);
        }
        await conn.ExecuteAsync(new CommandDefinition(moveSql, new
        {
            State = SnakeCase.Of(target.State),
            PauseReason = target.PauseReason is { } r ? SnakeCase.Of(r) : null,
            At = at,
            target.AttemptId,
            target.WrapUpDeadline,
            PauseRequested = pauseRequested,
            current.OperatorId,
        }, tx, cancellationToken: ct));
        if (target.State == PresenceState.Available)
            await conn.ExecuteAsync(new CommandDefinition(AvailableNotifySql, new { current.OperatorId }, tx, cancellationToken: ct));
        logger.LogInformation("Operator {OperatorId}: {From} → {To}{Reason}", current.OperatorId, SnakeCase.Of(current.State),
            SnakeCase.Of(target.State), target.PauseReason is { } reason ? $" ({SnakeCase.Of(reason)})" : "");
        return (current with { State = target.State, PauseReason = target.PauseReason, Since = at, AttemptId = target.AttemptId,
            WrapUpDeadline = target.WrapUpDeadline, PauseRequested = target.PauseRequested }, true);
    }

    async Task<OperatorPresence> OperatorMoveAsync(string identity, Func<OperatorPresence, PresenceTarget?> decide, string move, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var (presence, moved) = await MoveAsync(conn, tx, null, identity, (current, active) => active
            ? decide(current)
            : throw new PresenceMoveRefusedException(Text.T($"{identity} è disattivato e non può {move}: un amministratore deve riattivarlo.", $"{identity} is deactivated and cannot {move}: an administrator must reactivate them.")), ct);
        await tx.CommitAsync(ct);
        if (moved) await PublishAsync(presence, ct);
        return presence;
    }

    async Task<bool> EngineMoveAsync(long operatorId, Func<OperatorPresence, PresenceTarget?> decide, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var (presence, moved) = await MoveAsync(conn, tx, operatorId, null, (current, _) => decide(current), ct);
        await tx.CommitAsync(ct);
        if (moved) await PublishAsync(presence, ct);
        return moved;
    }

    async Task<ReservedOperator?> ReserveAsync(string? identity, long campaignId, long attemptId, CancellationToken ct)
    {
        const string sql = $"""
            WITH picked AS (
                SELECT p.operator_id
                FROM   operator_presence p
                JOIN   operators o ON o.id = p.operator_id
                WHERE  p.state = 'available' AND o.active AND (@identity::text IS NULL OR o.identity = @identity) AND {MayTakeCampaign}
                ORDER  BY p.since, p.operator_id
                LIMIT  1
                FOR UPDATE OF p SKIP LOCKED
            ), moved AS (
                UPDATE operator_presence p
                SET    state = 'reserved', since = @now, attempt_id = @attemptId, pause_reason = NULL, wrap_up_deadline = NULL,
                       pause_requested = NULL, pause_requested_at = NULL
                FROM   picked
                WHERE  p.operator_id = picked.operator_id
                RETURNING p.operator_id
            ), logged AS (
                INSERT INTO operator_presence_history (operator_id, state, attempt_id, at)
                SELECT operator_id, 'reserved', @attemptId, @now FROM moved
            ), assigned AS (
                UPDATE call_attempts a SET operator_id = moved.operator_id FROM moved WHERE a.id = @attemptId
            )
            SELECT o.id AS OperatorId, o.identity AS Identity, o.phone_e164 AS Phone
            FROM   moved JOIN operators o ON o.id = moved.operator_id
            """;
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<ReservedRow>(new CommandDefinition(sql,
            new { identity, campaignId, attemptId, now }, cancellationToken: ct));
        if (row is null) return null;
        logger.LogInformation("Operator {OperatorId} reserved for attempt {AttemptId}", row.OperatorId, attemptId);
        await PublishAsync(row.OperatorId, row.Identity, PresenceState.Reserved, null, false, now, now, ct);
        return new ReservedOperator(row.OperatorId, row.Identity, row.Phone ?? "client:" + row.Identity);
    }

    // An operator with no operator_campaigns rows takes calls for every campaign.
    // An operator free for work wakes the dialing loops waiting on each active campaign she may take (CallQueue.WaitForNotifyAsync),
    // at commit: while every operator is busy the loops wait for this rather than spin over work nobody can take.
    const string AvailableNotifySql = $"""
        SELECT pg_notify('{Dialing.Queue.CallQueue.Channel}', c.id || ':1')
        FROM   campaigns c
        WHERE  c.active
          AND  (NOT EXISTS (SELECT 1 FROM operator_campaigns oc WHERE oc.operator_id = @OperatorId)
                OR EXISTS (SELECT 1 FROM operator_campaigns oc WHERE oc.operator_id = @OperatorId AND oc.campaign_id = c.id))
        """;

    const string MayTakeCampaign = """
        (NOT EXISTS (SELECT 1 FROM operator_campaigns c WHERE c.operator_id = p.operator_id)
         OR EXISTS (SELECT 1 FROM operator_campaigns c WHERE c.operator_id = p.operator_id AND c.campaign_id = @campaignId))
        """;

    const string SelectPresence = """
        SELECT p.operator_id AS OperatorId, o.identity AS Identity, o.display_name AS DisplayName, o.active AS Active, p.state AS State,
               p.pause_reason AS PauseReason, p.since AS Since, p.attempt_id AS AttemptId, p.wrap_up_deadline AS WrapUpDeadline,
               p.pause_requested AS PauseRequested
        FROM   operator_presence p
        JOIN   operators o ON o.id = p.operator_id
        """;

    sealed record PresenceRow(long OperatorId, string Identity, string DisplayName, bool Active, string State, string? PauseReason,
        DateTime Since, long? AttemptId, DateTime? WrapUpDeadline, string? PauseRequested)
    {
        public OperatorPresence ToPresence() => new(OperatorId, Identity, DisplayName, SnakeCase.Parse<PresenceState>(State),
            PauseReason is null ? null : SnakeCase.Parse<PauseReason>(PauseReason), Utc(Since), AttemptId,
            WrapUpDeadline is { } d ? Utc(d) : null, PauseRequested is null ? null : SnakeCase.Parse<PauseReason>(PauseRequested));
    }

    sealed record ReservedRow(long OperatorId, string Identity, string? Phone);

    sealed record OverrunRow(long OperatorId, string Identity, DateTime Since, bool PauseAfterCall);

    sealed record TimeRow(long OperatorId, string Identity, string State, string? PauseReason, double Seconds);

    internal static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
