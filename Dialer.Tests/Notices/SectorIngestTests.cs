using Dialer.Core.Notices;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Notices;

/// <summary>
/// The employer's sector (ATECO, docs/notices-input.md) through the import: read from UniLav XML and from the CSV's
/// optional ateco column, a malformed one dropped with a warning, and each spell's sector that of its (latest) hiring,
/// moved by a correction. Each runs as a first load and as a merge where the two paths differ.
/// </summary>
public sealed class SectorIngestTests : DatabaseTest
{
    static readonly string Bystander = CodiceFiscale.Compose("ZETA", "OSVALDO", 'M', new DateOnly(1950, 3, 3), "L219");
    static readonly CsvNotice Hire = new();

    static Task<ImportSummary> ImportAsync(params NoticeInput[] inputs) => new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance).RunAsync(inputs);

    // A contact already stored makes the store non-empty: the import then merges instead of taking the first load's path.
    static async Task PrepareAsync(bool firstLoad)
    {
        if (!firstLoad)
            await ImportAsync(CsvNotice.Input("contacts.csv", $"codice_fiscale;cellulare;fonte;data\n{Bystander};3331234567;SAP;2024-01-01\n"));
    }

    static string Worker(int i) => CodiceFiscale.Compose("BIANCHI", "LUCA", 'M', new DateOnly(1980, 1, i), "F205");

    static async Task<Dictionary<string, string?>> NoticeSectorsAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<(string Code, string? Sector)>("SELECT code, sector_code FROM notices"))
            .ToDictionary(r => r.Code, r => r.Sector);
    }

    static async Task<Dictionary<string, string?>> SpellSectorsAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<(string Cf, string? Sector)>("SELECT person_cf, sector_code FROM employment_spells"))
            .ToDictionary(r => r.Cf, r => r.Sector);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task The_sector_is_read_from_XML_and_from_a_CSV_with_the_column_and_is_absent_without_it(bool firstLoad)
    {
        await PrepareAsync(firstLoad);
        var withSettore = UniLavXmlReaderTests.Hiring("0300024000000001", Worker(1));
        var withoutSettore = UniLavXmlReaderTests.Hiring("0300024000000002", Worker(2)).Replace("<Settore>56.10.11</Settore>", "", StringComparison.Ordinal);
        var withColumn = CsvNotice.Input("with.csv", Hire with { Code = "0300024000000003", Cf = Worker(3), Sector = "47.11.20" },
            Hire with { Code = "0300024000000004", Cf = Worker(4), Sector = "551000" },
            Hire with { Code = "0300024000000005", Cf = Worker(5), Sector = null });
        // A file written before the column existed: the header and every line without it.
        var header = string.Join(";", NoticeCsvReader.NoticeColumns.Where(c => c != "ateco"));
        var line = (Hire with { Code = "0300024000000006", Cf = Worker(6) }).ToLine();
        var withoutColumn = CsvNotice.Input("without.csv", header + "\n" + line[..line.LastIndexOf(';')] + "\n");

        var summary = await ImportAsync(CsvNotice.Input("with.xml", withSettore), CsvNotice.Input("without.xml", withoutSettore), withColumn, withoutColumn);

        var notices = await NoticeSectorsAsync();
        var spells = await SpellSectorsAsync();
        Assert.Multiple(() =>
        {
            Assert.That((summary.FirstLoad, summary.Imported, summary.Quarantined), Is.EqualTo((firstLoad, 6L, 0L)));
            Assert.That(notices, Is.EqualTo(new Dictionary<string, string?>
            {
                ["0300024000000001"] = "56.10.11",
                ["0300024000000002"] = null,
                ["0300024000000003"] = "47.11.20",
                ["0300024000000004"] = "55.10.00",
                ["0300024000000005"] = null,
                ["0300024000000006"] = null,
            }));
            Assert.That(spells, Is.EqualTo(new Dictionary<string, string?>
            {
                [Worker(1)] = "56.10.11",
                [Worker(2)] = null,
                [Worker(3)] = "47.11.20",
                [Worker(4)] = "55.10.00",
                [Worker(5)] = null,
                [Worker(6)] = null,
            }));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_malformed_sector_imports_the_notice_and_its_spell_without_it_and_with_a_warning(bool firstLoad)
    {
        await PrepareAsync(firstLoad);
        var input = CsvNotice.Input("bad-sector.csv", Hire with { Sector = "56/10/11" }, Hire with { Code = "0300024000000002", Cf = Worker(2) });

        var summary = await ImportAsync(input);

        await using var conn = await Db.OpenConnectionAsync();
        var warnings = (await conn.QueryAsync<(long Position, string Code, string Field, string Reason, string Message)>(
            "SELECT position, notice_code, field, reason, message FROM notice_warnings")).ToList();
        var spells = await SpellSectorsAsync();
        Assert.Multiple(async () =>
        {
            Assert.That((summary.Imported, summary.Quarantined), Is.EqualTo((2L, 0L)));
            Assert.That(await NoticeSectorsAsync(), Is.EqualTo(new Dictionary<string, string?> { [Hire.Code!] = null, ["0300024000000002"] = "56.10.11" }));
            Assert.That(spells, Is.EqualTo(new Dictionary<string, string?> { [CsvNotice.Worker] = null, [Worker(2)] = "56.10.11" }));
            Assert.That(warnings.Select(w => (w.Position, w.Code, w.Field, w.Reason)), Is.EqualTo(new[] { (2L, Hire.Code!, "ateco", "InvalidSector") }));
            Assert.That(warnings.Single().Message, Does.Contain("'56/10/11'").And.Contain("line 2"));
        });
    }

    public enum Arrival
    {
        /// <summary>The hiring and an extension, then (a merge) the correction of the hiring.</summary>
        CorrectionLater,
        /// <summary>The correction, waiting for its target, then the hiring and the extension.</summary>
        CorrectionFirst,
        /// <summary>All three in one first load.</summary>
        OneFile,
    }

    [TestCase(Arrival.CorrectionLater)]
    [TestCase(Arrival.CorrectionFirst)]
    [TestCase(Arrival.OneFile)]
    public async Task The_spell_takes_the_hirings_sector_not_a_later_notices_and_a_correction_of_the_hiring_moves_it(Arrival arrival)
    {
        var hire = Hire with { Sector = "56.10.11" };
        // The employer reported under another sector on a later notice: the job's sector stays the hiring's.
        var extension = Hire with { Code = "0300024000000002", Event = "PRO", ExtensionEnd = "2024-09-30", SentAt = "2024-06-20T09:00:00", Sector = "56.30.00" };
        var correction = Hire with { Code = "0300024000000003", Type = "03", Previous = Hire.Code, SentAt = "2024-01-10T09:00:00", Sector = "55.10.00" };

        string? beforeCorrection = null;
        switch (arrival)
        {
            case Arrival.CorrectionLater:
                await ImportAsync(CsvNotice.Input("a.csv", hire, extension));
                beforeCorrection = (await SpellSectorsAsync()).Single().Value;
                await ImportAsync(CsvNotice.Input("b.csv", correction));
                break;
            case Arrival.CorrectionFirst:
                await ImportAsync(CsvNotice.Input("b.csv", correction));
                await ImportAsync(CsvNotice.Input("a.csv", hire, extension));
                break;
            default:
                await ImportAsync(CsvNotice.Input("ab.csv", hire, extension, correction));
                break;
        }

        var spells = await SpellSectorsAsync();
        Assert.Multiple(() =>
        {
            if (arrival == Arrival.CorrectionLater) Assert.That(beforeCorrection, Is.EqualTo("56.10.11"), "the hiring's, not the later extension's");
            Assert.That(spells, Is.EqualTo(new Dictionary<string, string?> { [CsvNotice.Worker] = "55.10.00" }), "the correction's");
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_spell_known_only_from_later_notices_takes_the_latest_ones_sector(bool firstLoad)
    {
        await PrepareAsync(firstLoad);
        // A job hired before the data began: an extension, then a cessation sent later under another sector.
        var extension = Hire with { Event = "PRO", ExtensionEnd = "2024-09-30", SentAt = "2024-06-20T09:00:00", Sector = "56.10.11" };
        var cessation = Hire with { Code = "0300024000000002", Event = "CES", CessationOn = "2024-08-16", Cause = "LI", SentAt = "2024-08-17T09:00:00", Sector = "56.30.00" };

        await ImportAsync(CsvNotice.Input("later.csv", cessation, extension));

        Assert.That(await SpellSectorsAsync(), Is.EqualTo(new Dictionary<string, string?> { [CsvNotice.Worker] = "56.30.00" }));
    }
}
