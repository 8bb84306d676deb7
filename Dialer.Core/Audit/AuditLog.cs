using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text;
using Dialer.Core.Database;

namespace Dialer.Core.Audit;

/// <summary>
/// Which rows of the audit log to read. <see cref="From"/> is inclusive and <see cref="To"/> exclusive; the text filters
/// match exactly (the codice fiscale in upper case). Pages go newest first by id: <see cref="Before"/> gives the page of
/// older rows, <see cref="After"/> the page of newer ones (the links of <see cref="AuditPage"/>).
/// </summary>
public sealed record AuditQuery
{
    public const int DefaultPageSize = 50;

    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public string? Actor { get; init; }
    public string? Action { get; init; }
    public string? PersonCf { get; init; }
    public long? Before { get; init; }
    public long? After { get; init; }
    public int PageSize { get; init; } = DefaultPageSize;
}

/// <summary>A row of the audit log; <see cref="Detail"/> is its JSON as stored.</summary>
public sealed record AuditRecord(
    long Id, DateTimeOffset At, string Actor, string? ActorRole, string Action, string? PersonCf, string? Subject, string? Detail, string? ClientIp);

/// <summary>
/// A page of the audit log, newest first. <see cref="Older"/> is the <see cref="AuditQuery.Before"/> of the next page
/// (older rows) and <see cref="Newer"/> the <see cref="AuditQuery.After"/> of the previous one; null when there is none.
/// </summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Entries, long? Older, long? Newer);

/// <summary>
/// The audit log (table audit_log, migration 0510; docs/audit.md): append-only, written by the capabilities that show or
/// change personal data, read by admins a page at a time or as CSV, purged only by <see cref="PurgeAsync"/>.
/// </summary>
public sealed partial class AuditLog(NpgsqlDataSource db, TimeProvider time)
{
    public const int MaxPageSize = 200;

    const string Insert = """
        INSERT INTO audit_log (at, actor, actor_role, action, person_cf, subject, detail, client_ip)
        VALUES (@at, @actor, @actorRole, @action, @personCf, @subject, CAST(@detail AS jsonb), @clientIp)
        """;

    const string Columns = """
        id AS Id, at AS At, actor AS Actor, actor_role AS ActorRole, action AS Action, person_cf AS PersonCf,
        subject AS Subject, detail::text AS Detail, client_ip AS ClientIp
        """;

    /// <summary>Records one entry, at the current time, in its own statement.</summary>
    /// <exception cref="ArgumentException">The entry has no actor, an action that is not lower-case letters and underscores, or a detail that is not a JSON object.</exception>
    public async Task RecordAsync(AuditEntry entry, CancellationToken ct)
    {
        var parameters = Parameters(entry);
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(Insert, parameters, cancellationToken: ct));
    }

    /// <summary>
    /// Records one entry on the caller's connection and transaction, so that a change and its audit row commit (or roll
    /// back) together.
    /// </summary>
    public Task RecordAsync(AuditEntry entry, NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(Insert, Parameters(entry), transaction, cancellationToken: ct));

    /// <summary>
    /// Records an entry about call attempt <paramref name="attemptId"/>: the person is the attempt's (read in the same
    /// statement, so the codice fiscale never travels through the API to be audited) and the subject "attempt:{id}".
    /// Nothing is written for an attempt that does not exist. With <paramref name="oncePerHour"/> an identical entry (same
    /// actor, action, attempt and detail) already written in the last hour is not written again: a page that redraws the
    /// same card at every event records one view, not one per redraw.
    /// </summary>
    public async Task RecordForAttemptAsync(AuditEntry entry, long attemptId, bool oncePerHour, CancellationToken ct)
    {
        var parameters = new DynamicParameters(Parameters(entry with { PersonCf = null, Subject = $"attempt:{attemptId}" }));
        parameters.Add("attemptId", attemptId);
        parameters.Add("oncePerHour", oncePerHour);
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO audit_log (at, actor, actor_role, action, person_cf, subject, detail, client_ip)
            SELECT @at, @actor, @actorRole, @action, a.person_cf, @subject, CAST(@detail AS jsonb), @clientIp
            FROM   call_attempts a
            WHERE  a.id = @attemptId
              AND  NOT (@oncePerHour AND EXISTS (
                       SELECT 1 FROM audit_log l
                       WHERE  l.person_cf = a.person_cf AND l.at > @at - interval '1 hour' AND l.subject = @subject
                         AND  l.actor = @actor AND l.action = @action AND l.detail IS NOT DISTINCT FROM CAST(@detail AS jsonb)))
            """, parameters, cancellationToken: ct));
    }

    /// <summary>One page of the rows that match, newest first; at most <see cref="MaxPageSize"/>.</summary>
    public async Task<AuditPage> PageAsync(AuditQuery query, CancellationToken ct)
    {
        if (query.PageSize is < 1 or > MaxPageSize)
            throw new ArgumentOutOfRangeException(nameof(query), query.PageSize, $"The page size must be between 1 and {MaxPageSize}.");
        if (query is { Before: not null, After: not null })
            throw new ArgumentException("A page is either before an id or after one, not both.", nameof(query));

        var (where, parameters) = Filter(query);
        var newerFirst = query.After is null;
        if (query.Before is { } before)
        {
            where.Add("id < @before");
            parameters.Add("before", before);
        }
        if (query.After is { } after)
        {
            where.Add("id > @after");
            parameters.Add("after", after);
        }
        parameters.Add("limit", query.PageSize + 1);
        // Keyset paging on the primary key: the page after the previous one's last id, never an OFFSET that reads and
        // throws away every earlier row. Going back (After) reads upwards and the page is turned round below.
        var sql = $"""
            SELECT {Columns}
            FROM   audit_log
            {Where(where)}
            ORDER  BY id {(newerFirst ? "DESC" : "ASC")}
            LIMIT  @limit
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<Row>(new CommandDefinition(sql, parameters, cancellationToken: ct))).Select(r => r.ToRecord()).ToList();
        var more = rows.Count > query.PageSize;
        if (more) rows.RemoveAt(rows.Count - 1);
        if (!newerFirst) rows.Reverse();
        if (rows.Count == 0) return new AuditPage(rows, null, null);
        // The way the page was reached has rows on the other side (the page it came from), barring rows purged since.
        var older = newerFirst ? more : true;
        var newer = newerFirst ? query.Before is not null : more;
        return new AuditPage(rows, older ? rows[^1].Id : null, newer ? rows[0].Id : null);
    }

    /// <summary>
    /// Writes every row that matches (paging ignored), oldest first, as CSV for Excel: UTF-8 with a byte-order mark,
    /// <c>;</c> between fields, CRLF between rows, headers in the reader's language, times in Europe/Rome (docs/audit.md, "CSV").
    /// Rows are streamed from the database, never held in memory.
    /// </summary>
    public async Task ExportCsvAsync(AuditQuery query, Stream output, CancellationToken ct)
    {
        var (where, parameters) = Filter(query);
        var sql = $"""
            SELECT id, at, actor, actor_role, action, person_cf, subject, detail::text, client_ip
            FROM   audit_log
            {Where(where)}
            ORDER  BY id
            """;
        await output.WriteAsync(Encoding.UTF8.Preamble.ToArray(), ct);
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024, leaveOpen: true)
        {
            NewLine = "\r\n",
        };
        await writer.WriteLineAsync(string.Join(CsvSeparator, CsvHeaders));
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var reader = await conn.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
        var fields = new string?[CsvHeaders.Length];
        while (await reader.ReadAsync(ct))
        {
            var at = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc));
            var action = reader.GetString(4);
            fields[0] = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture);
            fields[1] = TimeZoneInfo.ConvertTime(at, ItalianTime.Rome).ToString("dd/MM/yyyy HH:mm:ss", Italian);
            fields[2] = at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            fields[3] = reader.GetString(2);
            fields[4] = Text(reader, 3);
            fields[5] = AuditActions.Label(action);
            fields[6] = action;
            fields[7] = Text(reader, 5);
            fields[8] = Text(reader, 6);
            fields[9] = Text(reader, 7);
            fields[10] = Text(reader, 8);
            for (var i = 0; i < fields.Length; i++)
            {
                if (i > 0) await writer.WriteAsync(CsvSeparator);
                await writer.WriteAsync(CsvField(fields[i]));
            }
            await writer.WriteLineAsync();
        }
        await writer.FlushAsync(ct);
    }

    /// <summary>
    /// Deletes the rows older than <paramref name="before"/> through the database function purge_audit_log (the only way
    /// the table's trigger lets a row go), and records the purge itself, in one transaction. Returns how many went.
    /// </summary>
    public async Task<long> PurgeAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var count = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT purge_audit_log(@before)", new { before = before.ToUniversalTime() }, tx, cancellationToken: ct));
        await RecordAsync(new AuditEntry(AuditActors.System, AuditActions.AuditPurged, Detail: new { count, cutoff = before.ToUniversalTime() }), conn, tx, ct);
        await tx.CommitAsync(ct);
        return count;
    }

    public const string CsvSeparator = ";";

    static string[] CsvHeaders =>
    [
        "ID", Core.Text.T("Data e ora (Europe/Rome)", "Date and time (Europe/Rome)"), Core.Text.T("Data e ora UTC", "Date and time UTC"), Core.Text.T("Utente", "User"),
        Core.Text.T("Ruolo", "Role"), Core.Text.T("Azione", "Action"), Core.Text.T("Codice azione", "Action code"), "Codice fiscale", Core.Text.T("Oggetto", "Subject"),
        Core.Text.T("Dettagli", "Details"), Core.Text.T("Indirizzo IP", "IP address"),
    ];

    static readonly CultureInfo Italian = CultureInfo.GetCultureInfo("it-IT");

    /// <summary>
    /// A field as RFC 4180 has it (quoted when it holds the separator, a quote or a line break; quotes doubled), and never
    /// read by a spreadsheet as a formula: a field starting with = + - @ or a tab is prefixed with an apostrophe (OWASP,
    /// "CSV injection"), since subjects and details may hold text a user typed.
    /// </summary>
    public static string CsvField(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(";\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    static string? Text(System.Data.Common.DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    static (List<string> Where, DynamicParameters Parameters) Filter(AuditQuery query)
    {
        var where = new List<string>();
        var parameters = new DynamicParameters();
        if (query.From is { } from)
        {
            where.Add("at >= @from");
            parameters.Add("from", from.ToUniversalTime());
        }
        if (query.To is { } to)
        {
            where.Add("at < @to");
            parameters.Add("to", to.ToUniversalTime());
        }
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            // A script's entries read "user (token name)" (CurrentUser.Actor): filtering by the user finds them too.
            where.Add("(actor = @actor OR starts_with(actor, @actor || ' (token '))");
            parameters.Add("actor", query.Actor.Trim());
        }
        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            where.Add("action = @action");
            parameters.Add("action", query.Action.Trim());
        }
        if (!string.IsNullOrWhiteSpace(query.PersonCf))
        {
            where.Add("person_cf = @personCf");
            parameters.Add("personCf", NormalizeCf(query.PersonCf));
        }
        return (where, parameters);
    }

    static string Where(List<string> conditions) => conditions.Count == 0 ? "" : "WHERE  " + string.Join(" AND ", conditions);

    static string NormalizeCf(string cf) => cf.Trim().ToUpperInvariant();

    object Parameters(AuditEntry entry)
    {
        if (string.IsNullOrWhiteSpace(entry.Actor)) throw new ArgumentException("An audit entry needs an actor.", nameof(entry));
        if (!ActionPattern().IsMatch(entry.Action ?? ""))
            throw new ArgumentException($"\"{entry.Action}\" is not an audit action: lower-case letters and underscores.", nameof(entry));
        string? detail = null;
        if (entry.Detail is not null)
        {
            detail = JsonSerializer.Serialize(entry.Detail);
            if (!detail.StartsWith('{')) throw new ArgumentException("An audit entry's detail must be a JSON object.", nameof(entry));
        }
        return new
        {
            at = time.GetUtcNow(),
            actor = entry.Actor.Trim(),
            actorRole = entry.ActorRole,
            action = entry.Action,
            personCf = string.IsNullOrWhiteSpace(entry.PersonCf) ? null : NormalizeCf(entry.PersonCf),
            subject = entry.Subject,
            detail,
            clientIp = entry.ClientIp,
        };
    }

    [GeneratedRegex("^[a-z][a-z_]{1,62}$")]
    private static partial Regex ActionPattern();

    sealed record Row(long Id, DateTime At, string Actor, string? ActorRole, string Action, string? PersonCf, string? Subject, string? Detail, string? ClientIp)
    {
        public AuditRecord ToRecord() => new(Id, ((DateTime?)At).AsUtc()!.Value, Actor, ActorRole, Action, PersonCf, Subject, Detail, ClientIp);
    }
}
