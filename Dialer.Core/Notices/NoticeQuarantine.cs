namespace Dialer.Core.Notices;

/// <summary>A quarantined record as listed to IT staff.</summary>
public sealed record QuarantinedRecord
{
    public long Id { get; init; }
    public string FileName { get; init; } = "";
    public long Position { get; init; }
    public string Reason { get; init; } = "";
    public string Message { get; init; } = "";
    public string Raw { get; init; } = "";
    public DateTime ImportedAt { get; init; }
}

/// <summary>The records imports could not take, newest first.</summary>
public sealed class NoticeQuarantine(NpgsqlDataSource db)
{
    public async Task<IReadOnlyList<QuarantinedRecord>> ListAsync(string? reason, int limit, CancellationToken ct)
    {
        const string sql = """
            SELECT id, file_name AS FileName, position, reason, message, raw, imported_at AS ImportedAt
            FROM   notice_quarantine
            WHERE  (@reason::text IS NULL OR reason = @reason)
            ORDER  BY id DESC
            LIMIT  @limit
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<QuarantinedRecord>(new CommandDefinition(sql, new { reason, limit }, cancellationToken: ct));
        return rows.ToList();
    }
}
