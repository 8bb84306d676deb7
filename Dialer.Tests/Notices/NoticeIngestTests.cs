using Dialer.Core.Notices;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Notices;

public sealed class NoticeIngestTests : DatabaseTest
{
    static readonly CsvNotice Hire = new();
    static readonly string Cf = CsvNotice.Worker;

    static NoticeIngest Ingest() => new(Db, NullLogger<NoticeIngest>.Instance);

    static Task<ImportSummary> ImportAsync(params NoticeInput[] inputs) => Ingest().RunAsync(inputs);

    static Task<ImportSummary> ImportAsync(string name, params CsvNotice[] rows) => ImportAsync(CsvNotice.Input(name, rows));

    sealed record Spell
    {
        public string PersonCf { get; init; } = "";
        public string EmployerCf { get; init; } = "";
        public DateOnly StartOn { get; init; }
        public string ContractType { get; init; } = "";
        public DateOnly? EffectiveEndOn { get; init; }
        public string? EndReason { get; init; }
        public string? CessationCause { get; init; }
    }

    static async Task<List<Spell>> SpellsAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<Spell>("""
            SELECT person_cf AS PersonCf, employer_cf AS EmployerCf, start_on AS StartOn, contract_type AS ContractType,
                   effective_end_on AS EffectiveEndOn, end_reason AS EndReason, cessation_cause AS CessationCause
            FROM employment_spells ORDER BY person_cf, employer_cf, start_on
            """)).ToList();
    }

    sealed record Person
    {
        public string Cf { get; init; } = "";
        public string? SuccessorCf { get; init; }
        public string? Sex { get; init; }
        public DateOnly? BirthOn { get; init; }
        public DateOnly? LastEndOn { get; init; }
        public bool HasOpenSpell { get; init; }
        public string? MobileE164 { get; init; }
        public string? MobileSource { get; init; }
    }

    static async Task<Person> PersonAsync(string cf)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.QuerySingleAsync<Person>("""
            SELECT cf, successor_cf AS SuccessorCf, sex, birth_on AS BirthOn, last_end_on AS LastEndOn, has_open_spell AS HasOpenSpell,
                   mobile_e164 AS MobileE164, mobile_source AS MobileSource
            FROM people WHERE cf = @cf
            """, new { cf });
    }

    [Test]
    public async Task Import_stores_notices_quarantines_the_bad_one_and_a_second_import_changes_nothing()
    {
        var input = CsvNotice.Input("co.csv",
            Hire,
            Hire with { Code = "0300024000000002", Event = "PRO", ExtensionEnd = "2024-09-30", SentAt = "2024-06-20T09:00:00" },
            Hire with { Code = "0300024000000003", Cf = "RSSGLI88D52F205A" },
            Hire with { Code = "0300024000000004", Event = "CES", CessationOn = "2024-08-16", Cause = "LI", SentAt = "2024-08-17T09:00:00" });

        var first = await ImportAsync(input);
        var spellsAfterFirst = await SpellsAsync();
        var second = await ImportAsync(input);

        await using var conn = await Db.OpenConnectionAsync();
        var quarantine = await conn.QuerySingleAsync<(long Count, string File, long Position, string Reason, string Raw)>(
            "SELECT count(*) OVER (), file_name, position, reason, raw FROM notice_quarantine");
        Assert.Multiple(async () =>
        {
            Assert.That((first.Files, first.Read, first.Imported, first.Duplicates, first.Quarantined), Is.EqualTo((1, 4L, 3L, 0L, 1L)));
            Assert.That(first.QuarantinedByReason, Is.EqualTo(new Dictionary<string, long> { ["InvalidWorkerCf"] = 1 }));
            Assert.That((second.Imported, second.Duplicates, second.Quarantined), Is.EqualTo((0L, 3L, 1L)));
            Assert.That(quarantine, Is.EqualTo((1L, "co.csv", 4L, "InvalidWorkerCf", (Hire with { Code = "0300024000000003", Cf = "RSSGLI88D52F205A" }).ToLine())));
            Assert.That(await SpellsAsync(), Is.EqualTo(spellsAfterFirst));
            Assert.That(await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM notices"), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task A_code_repeated_within_one_import_keeps_its_first_copy_in_file_order()
    {
        var first = CsvNotice.Input("a.csv",
            Hire with { End = "2024-06-30" },
            Hire with { End = "2024-07-31", EmployerName = "SECONDA COPIA SRL" });
        var second = CsvNotice.Input("b.csv",
            Hire with { End = "2024-08-31", EmployerName = "TERZA COPIA SRL" },
            Hire with { Code = "0300024000000002", Event = "PRO", ExtensionEnd = "2024-09-30", SentAt = "2024-06-20T09:00:00" },
            Hire with { Code = "0300024000000002", Event = "PRO", ExtensionEnd = "2024-12-31", SentAt = "2024-06-21T09:00:00" });

        var summary = await ImportAsync(first, second);

        await using var conn = await Db.OpenConnectionAsync();
        var stored = (await conn.QueryAsync<(string Code, DateOnly? PlannedEnd, DateOnly? ExtensionEnd, string EmployerName)>(
            "SELECT code, planned_end_on, extension_end_on, employer_name FROM notices ORDER BY code")).ToList();
        Assert.Multiple(async () =>
        {
            Assert.That((summary.Read, summary.Imported, summary.Duplicates), Is.EqualTo((5L, 2L, 3L)));
            Assert.That(stored, Is.EqualTo(new[]
            {
                ("0300024000000001", (DateOnly?)new DateOnly(2024, 6, 30), (DateOnly?)null, "ESEMPIO RISTORAZIONE SRL"),
                ("0300024000000002", (DateOnly?)new DateOnly(2024, 6, 30), (DateOnly?)new DateOnly(2024, 9, 30), "ESEMPIO RISTORAZIONE SRL"),
            }));
            Assert.That((await SpellsAsync()).Single().EffectiveEndOn, Is.EqualTo(new DateOnly(2024, 9, 30)));
        });
    }

    [Test]
    public async Task Every_quarantine_reason_is_stored_with_file_position_and_raw_line()
    {
        var cases = NoticeRulesTestsCases().ToList();
        var rows = cases.Select((c, i) => c.Row with { Code = c.Row.Code == Hire.Code ? $"03000240000001{i:00}" : c.Row.Code }).ToArray();

        var summary = await ImportAsync("bad.csv", rows);

        await using var conn = await Db.OpenConnectionAsync();
        var stored = (await conn.QueryAsync<(long Position, string Reason, string Raw)>(
            "SELECT position, reason, raw FROM notice_quarantine ORDER BY position")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(summary.Quarantined, Is.EqualTo(rows.Length));
            Assert.That(summary.Imported, Is.Zero);
            Assert.That(stored.Select(s => s.Reason), Is.EqualTo(cases.Select(c => c.Reason.ToString())));
            Assert.That(stored.Select(s => s.Position), Is.EqualTo(Enumerable.Range(2, rows.Length).Select(i => (long)i)));
            Assert.That(stored.Select(s => s.Raw), Is.EqualTo(rows.Select(r => r.ToLine())));
        });
    }

    static IEnumerable<(CsvNotice Row, QuarantineReason Reason)> NoticeRulesTestsCases() =>
        typeof(NoticeRulesTests).GetMethod("Rejections", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .Invoke(null, null) is IEnumerable<TestCaseData> data
            ? data.Select(d => ((CsvNotice)d.Arguments[0]!, (QuarantineReason)d.Arguments[1]!))
            : [];

    [Test]
    public async Task Fixed_term_contract_ends_naturally_on_its_planned_date_without_a_cessation()
    {
        await ImportAsync("h.csv", Hire);

        var spell = (await SpellsAsync()).Single();
        var person = await PersonAsync(Cf);

        Assert.Multiple(() =>
        {
            Assert.That((spell.EffectiveEndOn, spell.EndReason), Is.EqualTo(((DateOnly?)new DateOnly(2024, 6, 30), "term")));
            Assert.That((person.LastEndOn, person.HasOpenSpell), Is.EqualTo(((DateOnly?)new DateOnly(2024, 6, 30), false)));
            Assert.That((person.Sex, person.BirthOn), Is.EqualTo(("F", (DateOnly?)new DateOnly(1988, 4, 12))));
        });
    }

    [Test]
    public async Task Extension_moves_the_end_and_a_later_cessation_ends_it_early()
    {
        await ImportAsync("h.csv", Hire, Hire with { Code = "0300024000000002", Event = "PRO", ExtensionEnd = "2024-09-30", SentAt = "2024-06-20T09:00:00" });
        var extended = (await SpellsAsync()).Single();

        await ImportAsync("c.csv", Hire with { Code = "0300024000000003", Event = "CES", End = "2024-06-30", CessationOn = "2024-08-16", Cause = "LI", SentAt = "2024-08-17T09:00:00" });
        var ceased = (await SpellsAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That((extended.EffectiveEndOn, extended.EndReason), Is.EqualTo(((DateOnly?)new DateOnly(2024, 9, 30), "term")));
            Assert.That((ceased.EffectiveEndOn, ceased.EndReason, ceased.CessationCause), Is.EqualTo(((DateOnly?)new DateOnly(2024, 8, 16), "cessation", "LI")));
        });
    }

    [Test]
    public async Task Transformation_to_permanent_removes_the_end()
    {
        await ImportAsync("t.csv", Hire,
            Hire with { Code = "0300024000000002", Event = "TRS", End = null, TransformationOn = "2024-05-01", TransformationCode = "DI", Contract = "A.01.00", SentAt = "2024-05-02T09:00:00" });

        var spell = (await SpellsAsync()).Single();
        var person = await PersonAsync(Cf);

        Assert.Multiple(() =>
        {
            Assert.That((spell.ContractType, spell.EffectiveEndOn, spell.EndReason), Is.EqualTo(("A.01.00", (DateOnly?)null, (string?)null)));
            Assert.That((person.LastEndOn, person.HasOpenSpell), Is.EqualTo(((DateOnly?)null, true)));
        });
    }

    static readonly CsvNotice Correction = Hire with { Code = "0300024000000002", Type = "03", Previous = Hire.Code, End = "2024-03-31", SentAt = "2024-01-10T09:00:00" };
    static readonly CsvNotice Cancellation = Hire with { Code = "0300024000000003", Type = "04", Previous = Hire.Code, SentAt = "2024-01-08T18:00:00" };

    [TestCase(true)]
    [TestCase(false)]
    public async Task Correction_replaces_its_target_whichever_arrives_first(bool targetFirst)
    {
        if (targetFirst) await ImportAsync("a.csv", Hire);
        var summary = await ImportAsync("b.csv", Correction);
        if (!targetFirst) await ImportAsync("a.csv", Hire);

        var spell = (await SpellsAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(summary.Corrected, Is.EqualTo(1));
            Assert.That(spell.EffectiveEndOn, Is.EqualTo(new DateOnly(2024, 3, 31)));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Cancellation_retracts_its_target_whichever_arrives_first(bool targetFirst)
    {
        if (targetFirst) await ImportAsync("a.csv", Hire);
        var summary = await ImportAsync("b.csv", Cancellation);
        if (!targetFirst) await ImportAsync("a.csv", Hire);

        var spells = await SpellsAsync();
        var person = await PersonAsync(Cf);

        Assert.Multiple(() =>
        {
            Assert.That(summary.Cancelled, Is.EqualTo(1));
            Assert.That(spells, Is.Empty);
            Assert.That((person.LastEndOn, person.HasOpenSpell), Is.EqualTo(((DateOnly?)null, false)));
        });
    }

    [Test]
    public async Task Same_notices_in_any_order_and_batching_converge_to_the_same_state()
    {
        var other = CodiceFiscale.Compose("BIANCHI", "LUCA", 'M', new DateOnly(1979, 11, 3), "H501");
        var notices = new[]
        {
            Hire,
            Hire with { Code = "0300024000000002", Event = "PRO", ExtensionEnd = "2024-09-30", SentAt = "2024-06-20T09:00:00" },
            Hire with { Code = "0300024000000003", Type = "03", Previous = "0300024000000002", Event = "PRO", ExtensionEnd = "2024-10-31", SentAt = "2024-06-21T09:00:00" },
            Hire with { Code = "0300024000000004", Type = "03", Previous = "0300024000000003", Event = "PRO", ExtensionEnd = "2024-11-30", SentAt = "2024-06-22T09:00:00" },
            Hire with { Code = "0300024000000005", Cf = other, Surname = "BIANCHI", Name = "LUCA", BirthDate = "1979-11-03", BirthPlace = "H501", Start = "2024-02-01", End = "2024-12-31", Mobile = "3391234567" },
            Hire with { Code = "0300024000000006", Type = "04", Previous = "0300024000000005", Cf = other, Surname = "BIANCHI", Name = "LUCA", BirthDate = "1979-11-03", BirthPlace = "H501", Start = "2024-02-01", End = "2024-12-31", SentAt = "2024-01-30T09:00:00" },
            Hire with { Code = "0300024000000007", Cf = other, Surname = "BIANCHI", Name = "LUCA", BirthDate = "1979-11-03", BirthPlace = "H501", Start = "2024-03-01", Contract = "A.01.00", End = null, SentAt = "2024-02-28T09:00:00" },
            Hire with { Code = "0300024000000008", Cf = other, Event = "CES", Surname = "BIANCHI", Name = "LUCA", BirthDate = "1979-11-03", BirthPlace = "H501", Start = "2024-03-01", Contract = "A.01.00", End = null, CessationOn = "2024-07-15", Cause = "DV", SentAt = "2024-07-16T09:00:00" },
        };
        var orders = new[]
        {
            new[] { 0, 1, 2, 3, 4, 5, 6, 7 },
            new[] { 7, 6, 5, 4, 3, 2, 1, 0 },
            new[] { 3, 5, 1, 7, 0, 2, 6, 4 },
            new[] { 2, 4, 6, 0, 3, 1, 7, 5 },
        };

        var states = new List<string>();
        foreach (var (order, index) in orders.Select((o, i) => (o, i)))
        {
            await CleanDatabaseAsync();
            // Batches of different sizes, so that chains arrive both within one import and across imports.
            var batchSize = index + 1;
            foreach (var batch in order.Chunk(batchSize))
                await ImportAsync($"p{index}.csv", batch.Select(i => notices[i]).ToArray());
            states.Add(await SnapshotAsync());
        }

        Assert.Multiple(() =>
        {
            Assert.That(states.Distinct().Count(), Is.EqualTo(1), string.Join("\n---\n", states));
            Assert.That(states[0], Does.Contain("2024-11-30").And.Contain("2024-07-15"), "the latest correction and the cessation count");
            Assert.That(states[0], Does.Not.Contain("2024-12-31"), "the cancelled hiring is gone");
        });
    }

    static async Task<string> SnapshotAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        var spells = await conn.QueryAsync<string>("""
            SELECT concat_ws('|', person_cf, employer_cf, start_on, contract_type, planned_end_on, extension_end_on, permanent_on,
                             cessation_on, cessation_cause, effective_end_on, end_reason, hired)
            FROM employment_spells ORDER BY 1
            """);
        var people = await conn.QueryAsync<string>("""
            SELECT concat_ws('|', cf, successor_cf, sex, birth_on, surname, name, domicile_comune, mobile_e164, mobile_source,
                             last_start_on, last_end_on, has_open_spell, last_contract_type, last_cessation_cause)
            FROM people ORDER BY 1
            """);
        return string.Join("\n", spells.Concat(people));
    }

    static string Provisional(string first10) => first10 + CodiceFiscale.NumericCheckDigit(first10);

    [TestCase(true)]
    [TestCase(false)]
    public async Task Provisional_codice_fiscale_is_linked_to_its_successor_and_its_jobs_follow(bool provisionalFirst)
    {
        var provisional = Provisional("9876543210");
        var definitive = CodiceFiscale.Compose("POPESCU", "ANA", 'F', new DateOnly(1990, 2, 3), "Z129");
        var early = Hire with { Code = "0300024000000011", Cf = provisional, Surname = "POPESCU", Name = "ANA", BirthDate = "1990-02-03", BirthPlace = "Z129", Start = "2023-01-09", End = "2023-06-30", SentAt = "2023-01-08T10:00:00", Mobile = "3401112233" };
        var later = Hire with { Code = "0300024000000012", Cf = definitive, Surname = "POPESCU", Name = "ANA", BirthDate = "1990-02-03", BirthPlace = "Z129", Start = "2024-01-09", End = "2024-03-31" };

        await ImportAsync("1.csv", provisionalFirst ? early : later);
        await ImportAsync("2.csv", provisionalFirst ? later : early);

        var spells = await SpellsAsync();
        var person = await PersonAsync(definitive);
        var old = await PersonAsync(provisional);

        Assert.Multiple(() =>
        {
            Assert.That(spells.Select(s => (s.PersonCf, s.StartOn)), Is.EqualTo(new[] { (definitive, new DateOnly(2023, 1, 9)), (definitive, new DateOnly(2024, 1, 9)) }));
            Assert.That(old.SuccessorCf, Is.EqualTo(definitive));
            Assert.That((person.LastEndOn, person.MobileE164), Is.EqualTo(((DateOnly?)new DateOnly(2024, 3, 31), "+393401112233")));
        });
    }

    [Test]
    public async Task Best_mobile_follows_the_source_priority_and_ignores_landlines()
    {
        await ImportAsync("h.csv", Hire with { Mobile = "3331111111" });
        var fromNotice = await PersonAsync(Cf);
        var contacts = "codice_fiscale;cellulare;fonte;data\n" +
            $"{Cf};3332222222;SIISL;2024-05-01\n" +
            $"{Cf};3333333333;SAP;2023-01-01\n" +
            $"{Cf};02 1234567;CPI;2024-06-01\n" +
            $"{Cf};12;CPI;2024-06-01\n";

        var summary = await ImportAsync(CsvNotice.Input("contacts.csv", contacts));
        var enriched = await PersonAsync(Cf);

        Assert.Multiple(() =>
        {
            Assert.That((fromNotice.MobileE164, fromNotice.MobileSource), Is.EqualTo(("+393331111111", "CO")));
            Assert.That((summary.Contacts, summary.Quarantined), Is.EqualTo((3L, 1L)));
            Assert.That((enriched.MobileE164, enriched.MobileSource), Is.EqualTo(("+393333333333", "SAP")), "SAP outranks SIISL and CO; a CPI landline is no mobile");
        });
    }

    [Test]
    public async Task Quarantine_lists_rejected_records_newest_first_and_by_reason()
    {
        await ImportAsync("q.csv", Hire with { Cf = "XX" }, Hire with { Code = "0300024000000002", Contract = "Q.00.00" });

        var all = await new NoticeQuarantine(Db).ListAsync(null, 10, CancellationToken.None);
        var unknown = await new NoticeQuarantine(Db).ListAsync("UnknownContractType", 10, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(all.Select(r => r.Reason), Is.EquivalentTo(new[] { "InvalidWorkerCf", "UnknownContractType" }));
            Assert.That(unknown.Single().Position, Is.EqualTo(3));
            Assert.That(unknown.Single().FileName, Is.EqualTo("q.csv"));
        });
    }
}
