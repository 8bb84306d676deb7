using Dialer.Core.Notices;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Notices;

/// <summary>
/// An import into an empty store takes its own path (notices COPYed straight into their table, keys built afterwards,
/// people inserted without a merge); anything else merges through the staging tables. Both must store the same.
/// </summary>
public sealed class FirstLoadTests : DatabaseTest
{
    // Someone known only from a contact list: importing them first makes the store non-empty.
    static readonly string Bystander = CodiceFiscale.Compose("ZETA", "OSVALDO", 'M', new DateOnly(1950, 3, 3), "L219");

    [Test]
    public async Task A_first_load_stores_exactly_what_the_merge_of_the_same_files_into_a_store_stores()
    {
        var folder = Directory.CreateTempSubdirectory("dialer-first-load-").FullName;
        try
        {
            // Corrections, cancellations, duplicates, provisional codes, bad rows and contact lists: the generator mixes them in.
            NoticeDatasetWriter.Write(new NoticeGenerator(new GeneratorOptions { People = 400, Seed = 7, InvalidShare = 0.02 }), folder, DatasetFormat.Csv);
            NoticeInput[] files = [NoticeInput.FromFile(Path.Combine(folder, "notices.csv")), NoticeInput.FromFile(Path.Combine(folder, "contacts.csv"))];
            var ingest = new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance);

            var first = await ingest.RunAsync(files);
            var firstLoad = await SnapshotAsync();

            await ClearStoreAsync();
            await ingest.RunAsync([CsvNotice.Input("bystander.csv", $"codice_fiscale;cellulare;fonte;data\n{Bystander};+393331234567;SAP;2024-05-02\n")]);
            var merged = await ingest.RunAsync(files);
            var mergedStore = await SnapshotAsync();

            Assert.Multiple(() =>
            {
                Assert.That(firstLoad["notices"], Has.Count.GreaterThan(400), "the dataset is not trivially small");
                Assert.That(firstLoad["notice_revisions"], Is.Not.Empty, "the dataset has corrections or cancellations");
                Assert.That(firstLoad["person_contacts"], Is.Not.Empty, "the dataset has phone numbers");
                Assert.That(first.Imported + first.Corrected + first.Cancelled, Is.EqualTo(merged.Imported + merged.Corrected + merged.Cancelled));
                Assert.That(first.Quarantined, Is.EqualTo(merged.Quarantined).And.GreaterThan(0));
                foreach (var (table, rows) in firstLoad)
                    Assert.That(mergedStore[table], Is.EqualTo(rows), table);
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task A_first_load_leaves_the_keys_and_indexes_in_place_and_the_next_import_merges_into_them()
    {
        await new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance).RunAsync([CsvNotice.Input("first.csv", new CsvNotice())]);
        // the same code again, and a second notice: the primary key of notices must be back to catch the duplicate
        var second = await new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance).RunAsync(
            [CsvNotice.Input("second.csv", new CsvNotice(), new CsvNotice { Code = "0300024000000002", Start = "2024-07-01", End = "2024-12-31" })]);
        await using var conn = await Db.OpenConnectionAsync();
        var keys = (await conn.QueryAsync<string>("""
            SELECT conname FROM pg_constraint
            WHERE  contype = 'p' AND conrelid IN ('notices'::regclass, 'people'::regclass, 'employment_spells'::regclass)
            ORDER  BY conname
            """)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(keys, Is.EqualTo(new[] { "employment_spells_pkey", "notices_pkey", "people_pkey" }));
            Assert.That(second.Imported, Is.EqualTo(1));
            Assert.That(second.Duplicates, Is.EqualTo(1));
        });
    }

    static async Task ClearStoreAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        await conn.ExecuteAsync("TRUNCATE notices, notice_revisions, people, employment_spells, person_contacts, notice_quarantine");
    }

    /// <summary>Every stored row of the import's tables as text, in key order; the bystander and import times left out.</summary>
    static async Task<Dictionary<string, List<string>>> SnapshotAsync()
    {
        var queries = new Dictionary<string, string>
        {
            ["notices"] = "SELECT (n.*)::text FROM (SELECT code, previous_code, root_code, comm_type, event, sent_at, worker_cf, surname, name, sex, birth_on, " +
                "birth_place, domicile_comune, employer_cf, employer_name, workplace_comune, start_on, planned_end_on, extension_end_on, transformation_on, " +
                "transformation_code, cessation_on, cessation_cause, contract_type, permanent, occupation_code, phone_e164, phone_kind, email, is_original " +
                "FROM notices) n ORDER BY n.code",
            ["notice_revisions"] = "SELECT (r.*)::text FROM notice_revisions r ORDER BY r.root_code",
            ["employment_spells"] = "SELECT (s.*)::text FROM employment_spells s ORDER BY s.person_cf, s.employer_cf, s.start_on",
            ["people"] = "SELECT (p.*)::text FROM (SELECT cf, provisional, successor_cf, sex, birth_on, birth_place, surname, name, domicile_comune, " +
                "mobile_e164, mobile_source, last_start_on, last_end_on, has_open_spell, last_contract_type, last_cessation_cause FROM people WHERE cf <> @Bystander) p ORDER BY p.cf",
            ["person_contacts"] = "SELECT (c.*)::text FROM person_contacts c WHERE c.cf <> @Bystander ORDER BY c.cf, c.source, c.phone_e164",
            ["notice_quarantine"] = "SELECT concat_ws('|', file_name, position, reason, message) FROM notice_quarantine ORDER BY file_name, position",
        };
        await using var conn = await Db.OpenConnectionAsync();
        var snapshot = new Dictionary<string, List<string>>();
        foreach (var (table, sql) in queries)
            snapshot[table] = (await conn.QueryAsync<string>(sql, new { Bystander })).ToList();
        return snapshot;
    }
}
