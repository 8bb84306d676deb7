using Dialer.Core.Notices;
using Dialer.Worker.Notices;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Notices;

public sealed class NoticeGeneratorTests : DatabaseTest
{
    string folder = "";

    [SetUp]
    public void CreateFolder() => folder = Directory.CreateTempSubdirectory("dialer-generate-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(folder, recursive: true);

    static GeneratorOptions Options(int people) => new() { People = people, Seed = 42, AsOf = new DateOnly(2026, 11, 1), InvalidShare = 0.05 };

    [TestCase(DatasetFormat.Csv, 400)]
    [TestCase(DatasetFormat.Xml, 120)]
    public async Task Generated_dataset_imports_with_the_counts_its_generator_reports(DatasetFormat format, int people)
    {
        var manifest = NoticeDatasetWriter.Write(new NoticeGenerator(Options(people)), folder, format);

        var summary = await new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance).RunAsync(NoticeInput.FromPaths([folder]));

        await using var conn = await Db.OpenConnectionAsync();
        var (persons, withMobile) = await conn.QuerySingleAsync<(long, long)>(
            "SELECT count(*), count(mobile_e164) FROM people WHERE successor_cf IS NULL");
        var (noticesWithoutSector, spellsWithoutSector, sectors) = await conn.QuerySingleAsync<(long, long, long)>("""
            SELECT (SELECT count(*) FROM notices WHERE sector_code IS NULL),
                   (SELECT count(*) FROM employment_spells WHERE sector_code IS NULL),
                   (SELECT count(DISTINCT sector_code) FROM employment_spells)
            """);
        Assert.Multiple(() =>
        {
            Assert.That(manifest.NoticesByType.GetValueOrDefault("03"), Is.Positive, "the dataset has corrections");
            Assert.That(manifest.NoticesByType.GetValueOrDefault("04"), Is.Positive, "the dataset has cancellations");
            Assert.That(manifest.Invalid, Is.Positive, "the dataset has invalid records");
            Assert.That(summary.Imported, Is.EqualTo(manifest.Notices - manifest.NoticesByType.GetValueOrDefault("03") - manifest.NoticesByType.GetValueOrDefault("04")));
            Assert.That(summary.Corrected, Is.EqualTo(manifest.NoticesByType.GetValueOrDefault("03")));
            Assert.That(summary.Cancelled, Is.EqualTo(manifest.NoticesByType.GetValueOrDefault("04")));
            Assert.That(summary.Duplicates, Is.Zero);
            Assert.That(summary.Contacts, Is.EqualTo(manifest.Contacts));
            Assert.That(summary.QuarantinedByReason, Is.EquivalentTo(manifest.InvalidByReason));
            Assert.That(persons, Is.EqualTo(manifest.People));
            Assert.That(withMobile, Is.EqualTo(manifest.PeopleWithMobile));
            Assert.That((noticesWithoutSector, spellsWithoutSector), Is.EqualTo((0L, 0L)), "every notice and spell has its employer's sector");
            Assert.That(sectors, Is.GreaterThan(1), "employers of several kinds");
        });
    }

    [Test]
    public void Same_seed_gives_the_same_files_and_another_seed_does_not()
    {
        var again = Directory.CreateTempSubdirectory("dialer-generate-").FullName;
        var other = Directory.CreateTempSubdirectory("dialer-generate-").FullName;
        try
        {
            NoticeDatasetWriter.Write(new NoticeGenerator(Options(200)), folder, DatasetFormat.Csv);
            NoticeDatasetWriter.Write(new NoticeGenerator(Options(200)), again, DatasetFormat.Csv);
            NoticeDatasetWriter.Write(new NoticeGenerator(Options(200) with { Seed = 43 }), other, DatasetFormat.Csv);

            var first = File.ReadAllText(Path.Combine(folder, "notices.csv"));
            Assert.Multiple(() =>
            {
                Assert.That(File.ReadAllText(Path.Combine(again, "notices.csv")), Is.EqualTo(first));
                Assert.That(File.ReadAllText(Path.Combine(again, "contacts.csv")), Is.EqualTo(File.ReadAllText(Path.Combine(folder, "contacts.csv"))));
                Assert.That(File.ReadAllText(Path.Combine(other, "notices.csv")), Is.Not.EqualTo(first));
            });
        }
        finally
        {
            Directory.Delete(again, true);
            Directory.Delete(other, true);
        }
    }
}
