using Dialer.Core.Campaigns;
using Dialer.Core.Database;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Notices;

namespace Dialer.Core.Operators;

/// <summary>
/// The call an operator has in hand, as the console shows it at any moment (docs/console.md): the person, the last job,
/// the earlier dials of the person (any campaign), the number masked, and where the call stands. Unlike the preview card it is read from the attempt,
/// so a reloaded page or another tab shows the same call.
/// </summary>
public sealed record DeskCall(long AttemptId, long CampaignId, string CampaignName, string Mode, string AttemptState, string PersonName,
    string FirstName, string Surname, int? Age, string? ComuneCode, string? CpiCode, string? CpiName, string? LastContractLabel, string? Employer,
    DateOnly? LastEndOn, int? MonthsSince, int Attempts, bool IsCallback, string PhoneMasked, DateTimeOffset? AnsweredAt, DateTimeOffset? EndedAt, string? CallSid,
    string? ComuneName = null);

/// <summary>A call-back the operator owes (personal), with when it is due.</summary>
public sealed record DeskCallback(long Id, string PersonName, string CampaignName, DateTimeOffset DueAt, string State);

/// <summary>The operator's own figures for today (Europe/Rome day).</summary>
public sealed record DeskFigures(int Calls, int Answered, int Dispositions, int Appointments, int CallBacks, int Refusals);

/// <summary>A CPI site an appointment may be booked at.</summary>
public sealed record DeskCpi(string Code, string Name);

/// <summary>
/// The reads behind the operator console: the call in hand, the operator's call-backs, today's figures, the people
/// waiting in the queue for the campaigns they work. Read-only; the moves go through the roster, the preview dialer and
/// the disposition ledger.
/// </summary>
public sealed class OperatorDesk(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>The attempt with the person, for the operator it is assigned to; null when it is not theirs or does not exist.</summary>
    public async Task<DeskCall?> CallAsync(long attemptId, long operatorId, CancellationToken ct)
    {
        const string sql = """
            SELECT a.id AS AttemptId, a.campaign_id AS CampaignId, c.name AS CampaignName, a.mode AS Mode, a.state AS AttemptState,
                   coalesce(initcap(p.name), '') AS FirstName, coalesce(initcap(p.surname), '') AS Surname, p.birth_on AS BirthOn,
                   p.domicile_comune AS ComuneCode, p.last_contract_type AS LastContractType, p.last_end_on AS LastEndOn,
                   (SELECT m.name FROM comuni m WHERE m.code = p.domicile_comune) AS ComuneName,
                   (SELECT s.employer_name FROM employment_spells s WHERE s.person_cf = a.person_cf
                    ORDER BY coalesce(s.extension_end_on, s.planned_end_on, s.start_on) DESC, s.start_on DESC LIMIT 1) AS Employer,
                   (SELECT o.code FROM cpi_comuni cc JOIN cpi_offices o ON o.code = cc.cpi_code
                    WHERE cc.comune_code = p.domicile_comune ORDER BY o.code LIMIT 1) AS CpiCode,
                   (SELECT o.name FROM cpi_comuni cc JOIN cpi_offices o ON o.code = cc.cpi_code
                    WHERE cc.comune_code = p.domicile_comune ORDER BY o.code LIMIT 1) AS CpiName,
                   (SELECT count(*)::int FROM call_attempts x WHERE x.person_cf = a.person_cf AND x.id <> a.id AND x.state IN ('placed', 'ended')) AS Attempts,
                   a.is_callback AS IsCallback, a.phone_e164 AS Phone, a.answered_at AS AnsweredAt, a.ended_at AS EndedAt, a.call_sid AS CallSid
            FROM   call_attempts a
            JOIN   campaigns c ON c.id = a.campaign_id
            LEFT   JOIN people p ON p.cf = a.person_cf
            WHERE  a.id = @attemptId AND a.operator_id = @operatorId
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var r = await conn.QuerySingleOrDefaultAsync<CallRow>(new CommandDefinition(sql, new { attemptId, operatorId }, cancellationToken: ct));
        if (r is null) return null;
        var today = CallingCalendar.LocalDate(time.GetUtcNow());
        int? age = r.BirthOn is { } b ? today.Year - b.Year - (today < b.AddYears(today.Year - b.Year) ? 1 : 0) : null;
        var ended = r.LastEndOn;
        int? months = ended is { } end ? (today.Year - end.Year) * 12 + today.Month - end.Month - (today.Day < end.Day ? 1 : 0) : null;
        return new DeskCall(r.AttemptId, r.CampaignId, r.CampaignName, r.Mode, r.AttemptState, $"{r.FirstName} {r.Surname}".Trim(), r.FirstName,
            r.Surname, age, r.ComuneCode, r.CpiCode, r.CpiName, ContractLabel(r.LastContractType), r.Employer, ended,
            months is { } m ? Math.Max(0, m) : null, r.Attempts, r.IsCallback, Dialing.PreviewCards.MaskPhone(r.Phone), r.AnsweredAt.AsUtc(),
            r.EndedAt.AsUtc(), r.CallSid, r.ComuneName);
    }

    /// <summary>"Lavoro a tempo determinato" for A.02.00: the ministry's label in sentence case; the code itself when unknown.</summary>
    public static string? ContractLabel(string? code)
    {
        if (code is null) return null;
        if (ContractTypes.Find(code) is not { } type) return code;
        var text = string.Join(' ', type.Description.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLower(ItalianFormat.Culture);
        return text.Length == 0 ? code : char.ToUpper(text[0], ItalianFormat.Culture) + text[1..];
    }

    /// <summary>The operator's personal call-backs still to make, earliest first.</summary>
    public async Task<IReadOnlyList<DeskCallback>> CallbacksAsync(long operatorId, CancellationToken ct)
    {
        const string sql = """
            SELECT cb.id AS Id, coalesce(nullif(btrim(concat_ws(' ', initcap(p.name), initcap(p.surname))), ''), 'Persona senza nome') AS PersonName,
                   c.name AS CampaignName, cb.due_at AS DueAt, cb.state AS State
            FROM   callbacks cb
            JOIN   campaigns c ON c.id = cb.campaign_id
            LEFT   JOIN people p ON p.cf = cb.person_cf
            WHERE  cb.operator_id = @operatorId AND cb.state IN ('scheduled', 'queued')
            ORDER  BY cb.due_at, cb.id
            LIMIT  50
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<CallbackRow>(new CommandDefinition(sql, new { operatorId }, cancellationToken: ct));
        return rows.Select(r => new DeskCallback(r.Id, r.PersonName, r.CampaignName, r.DueAt.AsUtc(), r.State)).ToList();
    }

    /// <summary>Today's calls and dispositions of this operator, from the start of the day in Italy.</summary>
    public async Task<DeskFigures> FiguresAsync(long operatorId, CancellationToken ct)
    {
        const string sql = """
            SELECT (SELECT count(*)::int FROM call_attempts a
                    WHERE a.operator_id = @operatorId AND a.created_at >= @from AND a.state NOT IN ('preview', 'not_placed')) AS Calls,
                   (SELECT count(*)::int FROM call_attempts a
                    WHERE a.operator_id = @operatorId AND a.created_at >= @from AND a.answered_at IS NOT NULL) AS Answered,
                   count(*)::int AS Dispositions,
                   count(*) FILTER (WHERE d.code = 'intake_accepted')::int AS Appointments,
                   count(*) FILTER (WHERE d.code = 'call_back')::int AS CallBacks,
                   count(*) FILTER (WHERE d.code = 'refused')::int AS Refusals
            FROM   call_dispositions d
            WHERE  d.operator_id = @operatorId AND d.recorded_at >= @from
            """;
        var from = CallingCalendar.StartOfLocalDay(time.GetUtcNow());
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleAsync<DeskFigures>(new CommandDefinition(sql, new { operatorId, from }, cancellationToken: ct));
    }

    /// <summary>People whose time has come in the active campaigns this operator may work (an estimate of "who is waiting").</summary>
    public async Task<long> WaitingAsync(long operatorId, CancellationToken ct)
    {
        const string sql = """
            SELECT count(*)
            FROM   call_queue_ready r
            JOIN   campaigns c ON c.id = r.campaign_id AND c.active
            WHERE  r.due_at <= @now
              AND  (NOT EXISTS (SELECT 1 FROM operator_campaigns oc WHERE oc.operator_id = @operatorId)
                    OR EXISTS (SELECT 1 FROM operator_campaigns oc WHERE oc.operator_id = @operatorId AND oc.campaign_id = r.campaign_id))
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition(sql, new { operatorId, now = time.GetUtcNow() }, cancellationToken: ct));
    }

    /// <summary>The campaign's script section (docs/operators.md "Script"); the default text when it has none.</summary>
    public async Task<CampaignScript> ScriptAsync(long campaignId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var json = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT (definition -> 'script')::text FROM campaigns WHERE id = @campaignId", new { campaignId }, cancellationToken: ct));
        return json is null or "null" ? new CampaignScript()
            : System.Text.Json.JsonSerializer.Deserialize<CampaignScript>(json, CampaignDefinition.Json) ?? new CampaignScript();
    }

    /// <summary>The CPI sites, by name, for the appointment's CPI field.</summary>
    public async Task<IReadOnlyList<DeskCpi>> CpisAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<DeskCpi>(new CommandDefinition("SELECT code AS Code, name AS Name FROM cpi_offices ORDER BY name, code",
            cancellationToken: ct))).ToList();
    }

    sealed record CallRow(long AttemptId, long CampaignId, string CampaignName, string Mode, string AttemptState, string FirstName, string Surname,
        DateOnly? BirthOn, string? ComuneCode, string? LastContractType, DateOnly? LastEndOn, string? ComuneName, string? Employer, string? CpiCode,
        string? CpiName, int Attempts, bool IsCallback, string Phone, DateTime? AnsweredAt, DateTime? EndedAt, string? CallSid);

    sealed record CallbackRow(long Id, string PersonName, string CampaignName, DateTime DueAt, string State);
}
