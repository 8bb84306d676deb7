using System.Text.Json;
using Dialer.Core.Audit;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Operators;
using Microsoft.Extensions.Logging;

namespace Dialer.Core.Outcomes;

/// <summary>
/// The CPI's register of attended appointments (docs/appointments.md): a CPI's appointments over some days, with the
/// person's name (each person shown is an audited view), and their attendance recorded one at a time (page, API) or from
/// a CPI's own file. P, AG and AI are refused for an appointment that has not started yet; AN (cancelled) is allowed at
/// any time; changing a recorded value is allowed, and every change is audited in its own transaction.
/// </summary>
public sealed class AttendanceRegister(NpgsqlDataSource db, TimeProvider time, AuditLog audit, ILogger<AttendanceRegister> logger)
{
    /// <summary>The longest list, in days: a month of a CPI's desk.</summary>
    public const int MaxDays = 31;

    const string Columns = """
        ap.id AS Id, ap.cpi_code AS Cpi, ap.starts_at AS StartsAt,
        coalesce(nullif(btrim(concat_ws(' ', initcap(p.name), initcap(p.surname))), ''), '') AS PersonName,
        ap.channel AS Channel, ap.reason AS Reason, ap.attendance AS Attendance, ap.attendance_recorded_at AS AttendanceRecordedAt,
        ap.attendance_source AS AttendanceSource, ap.attendance_recorded_by AS AttendanceRecordedBy, ap.person_cf AS PersonCf
        """;

    const string Update = """
        UPDATE appointments
        SET    attendance = @attendance, attendance_recorded_at = @now, attendance_source = @source, attendance_recorded_by = @by
        WHERE  id = @id
        """;

    /// <summary>
    /// The CPI's appointments from <paramref name="from"/> to <paramref name="to"/> (days in Europe/Rome, both included),
    /// earliest first; null when there is no such CPI. Each person shown is recorded in the audit log as viewed by
    /// <paramref name="viewer"/> (once per hour for the same viewer and appointment, as the console's views are).
    /// </summary>
    public async Task<AppointmentList?> ListAsync(string cpi, DateOnly from, DateOnly to, AuditEntry viewer, CancellationToken ct)
    {
        if (to < from)
            throw new AttendanceValidationException([Text.T("to: la data finale viene prima di quella iniziale.", "to: the end date is before the start date.")]);
        if (to.DayNumber - from.DayNumber >= MaxDays)
            throw new AttendanceValidationException([Text.T($"to: al massimo {MaxDays} giorni alla volta.", $"to: at most {MaxDays} days at a time.")]);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var name = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT name FROM cpi_offices WHERE code = @cpi", new { cpi }, tx, cancellationToken: ct));
        if (name is null) return null;
        var sql = $"""
            SELECT {Columns}
            FROM   appointments ap
            LEFT   JOIN people p ON p.cf = ap.person_cf
            WHERE  ap.cpi_code = @cpi AND ap.starts_at >= @start AND ap.starts_at < @end
            ORDER  BY ap.starts_at, ap.id
            """;
        var start = CallingCalendar.ToUtc(from, TimeOnly.MinValue).UtcDateTime;
        var end = CallingCalendar.ToUtc(to.AddDays(1), TimeOnly.MinValue).UtcDateTime;
        var rows = (await conn.QueryAsync<Row>(new CommandDefinition(sql, new { cpi, start, end }, tx, cancellationToken: ct))).ToList();
        await AuditViewsAsync(conn, tx, viewer, rows, ct);
        await tx.CommitAsync(ct);
        return new AppointmentList(cpi, name, from, to, [.. rows.Select(r => r.ToView())]);
    }

    /// <summary>
    /// Records one appointment's attendance (a code, or the Italian words) as <paramref name="by"/> (its actor, role and
    /// address; action and person are filled in here). With <paramref name="onlyCpi"/>, an appointment of another CPI is
    /// not found. The same value again writes nothing. Throws <see cref="AttendanceValidationException"/> (field
    /// <c>attendance</c>) or <see cref="AppointmentNotFoundException"/>.
    /// </summary>
    public async Task<AttendanceChange> RecordAsync(long appointmentId, string? attendance, AttendanceSource source, AuditEntry by, string? onlyCpi,
        CancellationToken ct)
    {
        var code = Attendance.Parse(attendance) ?? throw new AttendanceValidationException([string.IsNullOrWhiteSpace(attendance)
            ? Text.T($"attendance: scegliere l'esito ({Attendance.Codes}).", $"attendance: choose the outcome ({Attendance.Codes}).")
            : Text.T($"attendance: «{attendance}» non è un esito; uno tra {Attendance.Codes}.", $"attendance: \"{attendance}\" is not an outcome; one of {Attendance.Codes}.")]);
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"""
            SELECT {Columns}
            FROM   appointments ap
            LEFT   JOIN people p ON p.cf = ap.person_cf
            WHERE  ap.id = @appointmentId AND (@onlyCpi::text IS NULL OR ap.cpi_code = @onlyCpi)
            FOR    UPDATE OF ap
            """, new { appointmentId, onlyCpi }, tx, cancellationToken: ct)) ?? throw new AppointmentNotFoundException(appointmentId);
        if (NotYet(row, code, now) is { } notYet) throw new AttendanceValidationException(["attendance: " + notYet]);
        if (row.Attendance == code) return new AttendanceChange(appointmentId, code, code, false, OperatorRoster.Utc(row.AttendanceRecordedAt!.Value));

        await ApplyAsync(conn, tx, row, code, source, by, now, null, ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Appointment {AppointmentId}: attendance {Attendance} (was {Previous}) from {Source}", appointmentId, code,
            row.Attendance ?? "none", Source(source));
        return new AttendanceChange(appointmentId, code, row.Attendance, true, now);
    }

    /// <summary>
    /// Applies an attendance file (<see cref="AttendanceCsv"/>) as <paramref name="by"/>: each row names an appointment by
    /// the person and its Europe/Rome day. A row that cannot be read or names no single appointment (none, two that day,
    /// one not started yet for P/AG/AI, the same appointment earlier in the file with another outcome) is reported with
    /// its line and reason and changes nothing; the others are applied in one transaction, each change audited.
    /// Throws <see cref="AttendanceFileException"/> when the file cannot be read at all (nothing applied).
    /// </summary>
    public async Task<AttendanceImport> ImportAsync(ReadOnlyMemory<byte> file, AuditEntry by, CancellationToken ct)
    {
        var (rows, parseErrors, dataRows) = AttendanceCsv.Parse(file.Span);
        var errors = parseErrors.ToList();
        var now = time.GetUtcNow();
        var (applied, unchanged) = (0, 0);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var cfs = rows.Select(r => r.PersonCf).Distinct().ToArray();
        var appointments = (await conn.QueryAsync<Row>(new CommandDefinition($"""
            SELECT {Columns}
            FROM   appointments ap
            LEFT   JOIN people p ON p.cf = ap.person_cf
            WHERE  ap.person_cf = ANY(@cfs)
            ORDER  BY ap.id
            FOR    UPDATE OF ap
            """, new { cfs }, tx, cancellationToken: ct))).ToLookup(r => r.PersonCf);
        var firstLine = new Dictionary<long, (int Line, string Code)>();
        foreach (var row in rows)
        {
            var sameDay = appointments[row.PersonCf].Where(a => CallingCalendar.LocalDate(OperatorRoster.Utc(a.StartsAt)) == row.Day).ToList();
            string? reason = null;
            if (!appointments[row.PersonCf].Any())
                reason = Text.T("nessun appuntamento per questo codice fiscale.", "no appointment for this codice fiscale.");
            else if (sameDay.Count == 0)
                reason = Text.T($"nessun appuntamento per questa persona il {ItalianFormat.Date(row.Day)}.", $"no appointment for this person on {ItalianFormat.Date(row.Day)}.");
            else if (sameDay.Count > 1)
                reason = Text.T($"{sameDay.Count} appuntamenti per questa persona il {ItalianFormat.Date(row.Day)} (alle {Times(sameDay)}): registrare l'esito dalla pagina.",
                    $"{sameDay.Count} appointments for this person on {ItalianFormat.Date(row.Day)} (at {Times(sameDay)}): record the outcome on the page.");
            else if (NotYet(sameDay[0], row.Attendance, now) is { } notYet)
                reason = notYet;
            else if (firstLine.TryGetValue(sameDay[0].Id, out var earlier) && earlier.Code != row.Attendance)
                reason = Text.T($"lo stesso appuntamento è già alla riga {earlier.Line} con l'esito {earlier.Code}.",
                    $"the same appointment is already on line {earlier.Line} with the outcome {earlier.Code}.");
            if (reason is not null)
            {
                errors.Add(new(row.Line, reason));
                continue;
            }

            var appointment = sameDay[0];
            firstLine.TryAdd(appointment.Id, (row.Line, row.Attendance));
            if (appointment.Attendance == row.Attendance)
            {
                unchanged++;
                continue;
            }
            await ApplyAsync(conn, tx, appointment, row.Attendance, AttendanceSource.Import, by, now, row.Line, ct);
            appointment.Attendance = row.Attendance;
            applied++;
        }
        await tx.CommitAsync(ct);
        logger.LogInformation("Attendance file: {Rows} rows, {Applied} applied, {Unchanged} unchanged, {Rejected} rejected", dataRows, applied,
            unchanged, errors.Count);
        return new AttendanceImport(dataRows, applied, unchanged, [.. errors.OrderBy(e => e.Line)]);
    }

    /// <summary>Why <paramref name="code"/> cannot be recorded yet for the appointment, or null: only AN before it starts.</summary>
    static string? NotYet(Row row, string code, DateTimeOffset now)
    {
        var startsAt = OperatorRoster.Utc(row.StartsAt);
        return code != Attendance.Cancelled && startsAt > now
            ? Text.T($"l'appuntamento del {ItalianFormat.DateTime(startsAt)} non è ancora avvenuto: prima si può registrare solo «Annullato» (AN).",
                $"the appointment on {ItalianFormat.DateTime(startsAt)} has not happened yet: before then only \"Cancelled\" (AN) can be recorded.")
            : null;
    }

    async Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Row row, string code, AttendanceSource source, AuditEntry by,
        DateTimeOffset now, int? line, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition(Update, new { id = row.Id, attendance = code, now, source = Source(source), by = by.Actor },
            tx, cancellationToken: ct));
        // The funnel's "attended" step, in the same transaction (docs/outcomes.md "Upkeep").
        await OutcomeLedger.RefreshAsync(conn, tx, LedgerScope.Appointment, OutcomeLedger.Today(time), new { appointmentId = row.Id }, ct);
        await audit.RecordAsync(by with
        {
            Action = AuditActions.AttendanceRecorded,
            PersonCf = row.PersonCf,
            Subject = $"appointment:{row.Id}",
            Detail = line is null
                ? new { attendance = code, previous = row.Attendance, source = Source(source) }
                : new { attendance = code, previous = row.Attendance, source = Source(source), line },
        }, conn, tx, ct);
    }

    /// <summary>
    /// One person_viewed row per appointment shown (view "appointments"), unless the same viewer saw the same appointment
    /// in the last hour: the page is drawn again after every save.
    /// </summary>
    async Task AuditViewsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, AuditEntry viewer, IReadOnlyList<Row> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        const string sql = """
            INSERT INTO audit_log (at, actor, actor_role, action, person_cf, subject, detail, client_ip)
            SELECT @at, @actor, @actorRole, @action, ap.person_cf, 'appointment:' || ap.id, CAST(@detail AS jsonb), @clientIp
            FROM   appointments ap
            WHERE  ap.id = ANY(@ids)
              AND  NOT EXISTS (
                       SELECT 1 FROM audit_log l
                       WHERE  l.person_cf = ap.person_cf AND l.at > @at - interval '1 hour' AND l.subject = 'appointment:' || ap.id
                         AND  l.actor = @actor AND l.action = @action AND l.detail = CAST(@detail AS jsonb))
            """;
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            at = time.GetUtcNow(),
            actor = viewer.Actor,
            actorRole = viewer.ActorRole,
            action = AuditActions.PersonViewed,
            detail = JsonSerializer.Serialize(new { view = PersonViews.Appointments }),
            clientIp = viewer.ClientIp,
            ids = rows.Select(r => r.Id).ToArray(),
        }, tx, cancellationToken: ct));
    }

    static string Times(IEnumerable<Row> rows) => string.Join(", ", rows.Select(r => ItalianFormat.Time(OperatorRoster.Utc(r.StartsAt))));

    static string Source(AttendanceSource source) => source switch
    {
        AttendanceSource.Page => "page",
        AttendanceSource.Api => "api",
        _ => "import",
    };

    sealed class Row
    {
        public long Id { get; init; }
        public string Cpi { get; init; } = "";
        public DateTime StartsAt { get; init; }
        public string PersonName { get; init; } = "";
        public string Channel { get; init; } = "";
        public string Reason { get; init; } = "";
        public string? Attendance { get; set; }
        public DateTime? AttendanceRecordedAt { get; init; }
        public string? AttendanceSource { get; init; }
        public string? AttendanceRecordedBy { get; init; }
        public string PersonCf { get; init; } = "";

        public AppointmentView ToView() => new(Id, Cpi, OperatorRoster.Utc(StartsAt), PersonName, Channel, Reason, Attendance,
            AttendanceRecordedAt is { } at ? OperatorRoster.Utc(at) : null, AttendanceSource, AttendanceRecordedBy);
    }
}
