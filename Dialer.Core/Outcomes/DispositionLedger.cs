using System.Globalization;
using System.Text.Json;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing;
using Dialer.Core.Operators;
using Dialer.Core.Selection;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Dialer.Core.Outcomes;

/// <summary>
/// What recording a disposition did. <see cref="Repeated"/>: an identical repeat, nothing new was written.
/// <see cref="Warnings"/>: what was recorded but deserves a look, each starting with its field (an appointment in a full slot).
/// </summary>
public sealed record DispositionResult(long AttemptId, string Code, bool Repeated, DateTimeOffset RecordedAt, long? IntakeId, long? AppointmentId,
    long? CallbackId, IReadOnlyList<string>? Warnings = null);

/// <summary>One appointment slot of a CPI: local start and end (Italian time), the instants, appointments booked in it and how many fit.</summary>
public sealed record SlotLoad(string Cpi, string Start, string End, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int Booked, int Capacity)
{
    public bool Full => Booked >= Capacity;
}

/// <summary>A CPI's appointment slots on one day; none when closed (<see cref="Holiday"/> names a national holiday).</summary>
public sealed record CpiDay(string Cpi, string Name, DateOnly Date, string Opening, int SlotMinutes, int Capacity, string? Holiday,
    IReadOnlyList<SlotLoad> Slots);

/// <summary>An attempt as an operator sees it: no codice fiscale, the number masked.</summary>
public sealed record CallRecord(long AttemptId, string Campaign, string Mode, string State, string? Outcome, bool IsCallback, string? Operator,
    string? PersonName, string PhoneMasked, DateTimeOffset CreatedAt, DateTimeOffset? AnsweredAt, DateTimeOffset? EndedAt,
    RecordedDisposition? Disposition);

public sealed record RecordedDisposition(string Code, string Label, string? AnpalCode, string? Operator, DateTimeOffset RecordedAt, JsonElement Details);

public sealed class CallNotFoundException(long attemptId) : Exception(Text.T($"Nessuna chiamata {attemptId}.", $"No call {attemptId}."))
{
    public long AttemptId { get; } = attemptId;
}

/// <summary>The disposition cannot be recorded in the attempt's or the operator's current state; the message says why.</summary>
public sealed class DispositionConflictException(string message) : Exception(message);

/// <summary>
/// The ledger of dispositions. Recording one writes the row, the attempt's disposition, the side effects (intake and
/// appointment, flagged number, call-back, objection) and the operator back to available, all in one transaction, then
/// publishes the events; reading gives a call as the operator sees it, with its disposition.
/// </summary>
public sealed class DispositionLedger(NpgsqlDataSource db, OperatorRoster roster, IBus bus, TimeProvider time, ILogger<DispositionLedger> logger)
{
    /// <summary>
    /// An operator's disposition of their current call. Throws <see cref="DispositionValidationException"/> (bad fields),
    /// <see cref="CallNotFoundException"/>, <see cref="OperatorNotFoundException"/> or <see cref="DispositionConflictException"/>
    /// (not their call, not answered yet, or a different disposition already recorded). An identical repeat returns the first result.
    /// </summary>
    public async Task<DispositionResult> RecordAsync(long attemptId, string operatorIdentity, DispositionRequest request, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var disposition = DispositionRules.Validate(request, now);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var attempt = await LockAttemptAsync(conn, tx, attemptId, ct);
        var operatorId = await conn.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM operators WHERE identity = @operatorIdentity", new { operatorIdentity }, tx, cancellationToken: ct))
            ?? throw new OperatorNotFoundException(operatorIdentity);

        if (await ExistingAsync(conn, tx, attemptId, disposition.Type.Code, operatorId, disposition.Details, ct) is { } repeat) return repeat;
        if (attempt.OperatorId != operatorId)
            throw new DispositionConflictException(Text.T($"La chiamata {attemptId} non è assegnata a {operatorIdentity}.", $"Call {attemptId} is not assigned to {operatorIdentity}."));
        OperatorPresence presenceAfter;
        try
        {
            (presenceAfter, _) = await roster.MoveAsync(conn, tx, operatorId, null, (presence, _) => PresenceRules.Disposed(presence, attemptId), ct);
        }
        catch (PresenceMoveRefusedException refused)
        {
            throw new DispositionConflictException(refused.Message);
        }

        var (intakeId, appointmentId) = (default(long?), default(long?));
        List<string> warnings = [];
        if (disposition.Appointment is { } appointment)
            (intakeId, appointmentId) = await BookAsync(conn, tx, attempt, operatorId, appointment, now, warnings, ct);
        long? callbackId = disposition.Callback is { } callback
            ? await conn.ExecuteScalarAsync<long>(new CommandDefinition(InsertCallback, new
            {
                attemptId,
                attempt.CampaignId,
                attempt.PersonCf,
                attempt.PhoneE164,
                callback.DueAt,
                operatorId = callback.Personal ? operatorId : (long?)null,
                now,
            }, tx, cancellationToken: ct))
            : null;
        switch (disposition.Type.Code)
        {
            case DispositionCatalogue.WrongNumber or DispositionCatalogue.WrongPerson:
                await conn.ExecuteAsync(new CommandDefinition(FlagNumber,
                    new { attempt.PhoneE164, reason = disposition.Type.Code, attemptId, now }, tx, cancellationToken: ct));
                break;
            case DispositionCatalogue.DoNotCall:
                await ObjectionRegister.AddAsync(conn, tx, attempt.PersonCf, attempt.PhoneE164, CallingCalendar.LocalDate(now), ObjectionChannel.Phone,
                    $"Dialer, attempt {attemptId}", ct);
                break;
        }
        await InsertAsync(conn, tx, attemptId, disposition.Type.Code, operatorId, disposition.AnpalCode, disposition.Details, now, ct);
        await tx.CommitAsync(ct);

        logger.LogInformation("Attempt {AttemptId}: disposition {Code} by operator {OperatorId}", attemptId, disposition.Type.Code, operatorId);
        // After the commit: a consumer never hears of a disposition the database does not have.
        await bus.Publish(new DispositionRecorded(attemptId, attempt.CampaignId, operatorId, disposition.Type.Code, disposition.Callback?.DueAt,
            disposition.Callback is { Personal: true } ? operatorId : null, now), ct);
        if (disposition.Appointment is { } booked)
            await bus.Publish(new IntakeAccepted(attemptId, attempt.CampaignId, operatorId, booked.CpiCode, booked.StartsAt, booked.Channel, now), ct);
        await roster.PublishAsync(presenceAfter, ct);
        return new DispositionResult(attemptId, disposition.Type.Code, false, now, intakeId, appointmentId, callbackId,
            warnings.Count > 0 ? warnings : null);
    }

    /// <summary>
    /// The load of the CPI's slot an appointment starting at <paramref name="startsAt"/> would take: booked (attendance
    /// not cancelled) against capacity, so the console can warn before booking. Null when the CPI is unknown or closed then.
    /// </summary>
    public async Task<SlotLoad?> SlotLoadAsync(string cpiCode, DateTimeOffset startsAt, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (await CpiSchedule.FindAsync(conn, null, cpiCode, ct) is not { } cpi) return null;
        var local = CallingCalendar.ToLocal(startsAt);
        var date = DateOnly.FromDateTime(local.DateTime);
        return cpi.Hours.SlotAt(date, TimeOnly.FromDateTime(local.DateTime)) is { } slot
            ? (await LoadsAsync(conn, null, cpi, date, [slot], ct))[0]
            : null;
    }

    /// <summary>The CPI's slots on a local date with their load; null when there is no such CPI.</summary>
    public async Task<CpiDay?> SlotsAsync(string cpiCode, DateOnly date, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (await CpiSchedule.FindAsync(conn, null, cpiCode, ct) is not { } cpi) return null;
        var slots = cpi.Hours.Slots(date);
        return new CpiDay(cpi.Code, cpi.Name, date, cpi.Hours.Loaded ? cpi.Hours.Describe(date.DayOfWeek) : "orario non caricato", cpi.Hours.SlotMinutes,
            cpi.Hours.SlotCapacity, ItalianHolidays.NameOf(date), await LoadsAsync(conn, null, cpi, date, slots, ct));
    }

    static async Task<IReadOnlyList<SlotLoad>> LoadsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CpiSchedule cpi, DateOnly date,
        IReadOnlyList<CpiSlot> slots, CancellationToken ct)
    {
        if (slots.Count == 0) return [];
        const string sql = """
            SELECT starts_at
            FROM   appointments
            WHERE  cpi_code = @code AND starts_at >= @from AND starts_at < @to AND attendance IS DISTINCT FROM 'AN'
            """;
        var bounds = slots.Select(s => (Slot: s, From: CallingCalendar.ToUtc(date, s.Start), To: CallingCalendar.ToUtc(date, s.End))).ToList();
        var booked = (await conn.QueryAsync<DateTime>(new CommandDefinition(sql,
            new { code = cpi.Code, from = bounds[0].From.ToUniversalTime(), to = bounds[^1].To.ToUniversalTime() }, tx, cancellationToken: ct)))
            .Select(OperatorRoster.Utc).ToList();
        return bounds.Select(b => new SlotLoad(cpi.Code, b.Slot.Start.ToString("HH:mm", CultureInfo.InvariantCulture),
            b.Slot.End.ToString("HH:mm", CultureInfo.InvariantCulture), b.From, b.To, booked.Count(t => t >= b.From && t < b.To),
            cpi.Hours.SlotCapacity)).ToList();
    }

    /// <summary>
    /// The engine records a provider outcome as the attempt's disposition (no_answer, busy, machine, failed): no operator,
    /// no side effect, no event (CallCompleted already tells). The same code again is a no-op; a different one is refused.
    /// </summary>
    public async Task<DispositionResult> RecordSystemAsync(long attemptId, string code, CancellationToken ct)
    {
        if (DispositionCatalogue.Find(code) is not { BySystem: true } type)
            throw new DispositionValidationException([Text.T($"code: \"{code}\" non è un esito del sistema; uno tra {DispositionCatalogue.SystemCodes}.", $"code: \"{code}\" is not a system outcome; one of {DispositionCatalogue.SystemCodes}.")]);
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await LockAttemptAsync(conn, tx, attemptId, ct);
        if (await ExistingAsync(conn, tx, attemptId, type.Code, null, "{}", ct) is { } repeat) return repeat;
        await InsertAsync(conn, tx, attemptId, type.Code, null, type.AnpalCode, "{}", now, ct);
        await tx.CommitAsync(ct);
        return new DispositionResult(attemptId, type.Code, false, now, null, null, null);
    }

    /// <summary>The attempt with its disposition, as an operator may see it; null when there is no such attempt.</summary>
    public async Task<CallRecord?> FindCallAsync(long attemptId, CancellationToken ct)
    {
        const string sql = """
            SELECT a.id AS AttemptId, c.slug AS Campaign, a.mode AS Mode, a.state AS State, a.outcome AS Outcome, a.is_callback AS IsCallback,
                   o.identity AS Operator, nullif(btrim(concat_ws(' ', p.name, p.surname)), '') AS PersonName, a.phone_e164 AS Phone,
                   a.created_at AS CreatedAt, a.answered_at AS AnsweredAt, a.ended_at AS EndedAt,
                   d.code AS Code, d.anpal_code AS AnpalCode, dop.identity AS DisposedBy, d.recorded_at AS RecordedAt, d.details::text AS Details
            FROM   call_attempts a
            JOIN   campaigns c ON c.id = a.campaign_id
            LEFT   JOIN operators o ON o.id = a.operator_id
            LEFT   JOIN people p ON p.cf = a.person_cf
            LEFT   JOIN call_dispositions d ON d.attempt_id = a.id
            LEFT   JOIN operators dop ON dop.id = d.operator_id
            WHERE  a.id = @attemptId
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var r = await conn.QuerySingleOrDefaultAsync<CallRow>(new CommandDefinition(sql, new { attemptId }, cancellationToken: ct));
        if (r is null) return null;
        var disposition = r.Code is null
            ? null
            : new RecordedDisposition(r.Code, DispositionCatalogue.Find(r.Code)?.Label ?? r.Code, r.AnpalCode, r.DisposedBy,
                OperatorRoster.Utc(r.RecordedAt!.Value), JsonDocument.Parse(r.Details!).RootElement.Clone());
        return new CallRecord(r.AttemptId, r.Campaign, r.Mode, r.State, r.Outcome, r.IsCallback, r.Operator, r.PersonName, Mask(r.Phone),
            OperatorRoster.Utc(r.CreatedAt), r.AnsweredAt is { } a ? OperatorRoster.Utc(a) : null, r.EndedAt is { } e ? OperatorRoster.Utc(e) : null,
            disposition);
    }

    /// <summary>+39 347 1234567 → +39••••••567: enough to recognise the number, not to copy it.</summary>
    public static string Mask(string e164) =>
        e164.Length <= 6 ? new string('•', e164.Length) : e164[..3] + new string('•', e164.Length - 6) + e164[^3..];

    static async Task<AttemptRow> LockAttemptAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long attemptId, CancellationToken ct)
    {
        const string sql = """
            SELECT id AS Id, campaign_id AS CampaignId, person_cf AS PersonCf, phone_e164 AS PhoneE164, operator_id AS OperatorId
            FROM   call_attempts
            WHERE  id = @attemptId
            FOR UPDATE
            """;
        return await conn.QuerySingleOrDefaultAsync<AttemptRow>(new CommandDefinition(sql, new { attemptId }, tx, cancellationToken: ct))
            ?? throw new CallNotFoundException(attemptId);
    }

    /// <summary>The attempt's disposition if it has one: the first result for an identical repeat, else a conflict.</summary>
    static async Task<DispositionResult?> ExistingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long attemptId, string code, long? operatorId,
        string details, CancellationToken ct)
    {
        const string sql = """
            SELECT d.code AS Code, d.operator_id AS OperatorId, d.details = @details::jsonb AS Same, d.recorded_at AS RecordedAt,
                   ap.intake_id AS IntakeId, ap.id AS AppointmentId, cb.id AS CallbackId
            FROM   call_dispositions d
            LEFT   JOIN appointments ap ON ap.attempt_id = d.attempt_id
            LEFT   JOIN callbacks cb ON cb.attempt_id = d.attempt_id
            WHERE  d.attempt_id = @attemptId
            """;
        var row = await conn.QuerySingleOrDefaultAsync<ExistingRow>(new CommandDefinition(sql, new { attemptId, details }, tx, cancellationToken: ct));
        if (row is null) return null;
        if (row.Code != code || row.OperatorId != operatorId || !row.Same)
            throw new DispositionConflictException(
                Text.T($"La chiamata {attemptId} ha già l'esito {row.Code}, registrato il {ItalianFormat.DateTime(OperatorRoster.Utc(row.RecordedAt))}: un secondo esito diverso non è ammesso.",
                    $"Call {attemptId} already has the outcome {row.Code}, recorded on {ItalianFormat.DateTime(OperatorRoster.Utc(row.RecordedAt))}: a second, different one is refused."));
        return new DispositionResult(attemptId, code, true, OperatorRoster.Utc(row.RecordedAt), row.IntakeId, row.AppointmentId, row.CallbackId);
    }

    static async Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long attemptId, string code, long? operatorId, string? anpalCode,
        string details, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO call_dispositions (attempt_id, code, operator_id, anpal_code, details, recorded_at)
            VALUES (@attemptId, @code, @operatorId, @anpalCode, @details::jsonb, @now);
            UPDATE call_attempts SET disposition = @code WHERE id = @attemptId;
            """;
        await conn.ExecuteAsync(new CommandDefinition(sql, new { attemptId, code, operatorId, anpalCode, details, now }, tx, cancellationToken: ct));
    }

    static async Task<(long IntakeId, long AppointmentId)> BookAsync(NpgsqlConnection conn, NpgsqlTransaction tx, AttemptRow attempt, long operatorId,
        Appointment appointment, DateTimeOffset now, List<string> warnings, CancellationToken ct)
    {
        const string sql = """
            WITH intake AS (
                INSERT INTO intakes (person_cf, taken_on, cpi_code, source, recorded_at)
                VALUES (@PersonCf, @takenOn, @CpiCode, 'dialer', @now)
                RETURNING id
            )
            INSERT INTO appointments (attempt_id, intake_id, person_cf, cpi_code, starts_at, channel, contact_mode, reason,
                                      reminder_consent, privacy_notice_given, operator_id, booked_at)
            SELECT @attemptId, intake.id, @PersonCf, @CpiCode, @StartsAt, @Channel, @contactMode, @Reason,
                   @ReminderConsent, @PrivacyNoticeGiven, @operatorId, @now
            FROM   intake
            RETURNING intake_id, id
            """;
        var cpi = await CpiSchedule.FindAsync(conn, tx, appointment.CpiCode, ct)
            ?? throw new DispositionValidationException([Text.T($"appointment.cpi: nessuna sede di CPI con codice \"{appointment.CpiCode}\" (le sedi si caricano con `dialer territory apply`).", $"appointment.cpi: no CPI site with code \"{appointment.CpiCode}\" (sites are loaded with `dialer territory apply`).")]);
        var local = CallingCalendar.ToLocal(appointment.StartsAt);
        var (date, time) = (DateOnly.FromDateTime(local.DateTime), TimeOnly.FromDateTime(local.DateTime));
        if (ItalianHolidays.NameOf(date) is { } holiday)
            throw new DispositionValidationException([Text.T($"appointment.at: il {date:dd/MM/yyyy} è festivo ({holiday}) e il {cpi.Name} è chiuso: scegliere un altro giorno.", $"appointment.at: {date:dd/MM/yyyy} is a public holiday ({holiday}) and {cpi.Name} is closed: choose another day.")]);
        if (!cpi.Hours.Admits(date, time))
            throw new DispositionValidationException([Text.T($"appointment.at: {appointment.LocalAt} è fuori dall'orario del {cpi.Name} " +
                $"({CpiHours.DayName(date.DayOfWeek)}: {cpi.Hours.Describe(date.DayOfWeek)}; appuntamenti di {cpi.Hours.SlotMinutes} minuti): scegliere un orario di apertura.",
                $"appointment.at: {appointment.LocalAt} is outside the opening hours of {cpi.Name} " +
                $"({CpiHours.DayName(date.DayOfWeek)}: {cpi.Hours.Describe(date.DayOfWeek)}; {cpi.Hours.SlotMinutes}-minute appointments): choose a time when it is open.")]);
        // A full slot is booked all the same, with a warning: the person's availability comes first (issue 15).
        if (cpi.Hours.SlotAt(date, time) is { } slot && (await LoadsAsync(conn, tx, cpi, date, [slot], ct))[0] is { Full: true } load)
            warnings.Add(Text.T($"appointment.at: la fascia {load.Start}–{load.End} del {cpi.Name} era già al completo ({load.Booked} appuntamenti su {load.Capacity}).",
                $"appointment.at: the {load.Start}–{load.End} slot of {cpi.Name} was already full ({load.Booked} appointments of {load.Capacity})."));
        return await conn.QuerySingleAsync<(long, long)>(new CommandDefinition(sql, new
        {
            attempt.PersonCf,
            takenOn = CallingCalendar.LocalDate(now).ToDateTime(TimeOnly.MinValue),
            appointment.CpiCode,
            now,
            attemptId = attempt.Id,
            appointment.StartsAt,
            appointment.Channel,
            contactMode = DispositionCatalogue.ContactModeTelephone,
            appointment.Reason,
            appointment.ReminderConsent,
            appointment.PrivacyNoticeGiven,
            operatorId,
        }, tx, cancellationToken: ct));
    }


    const string InsertCallback = """
        INSERT INTO callbacks (attempt_id, campaign_id, person_cf, phone_e164, due_at, operator_id, created_at)
        VALUES (@attemptId, @CampaignId, @PersonCf, @PhoneE164, @DueAt, @operatorId, @now)
        RETURNING id
        """;

    const string FlagNumber = """
        INSERT INTO flagged_numbers (phone_e164, reason, attempt_id, flagged_at)
        VALUES (@PhoneE164, @reason, @attemptId, @now)
        ON CONFLICT (phone_e164) DO NOTHING
        """;

    sealed record AttemptRow(long Id, long CampaignId, string PersonCf, string PhoneE164, long? OperatorId);

    sealed record ExistingRow(string Code, long? OperatorId, bool Same, DateTime RecordedAt, long? IntakeId, long? AppointmentId, long? CallbackId);

    sealed record CallRow(long AttemptId, string Campaign, string Mode, string State, string? Outcome, bool IsCallback, string? Operator,
        string? PersonName, string Phone, DateTime CreatedAt, DateTime? AnsweredAt, DateTime? EndedAt, string? Code, string? AnpalCode,
        string? DisposedBy, DateTime? RecordedAt, string? Details);
}
