namespace Dialer.Core.Outcomes;

/// <summary>A call-back whose time has come. <see cref="OperatorIdentity"/> is set for a personal one (that operator calls back).</summary>
public sealed record DueCallback(long Id, long AttemptId, long CampaignId, string PersonCf, string PhoneE164, DateTimeOffset DueAt, long? OperatorId,
    string? OperatorIdentity);

/// <summary>
/// The call-backs people asked for (written by the call_back disposition), for the engine: it takes the due ones and
/// queues them under the contact policy. States: scheduled → queued → done, or canceled.
/// </summary>
public sealed class CallbackList(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>
    /// Takes up to <paramref name="limit"/> scheduled call-backs due now, earliest first, and marks them queued in the same
    /// statement (SKIP LOCKED: two replicas never take the same one).
    /// </summary>
    public async Task<IReadOnlyList<DueCallback>> TakeDueAsync(int limit, CancellationToken ct)
    {
        const string sql = """
            WITH due AS (
                SELECT id FROM callbacks
                WHERE  state = 'scheduled' AND due_at <= @now
                ORDER  BY due_at, id
                LIMIT  @limit
                FOR UPDATE SKIP LOCKED
            ), taken AS (
                UPDATE callbacks c SET state = 'queued' FROM due WHERE c.id = due.id
                RETURNING c.id, c.attempt_id, c.campaign_id, c.person_cf, c.phone_e164, c.due_at, c.operator_id
            )
            SELECT t.id AS Id, t.attempt_id AS AttemptId, t.campaign_id AS CampaignId, t.person_cf AS PersonCf, t.phone_e164 AS PhoneE164,
                   t.due_at AS DueAt, t.operator_id AS OperatorId, o.identity AS OperatorIdentity
            FROM   taken t LEFT JOIN operators o ON o.id = t.operator_id
            ORDER  BY t.due_at, t.id
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(sql, new { now = time.GetUtcNow(), limit }, cancellationToken: ct));
        return rows.Select(r => new DueCallback(r.Id, r.AttemptId, r.CampaignId, r.PersonCf, r.PhoneE164,
            new DateTimeOffset(DateTime.SpecifyKind(r.DueAt, DateTimeKind.Utc)), r.OperatorId, r.OperatorIdentity)).ToList();
    }

    /// <summary>
    /// Personal call-backs still scheduled more than <paramref name="after"/> past their time become team call-backs, so
    /// that nobody waits for an operator who is away (VICIdial's callback_useronly_move_minutes). Returns how many.
    /// </summary>
    public async Task<int> OpenOverdueToTeamAsync(TimeSpan after, CancellationToken ct)
    {
        const string sql = """
            UPDATE callbacks SET operator_id = NULL
            WHERE  state IN ('scheduled', 'queued') AND operator_id IS NOT NULL AND due_at <= @cutoff
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { cutoff = time.GetUtcNow() - after }, cancellationToken: ct));
    }

    /// <summary>The call-back was made (done) or will not be (canceled: objection, expiry, the person was reached otherwise).</summary>
    public async Task<bool> CloseAsync(long id, bool done, CancellationToken ct)
    {
        const string sql = "UPDATE callbacks SET state = @state WHERE id = @id AND state IN ('scheduled', 'queued')";
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, state = done ? "done" : "canceled" }, cancellationToken: ct)) == 1;
    }

    sealed record Row(long Id, long AttemptId, long CampaignId, string PersonCf, string PhoneE164, DateTime DueAt, long? OperatorId, string? OperatorIdentity);
}
