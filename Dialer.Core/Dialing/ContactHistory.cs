using Dialer.Core.Dialing.Policy;

namespace Dialer.Core.Dialing;

/// <summary>
/// What the contact policy needs to know about a person, read from the attempts of every campaign, the objection
/// register, the flagged numbers and the call-backs the person asked for (one statement).
/// </summary>
public sealed class ContactHistory(NpgsqlDataSource db)
{
    public async Task<ContactFacts> FactsAsync(long campaignId, string personCf, string phoneE164, string? comune, DateTimeOffset now, CancellationToken ct)
    {
        // An attempt counts once a create was (or may have been) sent: not a preview nor one definitely never placed.
        const string sql = """
            WITH counted AS (
                SELECT created_at, ended_at, outcome, abandoned
                FROM   call_attempts
                WHERE  person_cf = @personCf AND state IN ('dialing', 'placed', 'ended')
            ), last_ended AS (
                SELECT outcome, ended_at FROM counted WHERE ended_at IS NOT NULL ORDER BY ended_at DESC LIMIT 1
            )
            SELECT (SELECT count(*)::int FROM counted WHERE created_at >= @dayStart)                AS AttemptsToday,
                   (SELECT count(*)::int FROM counted)                                              AS AttemptsTotal,
                   (SELECT outcome FROM last_ended)                                                 AS LastOutcome,
                   (SELECT ended_at FROM last_ended)                                                AS LastAttemptEndedAt,
                   (SELECT max(ended_at) FROM counted WHERE abandoned)                              AS LastAbandonedAt,
                   EXISTS (SELECT 1 FROM objections o
                           WHERE  o.withdrawn_on IS NULL AND o.objected_on <= @today
                             AND  (o.person_cf = @personCf OR o.phone_e164 = @phoneE164))                  AS ObjectionActive,
                   EXISTS (SELECT 1 FROM flagged_numbers f WHERE f.phone_e164 = @phoneE164)      AS NumberFlagged,
                   (SELECT min(c.due_at) FROM callbacks c
                    WHERE  c.campaign_id = @campaignId AND c.person_cf = @personCf AND c.state IN ('scheduled', 'queued')) AS CallbackAt
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleAsync<FactsRow>(new CommandDefinition(sql,
            new { campaignId, personCf, phoneE164, dayStart = CallingCalendar.StartOfLocalDay(now),
                  today = CallingCalendar.LocalDate(now).ToDateTime(TimeOnly.MinValue) }, cancellationToken: ct));
        return new ContactFacts
        {
            Comune = comune,
            AttemptsToday = row.AttemptsToday,
            AttemptsTotal = row.AttemptsTotal,
            LastOutcome = row.LastOutcome,
            LastAttemptEndedAt = Utc(row.LastAttemptEndedAt),
            LastAbandonedAt = Utc(row.LastAbandonedAt),
            ObjectionActive = row.ObjectionActive,
            NumberFlagged = row.NumberFlagged,
            CallbackAt = Utc(row.CallbackAt),
        };
    }

    /// <summary>
    /// Whether the contact-list entry a queued contact came from has expired (its campaign's <c>contactListDays</c> passed
    /// while it waited in the queue): it is then not dialed, and the entry is marked expired.
    /// </summary>
    public async Task<bool> ExpireIfPastAsync(long? contactListEntryId, DateTimeOffset now, CancellationToken ct)
    {
        if (contactListEntryId is null) return false;
        const string sql = """
            UPDATE contact_list_entries SET state = 'expired'
            WHERE  id = @contactListEntryId AND expires_on < @today AND state IN ('pending', 'in_progress')
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql,
            new { contactListEntryId, today = CallingCalendar.LocalDate(now) }, cancellationToken: ct)) == 1;
    }

    /// <summary>How long a personal call-back waits for its operator before anyone free may make it.</summary>
    public static readonly TimeSpan PersonalCallbackGrace = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The operator a personal call-back of this person belongs to (the earliest still open), unless it is more than
    /// <see cref="PersonalCallbackGrace"/> overdue: then the team takes it, so nobody waits for an operator who is away.
    /// </summary>
    public async Task<string?> PersonalCallbackOperatorAsync(long campaignId, string personCf, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            SELECT o.identity
            FROM   callbacks c
            JOIN   operators o ON o.id = c.operator_id
            WHERE  c.campaign_id = @campaignId AND c.person_cf = @personCf AND c.state IN ('scheduled', 'queued')
              AND  c.due_at > @overdue
            ORDER  BY c.due_at
            LIMIT  1
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition(sql,
            new { campaignId, personCf, overdue = now - PersonalCallbackGrace }, cancellationToken: ct));
    }

    /// <summary>The person's open call-backs for the campaign were honoured by the call just placed.</summary>
    public async Task CallbacksDoneAsync(long campaignId, string personCf, CancellationToken ct)
    {
        const string sql = """
            UPDATE callbacks SET state = 'done'
            WHERE  campaign_id = @campaignId AND person_cf = @personCf AND state IN ('scheduled', 'queued')
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { campaignId, personCf }, cancellationToken: ct));
    }

    /// <summary>Marks a call-back as queued (its contact reopened at the time the policy allows).</summary>
    public async Task CallbackQueuedAsync(long attemptId, CancellationToken ct)
    {
        const string sql = "UPDATE callbacks SET state = 'queued' WHERE attempt_id = @attemptId AND state = 'scheduled'";
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { attemptId }, cancellationToken: ct));
    }

    static DateTimeOffset? Utc(DateTime? at) => at is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

    sealed record FactsRow(int AttemptsToday, int AttemptsTotal, string? LastOutcome, DateTime? LastAttemptEndedAt, DateTime? LastAbandonedAt,
        bool ObjectionActive, bool NumberFlagged, DateTime? CallbackAt);
}
