namespace Dialer.Core.Dialing;

/// <summary>
/// When an import links a provisional codice fiscale to its definitive successor (<c>people.successor_cf</c>), the
/// person's dialing state follows them: queue rows, contact-list entries, active objections and open
/// call-backs recorded under the provisional code move to the successor (docs/dialing-safety.md, "Provisional codes").
/// Run by both import paths inside the import's transaction, after people are written. Idempotent and generic (every
/// linked code, not only this import's), and cheap because few people are provisional: each statement starts from the
/// partial index <c>people_successor</c> and looks the dialing tables up by their person indexes.
/// </summary>
public static class ProvisionalSuccession
{
    /// <summary>The queue's finished reason for a provisional code's row whose successor was already queued in the campaign.</summary>
    public const string SupersededReason = "superseded_by_successor";

    public static async Task FollowAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        foreach (var sql in (string[])[LockQueueSql, QueueSql, EntriesSql, ObjectionsSql, CallbacksSql])
            await conn.ExecuteAsync(new CommandDefinition(sql, transaction: tx, cancellationToken: ct, commandTimeout: 0));
    }

    // The ready rows of superseded codes first, as the claim and the completion lock them (ready row, then queue row):
    // a claimer holding one finishes before the queue row is looked at, and nobody deadlocks. Held to the import's commit.
    const string LockQueueSql = """
        SELECT r.queue_id
        FROM   people p
        JOIN   call_queue q ON q.person_cf = p.cf
        JOIN   call_queue_ready r ON r.queue_id = q.id
        WHERE  p.successor_cf IS NOT NULL
        ORDER  BY r.queue_id
        FOR UPDATE OF r
        """;

    // A row of a superseded code is re-keyed to the successor unless the successor already has a row in that campaign
    // (or another superseded code of the same person got there first): then, if it is waiting, it is finished as the
    // claim finishes a row (out of the ready/delayed tables, its contact-list entry completed). A leased row that cannot
    // be re-keyed is left to its worker: CallQueue's claim does not lease the successor's row while it is leased and
    // finishes it as superseded when it next comes up, and its completion counts a dial for the successor. Finished
    // rows (done) that cannot be re-keyed stay as history under the code they were made with.
    const string QueueSql = """
        WITH superseded AS (
            SELECT q.id, p.successor_cf,
                   NOT EXISTS (SELECT 1 FROM call_queue s WHERE s.campaign_id = q.campaign_id AND s.person_cf = p.successor_cf)
                   AND row_number() OVER (PARTITION BY q.campaign_id, p.successor_cf ORDER BY q.id) = 1 AS rekey
            FROM   people p
            JOIN   call_queue q ON q.person_cf = p.cf
            WHERE  p.successor_cf IS NOT NULL
        ),
        rekeyed AS (
            UPDATE call_queue q SET person_cf = s.successor_cf
            FROM   superseded s
            WHERE  q.id = s.id AND s.rekey
        ),
        finished AS (
            UPDATE call_queue q
            SET    state = 'done', finished_reason = 'superseded_by_successor', hold_reason = NULL, not_before = NULL,
                   updated_at = now()
            FROM   superseded s
            WHERE  q.id = s.id AND NOT s.rekey AND q.state = 'queued'
            RETURNING q.id, q.contact_list_entry_id
        ),
        off_ready AS (
            DELETE FROM call_queue_ready r USING finished f WHERE r.queue_id = f.id
        ),
        off_delayed AS (
            DELETE FROM call_queue_delayed d USING finished f WHERE d.queue_id = f.id
        )
        UPDATE contact_list_entries e
        SET    state = 'completed'
        FROM   finished f
        WHERE  e.id = f.contact_list_entry_id AND e.state = 'in_progress'
        """;

    // Contact-list entries follow the same rule (unique per campaign and person): re-keyed, or, when the successor has
    // its own entry in the campaign, withdrawn if still pending (so that feeding the queue cannot queue the person twice).
    const string EntriesSql = """
        WITH superseded AS (
            SELECT e.id, p.successor_cf,
                   NOT EXISTS (SELECT 1 FROM contact_list_entries s WHERE s.campaign_id = e.campaign_id AND s.person_cf = p.successor_cf)
                   AND row_number() OVER (PARTITION BY e.campaign_id, p.successor_cf ORDER BY e.id) = 1 AS rekey
            FROM   people p
            JOIN   contact_list_entries e ON e.person_cf = p.cf
            WHERE  p.successor_cf IS NOT NULL
        ),
        rekeyed AS (
            UPDATE contact_list_entries e SET person_cf = s.successor_cf
            FROM   superseded s
            WHERE  e.id = s.id AND s.rekey
        )
        UPDATE contact_list_entries e SET state = 'withdrawn'
        FROM   superseded s
        WHERE  e.id = s.id AND NOT s.rekey AND e.state = 'pending'
        """;

    // objections.person_cf always names the person (ObjectionRegister resolves a linked code as it records one):
    // every check of "this person objected" then reads person_cf alone. The code it was recorded under stays in recorded_cf.
    const string ObjectionsSql = """
        UPDATE objections o
        SET    person_cf = p.successor_cf, recorded_cf = coalesce(o.recorded_cf, o.person_cf)
        FROM   people p
        WHERE  p.successor_cf IS NOT NULL AND o.person_cf = p.cf AND o.withdrawn_on IS NULL
        """;

    const string CallbacksSql = """
        UPDATE callbacks c
        SET    person_cf = p.successor_cf
        FROM   people p
        WHERE  p.successor_cf IS NOT NULL AND c.person_cf = p.cf AND c.state IN ('scheduled', 'queued')
        """;
}
