using Dialer.Core.Outcomes;

namespace Dialer.Tests.Outcomes;

/// <summary>
/// A campaign whose funnel is known by hand (docs/supervision.md "Tests"), written into the raw tables and then read
/// by the ledger's own refresh, so the pages show what the rules make of it. Campaign "ricontatto-primavera", 8 people
/// called and 2 held out:
/// <code>
///      selected  CPI        dialed (week)       answered  operator  disposition      hiring after the call
///  P1  2 Mar     MI_CENTRO  3 Mar (2 Mar)       yes       carla     intake_accepted  permanent 1 Apr (stable, retained)
///  P2  2 Mar     MI_CENTRO  3 Mar (2 Mar)       yes       carla     refused          fixed-term 4 May – 31 Jul (not stable)
///  P3  2 Mar     MI_CENTRO  10 Mar (9 Mar)      yes       luca      intake_accepted  —
///  P4  2 Mar     MI_CENTRO  10 Mar (9 Mar)      no answer —         —                —
///  P5  2 Mar     MI_NORD    never               —         —         —                —
///  P6  6 Apr     MI_NORD    7 Apr (6 Apr)       yes       luca      intake_accepted  hired 1 Apr, before selection: none
///  P7  6 Apr     MI_NORD    7 Apr (6 Apr)       yes       carla     call_back        —
///  P8  6 Apr     MI_NORD    8 Apr (6 Apr)       machine   —         —                —
///  C1  2 Mar     MI_CENTRO  held out                                                  hired 1 May
///  C2  2 Mar     MI_CENTRO  held out                                                  —
/// </code>
/// Funnel: selected 8, queued 7, dialed 7, answered 5, right person 5, intake 3, attended 0, placed 2, retained 6m 1;
/// placed/answered 2/5, placed after intake/intake 1/3; control: selected 2. By CPI MI_CENTRO: 4 selected, 3 answered.
/// A second campaign, "equita-autunno", reaches 40 men and none of 40 women, so the women are flagged.
/// </summary>
static class ResultsScenario
{
    public static readonly DateOnly Today = new(2026, 11, 30);

    const string Sql = """
        INSERT INTO campaigns (slug, name, active, caller_id, definition) VALUES
            ('ricontatto-primavera', 'Ricontatto primavera', true, '+390200000000', '{"controlShare": 0.2, "attributionMonths": 12}'),
            ('equita-autunno', 'Equità autunno', true, '+390200000000', '{"controlShare": 0, "attributionMonths": 12}');
        INSERT INTO cpi_offices (code, name) VALUES ('MI_CENTRO', 'CPI Milano Centro'), ('MI_NORD', 'CPI Monza');
        INSERT INTO cpi_comuni (cpi_code, comune_code) VALUES ('MI_CENTRO', 'F205'), ('MI_NORD', 'F704');
        INSERT INTO comuni (code, name) VALUES ('F205', 'Milano'), ('F704', 'Monza');
        INSERT INTO operators (identity, display_name, cpi_code, created_at, updated_at) VALUES
            ('carla', 'Carla Bianchi', 'MI_CENTRO', now(), now()), ('luca', 'Luca Verdi', 'MI_NORD', now(), now());
        INSERT INTO operator_presence (operator_id, state, since) SELECT id, 'signed_out', now() FROM operators;

        INSERT INTO people (cf, provisional, sex, birth_on, birth_place, domicile_comune)
        SELECT cf, false, sex, birth_on, birth_place, comune FROM (VALUES
            ('PPPPPP80A01F205A', 'F', DATE '1980-01-01', 'F205', 'F205'),
            ('PPPPPP80A01F205B', 'M', DATE '1990-01-01', 'F205', 'F205'),
            ('PPPPPP80A01F205C', 'F', DATE '2003-01-01', 'Z129', 'F205'),
            ('PPPPPP80A01F205D', 'M', DATE '1970-01-01', 'Z600', 'F205'),
            ('PPPPPP80A01F205E', 'F', DATE '1985-01-01', 'F205', 'F704'),
            ('PPPPPP80A01F205F', 'M', DATE '1960-01-01', 'F205', 'F704'),
            ('PPPPPP80A01F205G', 'F', DATE '1995-01-01', 'F205', 'F704'),
            ('PPPPPP80A01F205H', 'M', DATE '1975-01-01', 'F205', 'F704'),
            ('CCCCCC80A01F205I', 'F', DATE '1980-01-01', 'F205', 'F205'),
            ('CCCCCC80A01F205J', 'M', DATE '1980-01-01', 'F205', 'F205')) v(cf, sex, birth_on, birth_place, comune);

        INSERT INTO contact_list_entries (campaign_id, person_cf, selected_on, priority, expires_on, state)
        SELECT 1, cf, selected_on, 1, selected_on + 60, state FROM (VALUES
            ('PPPPPP80A01F205A', DATE '2026-03-02', 'completed'), ('PPPPPP80A01F205B', DATE '2026-03-02', 'completed'),
            ('PPPPPP80A01F205C', DATE '2026-03-02', 'completed'), ('PPPPPP80A01F205D', DATE '2026-03-02', 'pending'),
            ('PPPPPP80A01F205E', DATE '2026-03-02', 'pending'), ('PPPPPP80A01F205F', DATE '2026-04-06', 'completed'),
            ('PPPPPP80A01F205G', DATE '2026-04-06', 'completed'), ('PPPPPP80A01F205H', DATE '2026-04-06', 'pending'),
            ('CCCCCC80A01F205I', DATE '2026-03-02', 'held_out'), ('CCCCCC80A01F205J', DATE '2026-03-02', 'held_out')) v(cf, selected_on, state);

        INSERT INTO call_attempts (campaign_id, person_cf, phone_e164, mode, created_at, placed_at, state, answered_at, ended_at, outcome)
        SELECT 1, cf, '+393330000000', 'progressive', at, at, 'ended', CASE WHEN outcome IN ('answered', 'machine') THEN at + interval '10 seconds' END,
               at + interval '3 minutes', outcome
        FROM (VALUES
            ('PPPPPP80A01F205A', TIMESTAMPTZ '2026-03-03 10:00+01', 'answered'),
            ('PPPPPP80A01F205B', TIMESTAMPTZ '2026-03-03 11:00+01', 'answered'),
            ('PPPPPP80A01F205C', TIMESTAMPTZ '2026-03-10 10:00+01', 'answered'),
            ('PPPPPP80A01F205D', TIMESTAMPTZ '2026-03-10 11:00+01', 'no_answer'),
            ('PPPPPP80A01F205F', TIMESTAMPTZ '2026-04-07 10:00+02', 'answered'),
            ('PPPPPP80A01F205G', TIMESTAMPTZ '2026-04-07 11:00+02', 'answered'),
            ('PPPPPP80A01F205H', TIMESTAMPTZ '2026-04-08 10:00+02', 'machine')) v(cf, at, outcome)
        ORDER BY at;

        INSERT INTO call_dispositions (attempt_id, code, operator_id, recorded_at)
        SELECT a.id, v.code, o.id, a.ended_at
        FROM (VALUES ('PPPPPP80A01F205A', 'intake_accepted', 'carla'), ('PPPPPP80A01F205B', 'refused', 'carla'),
                     ('PPPPPP80A01F205C', 'intake_accepted', 'luca'), ('PPPPPP80A01F205F', 'intake_accepted', 'luca'),
                     ('PPPPPP80A01F205G', 'call_back', 'carla')) v(cf, code, identity)
        JOIN call_attempts a ON a.person_cf = v.cf JOIN operators o ON o.identity = v.identity;

        INSERT INTO employment_spells (person_cf, employer_cf, start_on, contract_type, hired, planned_end_on, effective_end_on, end_reason) VALUES
            ('PPPPPP80A01F205A', '01234567890', '2026-04-01', 'A.01.00', true, NULL, NULL, NULL),
            ('PPPPPP80A01F205B', '01234567890', '2026-05-04', 'A.02.00', true, '2026-07-31', '2026-07-31', 'term'),
            ('PPPPPP80A01F205F', '01234567890', '2026-04-01', 'A.01.00', true, NULL, NULL, NULL),
            ('CCCCCC80A01F205I', '01234567890', '2026-05-01', 'A.01.00', true, NULL, NULL, NULL);

        -- The equity campaign: 40 men answered, 40 women never called.
        INSERT INTO people (cf, provisional, sex, birth_on, birth_place, domicile_comune)
        SELECT 'EQUITA' || lpad(i::text, 10, '0'), false, CASE WHEN i <= 40 THEN 'M' ELSE 'F' END, DATE '1980-01-01', 'F205', 'F205'
        FROM generate_series(1, 80) i;
        INSERT INTO contact_list_entries (campaign_id, person_cf, selected_on, priority, expires_on, state)
        SELECT 2, 'EQUITA' || lpad(i::text, 10, '0'), DATE '2026-09-07', 1, DATE '2026-11-07', 'pending' FROM generate_series(1, 80) i;
        INSERT INTO call_attempts (campaign_id, person_cf, phone_e164, mode, created_at, placed_at, state, answered_at, ended_at, outcome)
        SELECT 2, 'EQUITA' || lpad(i::text, 10, '0'), '+393330000000', 'progressive', TIMESTAMPTZ '2026-09-08 10:00+02',
               TIMESTAMPTZ '2026-09-08 10:00+02', 'ended', TIMESTAMPTZ '2026-09-08 10:00:10+02', TIMESTAMPTZ '2026-09-08 10:03+02', 'answered'
        FROM generate_series(1, 40) i;
        """;

    public static async Task BuildAsync(NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await conn.ExecuteAsync(Sql, transaction: tx);
        await OutcomeLedger.RefreshAsync(conn, tx, LedgerScope.All, Today, null, default);
        await tx.CommitAsync();
    }
}
