using System.Globalization;
using Dialer.Core.Notices;
using Dialer.Worker.Notices;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Notices;

/// <summary>
/// An import into an empty store takes its own path (notices COPYed straight into their table, chains, spells, people
/// and contacts worked out in memory by FirstLoadState and COPYed too); anything else merges through the staging tables
/// with SQL. Both must store the same, row for row.
/// </summary>
public sealed class FirstLoadTests : DatabaseTest
{
    // Someone known only from a contact list: importing them first makes the store non-empty.
    static readonly string Bystander = CodiceFiscale.Compose("ZETA", "OSVALDO", 'M', new DateOnly(1950, 3, 3), "L219");

    [TestCase(400, 7)]
    [TestCase(3000, 31)]
    public async Task A_first_load_stores_exactly_what_the_merge_of_the_same_files_into_a_store_stores(int people, int seed)
    {
        var folder = Directory.CreateTempSubdirectory("dialer-first-load-").FullName;
        try
        {
            // Corrections, cancellations, duplicates, provisional codes, bad rows and contact lists: the generator mixes them in.
            NoticeDatasetWriter.Write(new NoticeGenerator(new GeneratorOptions { People = people, Seed = seed, InvalidShare = 0.02 }), folder, DatasetFormat.Csv);
            // and a few notices with defects in secondary fields, which both paths import with the same warnings
            var secondary = CsvNotice.Input("secondary.csv",
                new CsvNotice { Code = "9900000000000001", EmployerCf = "01234567890" },
                new CsvNotice { Code = "9900000000000002", Workplace = "MILANO", EmployerName = "ESEMPIO\u0001SRL" },
                new CsvNotice { Code = "9900000000000003", Occupation = new string('5', 100) });
            NoticeInput[] files = [NoticeInput.FromFile(Path.Combine(folder, "notices.csv")), NoticeInput.FromFile(Path.Combine(folder, "contacts.csv")), secondary];
            var (first, firstLoad, merged, mergedStore) = await ImportBothWaysAsync(files);

            Assert.Multiple(() =>
            {
                Assert.That(firstLoad["notices"], Has.Count.GreaterThan(people), "the dataset is not trivially small");
                Assert.That(firstLoad["notice_revisions"], Is.Not.Empty, "the dataset has corrections or cancellations");
                Assert.That(firstLoad["person_contacts"], Is.Not.Empty, "the dataset has phone numbers");
                Assert.That(firstLoad["notice_warnings"], Has.Count.EqualTo(4), "the secondary defects are kept as warnings");
                Assert.That(firstLoad["people"].Count(p => p.Contains(",t,", StringComparison.Ordinal) && !p.Contains(",t,,", StringComparison.Ordinal)),
                    Is.GreaterThan(0), "some provisional codes are linked");
                Assert.That(first.Imported + first.Corrected + first.Cancelled, Is.EqualTo(merged.Imported + merged.Corrected + merged.Cancelled));
                Assert.That(first.Quarantined, Is.EqualTo(merged.Quarantined).And.GreaterThan(0));
                Assert.That(first.PeopleUpdated, Is.EqualTo(firstLoad["people"].Count));
                foreach (var (table, rows) in firstLoad)
                    Assert.That(mergedStore[table], Is.EqualTo(rows), table);
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The cases the generator makes rarely or never, in one file: a correction of a correction arriving before both,
    /// corrections sent at the same time (the code decides), a cancelled correction, a correction whose original never
    /// arrives, notices without data invio, a provisional code with one successor, one with two and one whose birth place picks one of two, and people known
    /// only from a contact list.
    /// </summary>
    [Test]
    public async Task A_first_load_resolves_the_rare_cases_as_the_merge_does()
    {
        var worker = CsvNotice.Worker;
        var twin1 = CodiceFiscale.Compose("BIANCHI", "LUCA", 'M', new DateOnly(1990, 1, 2), "F205");
        var twin2 = CodiceFiscale.Compose("BIANCHI", "LUCA", 'M', new DateOnly(1990, 1, 2), "L219");
        var linked = Provisional("9876543210");
        var ambiguous = Provisional("1234567890");
        var placed = Provisional("2222222222");
        var hire = new CsvNotice { Mobile = "333 111 2222" };
        var notices = CsvNotice.File(
            // a correction of a correction, before the correction and the original; the two corrections sent together
            hire with { Code = "0300024000000003", Type = "03", Previous = "0300024000000002", SentAt = "2024-01-10T09:00:00", End = "2024-08-31" },
            hire with { Code = "0300024000000002", Type = "03", Previous = "0300024000000001", SentAt = "2024-01-10T09:00:00", End = "2024-07-31" },
            hire,
            new CsvNotice { Code = "0300024000000004", Event = "PRO", SentAt = null, ExtensionEnd = "2024-12-31", End = "2024-08-31" },
            // a second job transformed to permanent, a third hired and cancelled through a correction
            hire with { Code = "0300024000000005", Start = "2025-01-07", End = "2025-03-31", SentAt = "2025-01-03T10:00:00", Mobile = "+39 333 999 8888" },
            new CsvNotice { Code = "0300024000000006", Event = "TRS", Start = "2025-01-07", End = "2025-03-31", TransformationOn = "2025-03-01",
                TransformationCode = "DI", Contract = "A.01.00", SentAt = "2025-02-27T10:00:00" },
            hire with { Code = "0300024000000007", Start = "2025-05-05", End = "2025-06-30", SentAt = null },
            hire with { Code = "0300024000000008", Type = "03", Previous = "0300024000000007", Start = "2025-05-05", End = "2025-07-31", SentAt = "2025-05-06T08:00:00" },
            hire with { Code = "0300024000000009", Type = "04", Previous = "0300024000000008", Start = "2025-05-05", End = "2025-07-31", SentAt = "2025-05-07T08:00:00" },
            // a correction whose original never arrives
            hire with { Code = "0300024000000010", Type = "03", Previous = "0300024000000099", Start = "2025-09-01", End = "2025-09-30" },
            // a provisional code and its one successor; another with two candidates (no birth place to choose by)
            hire with { Code = "0300024000000011", Cf = linked, Surname = "ROSSI", Name = "GIULIA", BirthPlace = "F205", Start = "2023-02-01", End = "2023-05-31",
                Mobile = "3471234567", SentAt = "2023-01-30T10:00:00" },
            hire with { Code = "0300024000000012", Cf = twin1, Surname = "BIANCHI", Name = "LUCA", Sex = "M", BirthDate = "1990-01-02", BirthPlace = "F205" },
            hire with { Code = "0300024000000013", Cf = twin2, Surname = "BIANCHI", Name = "LUCA", Sex = "M", BirthDate = "1990-01-02", BirthPlace = "L219" },
            hire with { Code = "0300024000000014", Cf = ambiguous, Surname = "BIANCHI", Name = "LUCA", Sex = "M", BirthDate = "1990-01-02", BirthPlace = null },
            hire with { Code = "0300024000000015", Cf = placed, Surname = "BIANCHI", Name = "LUCA", Sex = "M", BirthDate = "1990-01-02", BirthPlace = "L219" });
        var contacts = "codice_fiscale;cellulare;fonte;data\n" +
            $"{worker};3335556666;SAP;2024-03-01\n{worker};3335556666;SAP;2024-04-01\n{worker};3337778888;CPI;2023-01-01\n" +
            $"{linked};3401112222;SIISL;2024-02-02\n" +
            $"{CodiceFiscale.Compose("VERDI", "ANNA", 'F', new DateOnly(1975, 5, 5), "L219")};3209998877;SAP;2024-01-01\n" +
            $"{Provisional("5555555555")};0212345678;CPI;2024-01-01\n";
        NoticeInput[] files = [CsvNotice.Input("rare.csv", notices), CsvNotice.Input("rare-contacts.csv", contacts)];

        var (first, firstLoad, _, mergedStore) = await ImportBothWaysAsync(files);

        Assert.Multiple(() =>
        {
            Assert.That(first.QuarantinedByReason, Is.Empty, "every row of the files is valid");
            Assert.That(firstLoad["notice_revisions"], Has.Count.EqualTo(3), "three chains");
            Assert.That(firstLoad["people"].Single(p => p.StartsWith($"({linked},", StringComparison.Ordinal)), Does.Contain($",t,{worker},"));
            Assert.That(firstLoad["people"].Single(p => p.StartsWith($"({ambiguous},", StringComparison.Ordinal)), Does.Contain(",t,,"));
            Assert.That(firstLoad["people"].Single(p => p.StartsWith($"({placed},", StringComparison.Ordinal)), Does.Contain($",t,{twin2},"));
            foreach (var (table, rows) in firstLoad)
                Assert.That(mergedStore[table], Is.EqualTo(rows), table);
        });
    }

    static string Provisional(string first10) => first10 + CodiceFiscale.NumericCheckDigit(first10);

    /// <summary>The files imported into an empty store, and again, after clearing it, into a store holding someone else.</summary>
    static async Task<(ImportSummary First, Dictionary<string, List<string>> FirstLoad, ImportSummary Merged, Dictionary<string, List<string>> MergedStore)>
        ImportBothWaysAsync(NoticeInput[] files)
    {
        var ingest = new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance);
        var first = await ingest.RunAsync(files);
        var firstLoad = await SnapshotAsync();

        await ClearStoreAsync();
        await ingest.RunAsync([CsvNotice.Input("bystander.csv", $"codice_fiscale;cellulare;fonte;data\n{Bystander};+393331234567;SAP;2024-05-02\n")]);
        var merged = await ingest.RunAsync(files);
        return (first, firstLoad, merged, await SnapshotAsync());
    }

    [Test]
    public async Task A_first_load_leaves_the_keys_and_indexes_in_place_and_the_next_import_merges_into_them()
    {
        var before = await IndexesAsync();
        await new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance).RunAsync([CsvNotice.Input("first.csv", new CsvNotice())]);
        var afterFirstLoad = await IndexesAsync();
        // the same code again, and a second notice: the primary key of notices must be back to catch the duplicate
        var second = await new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance).RunAsync(
            [CsvNotice.Input("second.csv", new CsvNotice(), new CsvNotice { Code = "0300024000000002", Start = "2024-07-01", End = "2024-12-31" })]);
        await using var conn = await Db.OpenConnectionAsync();
        var keys = (await conn.QueryAsync<string>("""
            SELECT conname FROM pg_constraint
            WHERE  contype = 'p' AND conrelid IN ('notices'::regclass, 'people'::regclass, 'employment_spells'::regclass, 'person_contacts'::regclass)
            ORDER  BY conname
            """)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(keys, Is.EqualTo(new[] { "employment_spells_pkey", "notices_pkey", "people_pkey", "person_contacts_pkey" }));
            Assert.That(before, Has.Count.GreaterThan(8), "the migrations' indexes");
            Assert.That(afterFirstLoad, Is.EqualTo(before), "every index, as the migrations made it");
            Assert.That(second.Imported, Is.EqualTo(1));
            Assert.That(second.Duplicates, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_file_of_mostly_bad_rows_is_quarantined_as_it_streams_past_with_the_good_rows_between_them_imported()
    {
        // Four malformed rows after each notice: the rejections (12,000) outgrow what staging keeps in memory (10,000)
        // while the notices' COPY is open, on both paths.
        var lines = new List<string> { CsvNotice.Header };
        var start = new DateOnly(2015, 1, 1);
        for (var i = 0; i < 3000; i++)
        {
            var hired = start.AddDays(i);
            lines.Add(new CsvNotice { Code = $"0300024{i:D9}", Start = hired.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), End = hired.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }.ToLine());
            for (var bad = 0; bad < 4; bad++) lines.Add($"riga;non;valida;{i};{bad}");
        }
        var (first, firstLoad, merged, mergedStore) = await ImportBothWaysAsync([CsvNotice.Input("mostly-bad.csv", string.Join("\n", lines) + "\n")]);

        Assert.Multiple(() =>
        {
            Assert.That((first.Imported, first.Quarantined, first.QuarantinedByReason["Malformed"]), Is.EqualTo((3000L, 12000L, 12000L)));
            Assert.That((merged.Imported, merged.Quarantined), Is.EqualTo((3000L, 12000L)));
            Assert.That(firstLoad["notice_quarantine"], Has.Count.EqualTo(12000).And.Unique, "each bad row once, at its own line");
            Assert.That(firstLoad["notice_quarantine"][0], Is.EqualTo($"mostly-bad.csv|3|Malformed|5 columns where the header has {NoticeCsvReader.NoticeColumns.Length}"));
            Assert.That(firstLoad["employment_spells"], Has.Count.EqualTo(3000));
            foreach (var (table, rows) in firstLoad)
                Assert.That(mergedStore[table], Is.EqualTo(rows), table);
        });
    }

    [Test]
    public async Task Warnings_are_written_out_as_they_stream_past_and_every_one_is_kept_on_both_paths()
    {
        // Every notice drops its workplace comune with a warning: the warnings (12,000) outgrow what staging keeps in
        // memory (10,000) while the notices' COPY is open, on both paths.
        var lines = new List<string> { CsvNotice.Header };
        var start = new DateOnly(2015, 1, 1);
        for (var i = 0; i < 12000; i++)
        {
            var hired = start.AddDays(i % 3000);
            lines.Add(new CsvNotice
            {
                Code = $"0300024{i:D9}", Workplace = "XXXX",
                Start = hired.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), End = hired.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            }.ToLine());
        }
        var (first, firstLoad, merged, mergedStore) = await ImportBothWaysAsync([CsvNotice.Input("bad-workplaces.csv", string.Join("\n", lines) + "\n")]);

        Assert.Multiple(() =>
        {
            Assert.That((first.Imported, first.Quarantined, merged.Imported, merged.Quarantined), Is.EqualTo((12000L, 0L, 12000L, 0L)));
            Assert.That(firstLoad["notice_warnings"], Has.Count.EqualTo(12000).And.Unique, "each notice's warning once");
            foreach (var (table, rows) in firstLoad)
                Assert.That(mergedStore[table], Is.EqualTo(rows), table);
        });
    }

    [Test]
    public async Task A_first_load_over_its_memory_limit_is_rolled_back_and_merged_instead_with_the_same_result()
    {
        var folder = Directory.CreateTempSubdirectory("dialer-first-load-").FullName;
        try
        {
            NoticeDatasetWriter.Write(new NoticeGenerator(new GeneratorOptions { People = 4000, Seed = 11, InvalidShare = 0.02 }), folder, DatasetFormat.Csv);
            NoticeInput[] files = [NoticeInput.FromFile(Path.Combine(folder, "notices.csv")), NoticeInput.FromFile(Path.Combine(folder, "contacts.csv"))];
            var before = await IndexesAsync();
            var inMemory = await new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance).RunAsync(files);
            var inMemoryStore = await SnapshotAsync();
            await ClearStoreAsync();

            // 1 MB: the state outgrows it with the first chunk of notices, while their COPY is still open. (A reader left
            // waiting on the full channel would hang the import: fail instead.)
            var limited = await new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance, firstLoadMemoryLimit: 1 << 20).RunAsync(files).WaitAsync(TimeSpan.FromMinutes(2));
            var limitedStore = await SnapshotAsync();
            var after = await IndexesAsync();

            Assert.Multiple(() =>
            {
                Assert.That(inMemory.FirstLoad, Is.True, "the default limit holds a small first load");
                Assert.That(limited.FirstLoad, Is.False, "over the limit, the files were merged");
                Assert.That(limited with
                {
                    Elapsed = inMemory.Elapsed, StageSeconds = inMemory.StageSeconds, QuarantinedByReason = inMemory.QuarantinedByReason, FirstLoad = true,
                }, Is.EqualTo(inMemory), "the same counts, every record read once");
                Assert.That(limited.QuarantinedByReason, Is.EqualTo(inMemory.QuarantinedByReason).And.Not.Empty);
                Assert.That(limited.StageSeconds, Does.ContainKey("abandoned_first_load"), "the time lost is accounted for");
                Assert.That(inMemory.StageSeconds, Does.Not.ContainKey("abandoned_first_load"));
                Assert.That(inMemory.Read, Is.GreaterThan(8 * 1024), "more chunks of 1,024 records than the channel holds: the reader must be stopped, not left waiting");
                foreach (var (table, rows) in inMemoryStore)
                    Assert.That(limitedStore[table], Is.EqualTo(rows), table);
                Assert.That(after, Is.EqualTo(before), "the abandoned first load's dropped keys and indexes came back with its rollback");
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Every index of the import's tables (primary keys included), as defined.</summary>
    static async Task<List<string>> IndexesAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<string>("""
            SELECT indexdef FROM pg_indexes
            WHERE  tablename IN ('notices', 'notice_revisions', 'people', 'employment_spells', 'person_contacts')
            ORDER  BY indexname
            """)).ToList();
    }

    static async Task ClearStoreAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        await conn.ExecuteAsync("TRUNCATE notices, notice_revisions, people, employment_spells, person_contacts, notice_quarantine, notice_warnings");
    }

    /// <summary>Every stored row of the import's tables as text, in key order; the bystander and import times left out.</summary>
    static async Task<Dictionary<string, List<string>>> SnapshotAsync()
    {
        var queries = new Dictionary<string, string>
        {
            ["notices"] = "SELECT (n.*)::text FROM (SELECT code, previous_code, root_code, comm_type, event, sent_at, worker_cf, surname, name, sex, birth_on, " +
                "birth_place, domicile_comune, employer_cf, employer_name, workplace_comune, start_on, planned_end_on, extension_end_on, transformation_on, " +
                "transformation_code, cessation_on, cessation_cause, contract_type, permanent, occupation_code, phone_e164, phone_kind, email, is_original, sector_code " +
                "FROM notices) n ORDER BY n.code",
            ["notice_revisions"] = "SELECT (r.*)::text FROM notice_revisions r ORDER BY r.root_code",
            ["employment_spells"] = "SELECT (s.*)::text FROM employment_spells s ORDER BY s.person_cf, s.employer_cf, s.start_on",
            ["people"] = "SELECT (p.*)::text FROM (SELECT cf, provisional, successor_cf, sex, birth_on, birth_place, surname, name, domicile_comune, " +
                "mobile_e164, mobile_source, last_start_on, last_end_on, has_open_spell, last_contract_type, last_cessation_cause FROM people WHERE cf <> @Bystander) p ORDER BY p.cf",
            ["person_contacts"] = "SELECT (c.*)::text FROM person_contacts c WHERE c.cf <> @Bystander ORDER BY c.cf, c.source, c.phone_e164",
            ["notice_quarantine"] = "SELECT concat_ws('|', file_name, position, reason, message) FROM notice_quarantine ORDER BY file_name, position",
            ["notice_warnings"] = "SELECT concat_ws('|', file_name, position, notice_code, field, reason, message) FROM notice_warnings ORDER BY file_name, position, field",
        };
        await using var conn = await Db.OpenConnectionAsync();
        var snapshot = new Dictionary<string, List<string>>();
        foreach (var (table, sql) in queries)
            snapshot[table] = (await conn.QueryAsync<string>(sql, new { Bystander })).ToList();
        return snapshot;
    }
}
