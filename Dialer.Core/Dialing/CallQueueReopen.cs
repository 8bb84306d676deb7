namespace Dialer.Core.Dialing.Queue;

public sealed partial class CallQueue
{
    /// <summary>
    /// Reopens a contact that is not leased (finished, or waiting) so it comes due at <paramref name="at"/> with the reason
    /// on the row: a call-back the person asked for. False when the row is leased right now (a call in progress) or unknown.
    /// </summary>
    public async Task<bool> ReopenAsync(long queueId, DateTimeOffset at, string reason, CancellationToken ct)
    {
        if (!QueueVocabulary.Reasons.Contains(reason)) throw new ArgumentException($"\"{reason}\" is not a reason not to dial.", nameof(reason));
        const string reopen = """
            UPDATE call_queue
            SET    state = 'queued', due_at = @at, hold_reason = @reason, not_before = @at, finished_reason = NULL, updated_at = @now
            WHERE  id = @queueId AND state IN ('queued', 'done')
            RETURNING campaign_id
            """;
        const string place = """
            DELETE FROM call_queue_ready WHERE queue_id = @queueId;
            DELETE FROM call_queue_delayed WHERE queue_id = @queueId;
            INSERT INTO call_queue_delayed (queue_id, campaign_id, priority, due_at)
            SELECT id, campaign_id, priority, due_at FROM call_queue WHERE id = @queueId;
            UPDATE contact_list_entries e SET state = 'in_progress'
            FROM   call_queue q
            WHERE  q.id = @queueId AND e.id = q.contact_list_entry_id AND e.state = 'completed';
            """;
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var campaign = await conn.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(reopen, new { queueId, at, reason, now }, tx, cancellationToken: ct));
        if (campaign is null) return false;
        // Due times in the past are promoted by the next claim like any other delayed row.
        await conn.ExecuteAsync(new CommandDefinition(place, new { queueId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>A finished contact's reason becomes the operator's disposition code (it was the provider outcome until then).</summary>
    public async Task SetFinishedReasonAsync(long queueId, string disposition, CancellationToken ct)
    {
        if (!QueueVocabulary.Dispositions.Contains(disposition)) throw new ArgumentException($"\"{disposition}\" is not a disposition code.", nameof(disposition));
        const string sql = "UPDATE call_queue SET finished_reason = @disposition WHERE id = @queueId AND state = 'done'";
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { queueId, disposition }, cancellationToken: ct));
    }
}
