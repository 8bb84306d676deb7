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

/// <summary>A notice imported with a defect in a secondary field, as listed to IT staff beside the quarantine.</summary>
public sealed record NoticeWarningRecord
{
    public long Id { get; init; }
    public string FileName { get; init; } = "";
    public long Position { get; init; }
    public string NoticeCode { get; init; } = "";
    public string Field { get; init; } = "";
    public string Reason { get; init; } = "";
    public string Message { get; init; } = "";
    public DateTime ImportedAt { get; init; }
}

/// <summary>The records imports could not take, and the data-quality warnings of those they took, newest first.</summary>
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

    public async Task<IReadOnlyList<NoticeWarningRecord>> ListWarningsAsync(string? reason, int limit, CancellationToken ct)
    {
        const string sql = """
            SELECT id, file_name AS FileName, position, notice_code AS NoticeCode, field, reason, message, imported_at AS ImportedAt
            FROM   notice_warnings
            WHERE  (@reason::text IS NULL OR reason = @reason)
            ORDER  BY id DESC
            LIMIT  @limit
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<NoticeWarningRecord>(new CommandDefinition(sql, new { reason, limit }, cancellationToken: ct));
        return rows.ToList();
    }
}
