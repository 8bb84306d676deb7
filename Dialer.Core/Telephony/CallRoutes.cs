namespace Dialer.Core.Telephony;

/// <summary>
/// Where an answered call goes. <paramref name="OperatorTarget"/> is <c>client:&lt;identity&gt;</c> or an E.164 number,
/// or null when nobody is reserved (the person then hears the Italian "cannot connect" message).
/// </summary>
public sealed record CallRoute(string AttemptId, string? OperatorTarget, string JobCentreName, string CallbackNumber);

/// <summary>The routes of answered calls by attempt id (table call_routes, migration 0201).</summary>
public sealed class CallRoutes(NpgsqlDataSource db)
{
    /// <summary>Sets (or replaces) the route of an attempt: the dialing engine calls this with the reserved operator before the create.</summary>
    public async Task SetAsync(CallRoute route, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO call_routes (attempt_id, operator_target, job_centre_name, callback_number)
            VALUES (@AttemptId, @OperatorTarget, @JobCentreName, @CallbackNumber)
            ON CONFLICT (attempt_id) DO UPDATE
            SET    operator_target = EXCLUDED.operator_target,
                   job_centre_name = EXCLUDED.job_centre_name,
                   callback_number = EXCLUDED.callback_number
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, route, cancellationToken: ct));
    }

    /// <summary>Records how the dial to the operator ended (the &lt;Dial&gt; action's DialCallStatus); unknown values are ignored.</summary>
    public async Task RecordDialResultAsync(string attemptId, string dialCallStatus, CancellationToken ct)
    {
        const string sql = """
            UPDATE call_routes SET dial_status = @dialCallStatus
            WHERE  attempt_id = @attemptId AND @dialCallStatus IN ('completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled')
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { attemptId, dialCallStatus }, cancellationToken: ct));
    }

    public async Task<CallRoute?> FindAsync(string attemptId, CancellationToken ct)
    {
        const string sql = """
            SELECT attempt_id, operator_target, job_centre_name, callback_number
            FROM   call_routes
            WHERE  attempt_id = @attemptId
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<CallRoute>(new CommandDefinition(sql, new { attemptId }, cancellationToken: ct));
    }
}
