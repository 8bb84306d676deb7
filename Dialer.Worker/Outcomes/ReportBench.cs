using System.CommandLine;
using System.Diagnostics;
using Dialer.Core.Database;
using Dialer.Core.Notices;
using Dialer.Core.Outcomes;
using Dialer.Worker.CommandLine;
using Dialer.Worker.Notices;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Worker.Outcomes;

/// <summary>
/// `dialer bench report` (docs/benchmarks.md "Outcomes"): a campaign's funnel over N people and M calls, from the rollups
/// (goal p95 ≤ 20 ms) and from the ledger's per-person rows (goal p95 ≤ 250 ms), against a count of the campaign's
/// contact list as the baseline of the same run; and the placement upkeep a 20,000-notice increment of hirings adds to
/// the import (goal ≤ 1 s). People come from the generator through the real import; campaign, calls and outcomes are
/// written in SQL, shaped like Cob23 (90% answered, 39% intake, 12% placed, a 10% control group).
/// </summary>
static class ReportBench
{
    const int Increment = 20_000;

    public static Command Command()
    {
        var people = new Option<int>("--people") { Description = "People in the store (generated and imported).", DefaultValueFactory = _ => 2_000_000 };
        var calls = new Option<int>("--calls") { Description = "Call attempts of the campaign.", DefaultValueFactory = _ => 500_000 };
        var runs = new Option<int>("--runs") { Description = "Measured runs of each funnel query.", DefaultValueFactory = _ => 50 };
        var keep = new Option<bool>("--keep") { Description = "Keep the scratch database afterwards (dropped by default)." };
        var withRaw = new Option<bool>("--raw") { Description = "Also time one funnel from the raw tables (minutes at full size)." };
        var command = new Command("report", "Outcomes: the funnel over N people and M calls from the rollups (goal p95 ≤ 20 ms) and from the " +
            "ledger's rows (goal p95 ≤ 250 ms), and the placement upkeep added to a 20,000-notice increment (goal ≤ 1 s). " +
            "Runs in a scratch database '<database>_bench_report'.") { people, calls, runs, keep, withRaw };
        command.SetAction(async (parse, ct) =>
        {
            var builder = CommandHost.CreateBuilder();
            await using var database = await CommandHost.AttachDatabaseAsync(builder, ct);
            var configured = builder.Configuration.GetConnectionString(DatabaseAttachment.ConnectionStringName)!;
            var scratch = await BenchApiHost.CreateScratchAsync(configured, "bench_report", ct);
            var folder = Directory.CreateTempSubdirectory("dialer-bench-report-").FullName;
            try
            {
                await using var db = NpgsqlDataSource.Create(scratch);
                await RunAsync(db, parse.GetValue(people), parse.GetValue(calls), parse.GetValue(runs), parse.GetValue(withRaw), folder, ct);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
                if (!parse.GetValue(keep)) await BenchApiHost.DropScratchAsync(configured, "bench_report", ct);
            }
            return 0;
        });
        return command;
    }

    static async Task RunAsync(NpgsqlDataSource db, int people, int calls, int runs, bool withRaw, string folder, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var clock = Stopwatch.StartNew();
        Console.Out.WriteLine($"Generating and importing {people:N0} people…");
        NoticeDatasetWriter.Write(new NoticeGenerator(new GeneratorOptions { People = people, Seed = 16, AsOf = today, MaxNotices = 3 * people }),
            folder, DatasetFormat.Csv, ct);
        var ingest = new NoticeIngest(db, NullLogger<NoticeIngest>.Instance);
        var load = await ingest.RunAsync([NoticeInput.FromFile(Path.Combine(folder, "notices.csv"))], ct: ct);
        Console.Out.WriteLine($"  {load.People:N0} people from {load.Read:N0} notices in {load.Elapsed.TotalSeconds:0.0} s");

        Console.Out.WriteLine($"Writing a campaign with {calls:N0} calls…");
        var mark = clock.Elapsed;
        await using (var conn = await db.OpenConnectionAsync(ct))
            await conn.ExecuteAsync(new CommandDefinition(ScenarioSql, new { calls, entries = calls * 8 / 9, today = today.ToDateTime(TimeOnly.MinValue) },
                cancellationToken: ct, commandTimeout: 0));
        Console.Out.WriteLine($"  written in {(clock.Elapsed - mark).TotalSeconds:0.0} s");

        mark = clock.Elapsed;
        var ledger = new OutcomeLedger(db, TimeProvider.System);
        var entries = await ledger.RefreshAsync(LedgerScope.All, null, ct);
        var rebuild = clock.Elapsed - mark;
        await using (var conn = await db.OpenConnectionAsync(ct))
            await conn.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE campaign_outcomes, funnel_rollup, contact_list_entries", cancellationToken: ct, commandTimeout: 0));

        var funnel = new Funnel(db, TimeProvider.System);
        var campaignId = (await funnel.CampaignIdAsync("bench-report", ct))!.Value;
        var filter = new FunnelFilter(campaignId);
        var baseline = await MeasureAsync(runs, async () =>
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await conn.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM contact_list_entries WHERE campaign_id = @campaignId",
                new { campaignId }, cancellationToken: ct));
        });
        var rollup = await MeasureAsync(runs, () => funnel.ReportAsync(filter, FunnelBy.None, FunnelSource.Rollup, ct));
        var rollupByWeek = await MeasureAsync(runs, () => funnel.ReportAsync(filter, FunnelBy.Week, FunnelSource.Rollup, ct));
        var rollupByCpi = await MeasureAsync(runs, () => funnel.ReportAsync(filter with { Cpi = "BENCH_1" }, FunnelBy.Operator, FunnelSource.Rollup, ct));
        var ledgerRuns = Math.Max(5, runs / 5);
        var fromLedger = await MeasureAsync(ledgerRuns, () => funnel.ReportAsync(filter, FunnelBy.None, FunnelSource.Ledger, ct));
        List<double>? raw = null;
        if (withRaw)
        {
            var rawWatch = Stopwatch.StartNew();
            await funnel.ReportAsync(filter, FunnelBy.None, FunnelSource.Raw, ct);
            raw = [rawWatch.Elapsed.TotalMilliseconds];
        }
        var report = await funnel.ReportAsync(filter, FunnelBy.None, FunnelSource.Rollup, ct);

        // The upkeep: 20,000 of the campaign's answered people hired last week, as an increment through the real import.
        var hires = Path.Combine(folder, "hires.csv");
        await WriteHiresAsync(db, hires, today, ct);
        var increment = await ingest.RunAsync([NoticeInput.FromFile(hires)], ct: ct);
        var upkeep = increment.StageSeconds.GetValueOrDefault("outcomes");
        if (increment.Imported < increment.Read)
            Console.Out.WriteLine($"warning: {increment.Read - increment.Imported:N0} of the increment's notices were not imported ({increment.Quarantined:N0} quarantined)");

        var t = report.Total.Counts;
        Console.Out.WriteLine();
        Console.Out.WriteLine($"Outcomes on {Environment.ProcessorCount} cores (load average {BenchApiHost.LoadAverage()}): {load.People:N0} people, " +
            $"{t.Selected + report.Control.Selected:N0} selected ({report.Control.Selected:N0} held out), {calls:N0} calls, {t.Answered:N0} answered, " +
            $"{t.Intake:N0} intakes, {t.Placed:N0} placed");
        Console.Out.WriteLine($"  ledger rebuilt for {entries:N0} entries (the nightly pass) in {rebuild.TotalSeconds:0.00} s");
        Print("baseline: count of the contact list", baseline, null);
        Print("funnel from rollups", rollup, 20);
        Print("funnel from rollups, by week", rollupByWeek, 20);
        Print("funnel from rollups, one CPI by operator", rollupByCpi, 20);
        Print("funnel from the ledger's rows", fromLedger, 250);
        if (raw is not null) Print("funnel from the raw tables (1 run)", raw, null);
        Console.Out.WriteLine($"  placement upkeep in a {increment.Read:N0}-notice increment: {upkeep:0.00} s of {increment.Elapsed.TotalSeconds:0.00} s   " +
            $"goal ≤ 1 s: {(upkeep <= 1 ? "met" : "MISSED")}");
        Console.Out.WriteLine("Ratios (same run):");
        Console.Out.WriteLine($"  rollups p95 / baseline p95                 {Percentile(rollup, 0.95) / Percentile(baseline, 0.95),6:0.00}");
        Console.Out.WriteLine($"  ledger p95 / baseline p95                  {Percentile(fromLedger, 0.95) / Percentile(baseline, 0.95),6:0.00}");
        Console.Out.WriteLine($"  ledger p95 / rollups p95                   {Percentile(fromLedger, 0.95) / Percentile(rollup, 0.95),6:0.0}");
        Console.Out.WriteLine($"  upkeep / increment                         {upkeep / increment.Elapsed.TotalSeconds,6:0.00}");
    }

    static void Print(string what, List<double> ms, double? goal)
    {
        var p95 = Percentile(ms, 0.95);
        var verdict = goal is { } g ? $"goal p95 ≤ {g:0} ms: {(p95 <= g ? "met" : "MISSED")}" : "";
        Console.Out.WriteLine($"  {what,-42} p50 {Percentile(ms, 0.5),8:0.0} ms  p95 {p95,8:0.0} ms  {verdict}");
    }

    static double Percentile(List<double> ms, double p) => BenchApiHost.Percentile(ms, p);

    /// <summary>Runs the query once to warm up, then <paramref name="runs"/> times; the latencies in ms, sorted.</summary>
    static async Task<List<double>> MeasureAsync(int runs, Func<Task> query)
    {
        await query();
        var ms = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await query();
            ms.Add(watch.Elapsed.TotalMilliseconds);
        }
        ms.Sort();
        return ms;
    }

    /// <summary>
    /// The campaign: four CPIs over the comuni, twenty operators, a contact list of people with a mobile (8/9 of the
    /// calls: 90% of them called once, the rest of the calls second attempts) selected over the last year (10% held out by the real hash), the calls (90% of the called answer, 39% of those accept an
    /// intake, half of the appointments attended) and the hirings after them (12% of the answered, 6% of the held out).
    /// </summary>
    const string ScenarioSql = """
        SELECT setseed(0.16);
        INSERT INTO cpi_offices (code, name) SELECT 'BENCH_' || i, 'CPI di prova ' || i FROM generate_series(0, 3) i;
        INSERT INTO cpi_comuni (cpi_code, comune_code)
        SELECT 'BENCH_' || (abs(hashtext(c)) % 4), c FROM (SELECT DISTINCT domicile_comune c FROM people WHERE domicile_comune ~ '^[A-Z][0-9]{3}$') x;
        INSERT INTO operators (identity, display_name, cpi_code, created_at, updated_at)
        SELECT 'bench' || i, 'Operatore ' || i, 'BENCH_' || (i % 4), now(), now() FROM generate_series(1, 20) i;
        INSERT INTO campaigns (slug, name, active, caller_id, definition)
        VALUES ('bench-report', 'Bench report', false, '+390277404040', '{"controlShare": 0.1, "attributionMonths": 12}');

        INSERT INTO contact_list_entries (campaign_id, person_cf, selected_on, priority, expires_on, state, last_contacted_at)
        SELECT c.id, p.cf, d, 1, d + 30, CASE WHEN control_fraction('bench-report', p.cf) < 0.1 THEN 'held_out' ELSE 'completed' END, NULL
        FROM   people p CROSS JOIN (SELECT id FROM campaigns WHERE slug = 'bench-report') c
        CROSS  JOIN LATERAL (SELECT CAST(@today AS date) - 400 + (abs(hashtext(p.cf)) % 365) AS d) s
        WHERE  p.mobile_e164 IS NOT NULL AND p.successor_cf IS NULL
        ORDER  BY hashtext(p.cf) LIMIT @entries;

        -- The called people's first attempts, then further attempts of random people up to the number of calls.
        CREATE TEMP TABLE called AS
        SELECT e.campaign_id, e.person_cf, e.selected_on, random() AS r
        FROM   contact_list_entries e WHERE e.state = 'completed';
        INSERT INTO call_attempts (campaign_id, person_cf, phone_e164, mode, operator_id, created_at, placed_at, state, answered_at, ended_at, outcome)
        SELECT campaign_id, person_cf, '+393470000000', 'progressive', NULL, at, at, 'ended',
               CASE WHEN r < 0.9 THEN at + interval '8 seconds' END, at + interval '3 minutes', CASE WHEN r < 0.9 THEN 'answered' ELSE 'no_answer' END
        FROM   (SELECT *, (selected_on + 1 + (r * 20)::int)::timestamp + interval '9 hours' AS at FROM called) x;
        INSERT INTO call_attempts (campaign_id, person_cf, phone_e164, mode, created_at, placed_at, state, ended_at, outcome)
        SELECT campaign_id, person_cf, '+393470000000', 'progressive', at, at, 'ended', at + interval '30 seconds', 'no_answer'
        FROM   (SELECT *, (selected_on + 1)::timestamp + interval '8 hours' AS at FROM called ORDER BY random()
                LIMIT greatest(0, @calls - (SELECT count(*) FROM called))) x;
        INSERT INTO call_dispositions (attempt_id, code, operator_id, recorded_at)
        SELECT a.id, CASE WHEN random() < 0.39 THEN 'intake_accepted' ELSE 'refused' END, (SELECT min(id) FROM operators) + (a.id % 20),
               a.ended_at
        FROM   call_attempts a WHERE a.outcome = 'answered';
        INSERT INTO intakes (person_cf, taken_on, cpi_code, source)
        SELECT a.person_cf, a.ended_at::date, 'BENCH_0', 'dialer' FROM call_attempts a JOIN call_dispositions d ON d.attempt_id = a.id
        WHERE  d.code = 'intake_accepted';
        INSERT INTO appointments (attempt_id, intake_id, person_cf, cpi_code, starts_at, channel, reason, reminder_consent,
                                  privacy_notice_given, operator_id, attendance, booked_at, attendance_recorded_at, attendance_source,
                                  attendance_recorded_by)
        SELECT a.id, i.id, a.person_cf, 'BENCH_0', a.ended_at + interval '7 days', 'in_person', 'ACC', true, true, d.operator_id,
               CASE WHEN random() < 0.5 THEN 'P' ELSE 'AI' END, a.ended_at, a.ended_at + interval '8 days', 'import', 'bench'
        FROM   call_attempts a JOIN call_dispositions d ON d.attempt_id = a.id JOIN intakes i ON i.person_cf = a.person_cf
        WHERE  d.code = 'intake_accepted';

        -- Hirings with an employer of their own: 12% of the answered after the call, 6% of the held out after selection.
        INSERT INTO employment_spells (person_cf, employer_cf, start_on, employer_name, contract_type, hired, planned_end_on, effective_end_on, end_reason)
        SELECT person_cf, '00743110157', s, 'BENCH SPA', CASE WHEN random() < 0.3 THEN 'A.01.00' ELSE 'A.02.00' END, true,
               CAST(NULL AS date), CAST(NULL AS date), CAST(NULL AS text)
        FROM   (SELECT a.person_cf, (a.answered_at::date + 10 + (random() * 200)::int) AS s FROM call_attempts a
                WHERE a.outcome = 'answered' AND random() < 0.12) x
        WHERE  s <= CAST(@today AS date)
        UNION ALL
        SELECT person_cf, '00743110157', s, 'BENCH SPA', 'A.01.00', true, NULL, NULL, NULL
        FROM   (SELECT e.person_cf, e.selected_on + 10 + (random() * 300)::int AS s FROM contact_list_entries e
                WHERE e.state = 'held_out' AND random() < 0.06) y
        WHERE  s <= CAST(@today AS date)
        ON CONFLICT DO NOTHING;
        ANALYZE;
        """;

    /// <summary>
    /// An increment of hirings as an employer would file them: one permanent hiring notice, starting a week ago, for each
    /// of 20,000 answered people not yet placed, copied from the person's latest notice (so it passes the same checks).
    /// </summary>
    static async Task WriteHiresAsync(NpgsqlDataSource db, string path, DateOnly today, CancellationToken ct)
    {
        var sql = $"""
            COPY (
                SELECT lpad((9000000000000000 + row_number() OVER ())::text, 16, '0'), NULL, '01', 'ASS', to_char(now(), 'YYYY-MM-DD"T"HH24:MI:SS'),
                       n.worker_cf, n.surname, n.name, n.sex, n.birth_on, n.birth_place, n.domicile_comune, '00743110157', 'BENCH SPA',
                       n.workplace_comune, CAST(@start AS date), NULL, NULL, NULL, NULL, NULL, NULL, 'A.01.00', n.occupation_code, n.phone_e164, NULL, n.sector_code
                FROM  (SELECT DISTINCT ON (o.person_cf) n.*
                       FROM   campaign_outcomes o JOIN notices n ON n.worker_cf = o.person_cf
                       WHERE  o.answered_on IS NOT NULL AND o.placed_on IS NULL AND NOT o.control
                       ORDER  BY o.person_cf, n.code DESC LIMIT {Increment}) n
            ) TO STDOUT WITH (FORMAT csv, DELIMITER ';')
            """.Replace("@start", "'" + today.AddDays(-7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + "'", StringComparison.Ordinal);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using (var writer = new StreamWriter(path))
        {
            await writer.WriteLineAsync(string.Join(";", NoticeCsvReader.NoticeColumns));
            using var export = await conn.BeginTextExportAsync(sql, ct);
            await writer.WriteAsync(await export.ReadToEndAsync(ct));
        }
    }
}
