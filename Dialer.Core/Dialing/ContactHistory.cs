using Dialer.Core.Database;
using Dialer.Core.Dialing.Policy;

namespace Dialer.Core.Dialing;

/// <summary>
/// What the contact policy needs to know about a person, in one statement, each fact from its one source: the attempts
/// of every campaign (the caps, the retry delay, the cool-off), the objection register (through
/// <c>objections_binding_on</c>, the one definition the selection uses too), the flagged numbers and the call-backs the
/// person asked for. Attempts made under a provisional code later linked to the person count for the person.
/// </summary>
public sealed class ContactHistory(NpgsqlDataSource db)
{
    /// <summary>How long a personal call-back waits for its operator before anyone free may make it.</summary>
    public static readonly TimeSpan PersonalCallbackGrace = TimeSpan.FromMinutes(15);

    public async Task<ContactFacts> FactsAsync(long campaignId, string personCf, string phoneE164, string? comune, DateTimeOffset now, CancellationToken ct)
    {
        // An attempt counts once a create was (or may have been) sent: not a preview nor one definitely never placed.
        const string sql = """
            WITH counted AS (
                SELECT created_at, ended_at, outcome, abandoned
                FROM   call_attempts
                WHERE  person_cf IN (SELECT @personCf UNION ALL SELECT p.cf FROM people p WHERE p.successor_cf = @personCf)
                  AND  state IN ('dialing', 'placed', 'ended')
            ), last_ended AS (
                SELECT outcome, ended_at FROM counted WHERE ended_at IS NOT NULL ORDER BY ended_at DESC LIMIT 1
            )
            SELECT (SELECT count(*)::int FROM counted WHERE created_at >= @dayStart)                AS AttemptsToday,
                   (SELECT count(*)::int FROM counted)                                              AS AttemptsTotal,
                   (SELECT outcome FROM last_ended)                                                 AS LastOutcome,
                   (SELECT ended_at FROM last_ended)                                                AS LastAttemptEndedAt,
                   (SELECT max(ended_at) FROM counted WHERE abandoned)                              AS LastAbandonedAt,
                   EXISTS (SELECT 1 FROM objections_binding_on(@today) b WHERE b.person_cf = @personCf)
                   OR EXISTS (SELECT 1 FROM objections_binding_on(@today) b WHERE b.phone_e164 = @phoneE164) AS ObjectionActive,
                   EXISTS (SELECT 1 FROM flagged_numbers f WHERE f.phone_e164 = @phoneE164)      AS NumberFlagged,
                   (SELECT min(c.due_at) FROM callbacks c
                    WHERE  c.campaign_id = @campaignId AND c.person_cf = @personCf AND c.state IN ('scheduled', 'queued')) AS CallbackAt,
                   (SELECT o.identity
                    FROM   callbacks c
                    JOIN   operators o ON o.id = c.operator_id
                    WHERE  c.campaign_id = @campaignId AND c.person_cf = @personCf AND c.state IN ('scheduled', 'queued')
                      AND  c.due_at > @overdue
                    ORDER  BY c.due_at
                    LIMIT  1)                                                                        AS CallbackOperator
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleAsync<FactsRow>(new CommandDefinition(sql,
            new { campaignId, personCf, phoneE164, dayStart = CallingCalendar.StartOfLocalDay(now),
                  today = CallingCalendar.LocalDate(now), overdue = now - PersonalCallbackGrace }, cancellationToken: ct));
        return new ContactFacts
        {
            Comune = comune,
            AttemptsToday = row.AttemptsToday,
            AttemptsTotal = row.AttemptsTotal,
            LastOutcome = row.LastOutcome,
            LastAttemptEndedAt = row.LastAttemptEndedAt.AsUtc(),
            LastAbandonedAt = row.LastAbandonedAt.AsUtc(),
            ObjectionActive = row.ObjectionActive,
            NumberFlagged = row.NumberFlagged,
            CallbackAt = row.CallbackAt.AsUtc(),
            CallbackOperator = row.CallbackOperator,
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

    /// <summary>Marks a call-back as queued (its contact reopened at the time the policy allows).</summary>
    public async Task CallbackQueuedAsync(long attemptId, CancellationToken ct)
    {
        const string sql = "UPDATE callbacks SET state = 'queued' WHERE attempt_id = @attemptId AND state = 'scheduled'";
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { attemptId }, cancellationToken: ct));
    }

    sealed record FactsRow(int AttemptsToday, int AttemptsTotal, string? LastOutcome, DateTime? LastAttemptEndedAt, DateTime? LastAbandonedAt,
        bool ObjectionActive, bool NumberFlagged, DateTime? CallbackAt, string? CallbackOperator);
}
