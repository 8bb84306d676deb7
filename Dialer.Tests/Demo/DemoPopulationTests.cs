using Dialer.Core.Campaigns;
using Dialer.Core.Notices;
using Dialer.Core.Selection;
using Dialer.Worker.Campaigns;
using Dialer.Worker.Demo;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dialer.Tests.Demo;

/// <summary>
/// The demo's synthetic population (docs/demo.md "The synthetic population and territory") through the real ingest and
/// the real nightly selection of the shipped Cob23 campaign: the campaign selects exactly the generated cohort.
/// </summary>
public sealed class DemoPopulationTests : DatabaseTest
{
    static readonly DateOnly Day = DemoPopulation.DefaultSelectionDay;
    // 02:00 in Rome (summer time) on the selection day, when the nightly job runs.
    static readonly DateTimeOffset Night = new(2023, 4, 3, 0, 0, 0, TimeSpan.Zero);

    string folder = null!;

    [SetUp]
    public void MakeFolder() => Directory.CreateDirectory(folder = Path.Combine(Path.GetTempPath(), $"dialer-demo-{Guid.NewGuid():N}"));

    [TearDown]
    public void RemoveFolder() => Directory.Delete(folder, recursive: true);

    [Test]
    public async Task The_shipped_Cob23_campaign_selects_exactly_the_generated_cohort_and_none_of_the_near_misses()
    {
        var population = DemoPopulation.Generate(3000, 7, Day);
        var csv = Path.Combine(folder, "notices.csv");
        population.WriteCsv(csv);
        var summary = await new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance).RunAsync(NoticeInput.FromPaths([csv]));
        Assert.That(summary.Quarantined, Is.Zero, "the history imports cleanly");
        Assert.That(summary.People, Is.EqualTo(population.People.Count));

        await new Territories(Db).ApplyAsync(Territories.Parse(await File.ReadAllTextAsync(Path.Combine(DemoFiles.Folder, DemoFiles.Territory))), default);
        var campaigns = new CampaignStore(Db);
        var definition = CampaignDefinition.Parse(await File.ReadAllTextAsync(Path.Combine(ShippedCampaigns.Folder, "cob23-donne-30-44.json")));
        var (campaign, _) = await campaigns.ApplyAsync(definition, default);

        // Each person's first failed rule, before the run: what the generator says each near miss and non-cohort person fails.
        var outcomes = new Dictionary<string, string>();
        await foreach (var row in new Eligibility(Db).EachPersonAsync(campaign, Day, default)) outcomes[row.Cf] = row.Outcome;

        var run = await new NightlySelection(Db, campaigns, new Eligibility(Db), new FakeTimeProvider(Night), NullLogger<NightlySelection>.Instance)
            .RunAsync(campaign.Slug, Day, SelectionTrigger.Schedule, default);
        await using var conn = await Db.OpenConnectionAsync();
        // Selected = called or held out in the control group.
        var listed = (await conn.QueryAsync<string>("SELECT person_cf FROM contact_list_entries WHERE campaign_id = @Id", new { campaign.Id })).ToList();

        var cohort = population.Cohort.Select(p => p.Cf).ToList();
        var nearMisses = population.People.Where(p => !p.InPool).Select(p => p.Cf).ToList();
        TestContext.Out.WriteLine($"{population.People.Count} people, {cohort.Count} in the cohort, {nearMisses.Count} near misses, {listed.Count} listed");
        Assert.Multiple(() =>
        {
            Assert.That(listed, Is.EquivalentTo(cohort));
            Assert.That(listed.Intersect(nearMisses), Is.Empty);
            Assert.That(run.Cascade.Eligible, Is.EqualTo(cohort.Count));
            foreach (var rule in new[] { "still_employed", "ended_too_recently", "no_italian_mobile", "outside_territory", "cohort_sex", "cohort_age",
                         "cohort_end_period", "cohort_cessation_cause" })
                Assert.That(run.Cascade.Steps.Single(s => s.Rule == rule).Excluded, Is.GreaterThan(0), $"someone fails {rule}");
            foreach (var person in population.People)
                Assert.That(outcomes[person.Cf], Is.EqualTo(Rule(person.NotInCohortBecause)), $"{person.NotInCohortBecause ?? "cohort"}");
        });
    }

    [Test]
    public void The_cohort_is_Cob23s_share_of_the_pool_and_the_pool_lives_in_the_demo_territory()
    {
        var comuni = Territories.Parse(File.ReadAllText(Path.Combine(DemoFiles.Folder, DemoFiles.Territory))).SelectMany(c => c.Comuni).ToHashSet();
        foreach (var size in new[] { 3000, 60000 })
        {
            var population = DemoPopulation.Generate(size, 7, Day);
            var pool = population.People.Where(p => p.InPool).ToList();
            var share = 6105.0 / 61648.0;
            Assert.Multiple(() =>
            {
                Assert.That(pool, Has.Count.EqualTo(size));
                Assert.That((double)population.Cohort.Count / pool.Count, Is.EqualTo(share).Within(0.01 * share), $"pool of {size}");
                Assert.That(population.Cohort.All(p => p.InPool));
                Assert.That(population.People.Count - size, Is.EqualTo((int)Math.Round(size * 0.05)), "near misses");
                Assert.That((double)pool.Count(p => p.Comune == "F205") / size, Is.EqualTo(0.6).Within(0.001), "living in Milano");
                Assert.That(population.People.Select(p => p.Comune).Distinct(), Is.SubsetOf(comuni));
                Assert.That(population.People.Select(p => p.Cf).Distinct().Count(), Is.EqualTo(population.People.Count), "unique codici fiscali");
                Assert.That(population.People.Where(p => p.Mobile is not null).Select(p => p.Mobile).Distinct().Count(),
                    Is.EqualTo(population.People.Count(p => p.Mobile is not null)), "unique mobiles");
                Assert.That(population.People.All(p => CodiceFiscale.Check(p.Cf) is null));
                Assert.That(pool.All(p => p.Mobile is { Length: 13 } m && m.StartsWith("+393", StringComparison.Ordinal)));
                Assert.That(pool.All(p => p.LastEnd <= Day.AddMonths(-6).AddDays(-7)), "out of work six months, a week clear");
                // What a pool this size would send to quarantine (the selection test imports a smaller one).
                Assert.That(population.HistoryNotices().Select(n => NoticeRules.Validate(n, out _)?.Message).Where(m => m is not null), Is.Empty);
            });
        }
        Assert.That(DemoPopulation.Comuni, Is.EquivalentTo(comuni), "the generator draws from the whole territory");
    }

    [Test]
    public void The_same_seed_gives_the_same_people_and_notices_and_another_seed_other_people()
    {
        var a = DemoPopulation.Generate(1000, 7, Day);
        var b = DemoPopulation.Generate(1000, 7, Day);
        var c = DemoPopulation.Generate(1000, 8, Day);
        Assert.Multiple(() =>
        {
            Assert.That(b.People, Is.EqualTo(a.People));
            Assert.That(b.Employers, Is.EqualTo(a.Employers));
            Assert.That(b.HistoryNotices().Select(Worker.Notices.NoticeDatasetWriter.CsvLine), Is.EqualTo(a.HistoryNotices().Select(Worker.Notices.NoticeDatasetWriter.CsvLine)));
            Assert.That(c.People.Select(p => p.Cf).Intersect(a.People.Select(p => p.Cf)).Count(), Is.LessThan(50));
        });
    }

    [Test]
    public async Task A_later_hiring_written_as_UniLav_XML_opens_a_spell_and_its_cessation_closes_it()
    {
        var population = DemoPopulation.Generate(200, 7, Day);
        var csv = Path.Combine(folder, "notices.csv");
        population.WriteCsv(csv);
        var ingest = new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance);
        await ingest.RunAsync(NoticeInput.FromPaths([csv]));

        var person = population.Cohort[0];
        var employer = population.Employers.First(e => e.Cf != person.EmployerCf);
        var hiring = DemoNotices.Hiring(person, employer, new DateOnly(2023, 5, 15), "A.01.00", null, DemoNotices.Code(7, 1));
        var hired = Path.Combine(folder, "hired.zip");
        DemoNotices.WriteXmlZip(hired, [hiring]);
        var first = await ingest.RunAsync(NoticeInput.FromPaths([hired]));
        var open = await SpellAsync(person.Cf, employer.Cf);

        var ceased = Path.Combine(folder, "ceased.zip");
        DemoNotices.WriteXmlZip(ceased, [DemoNotices.Cessation(hiring, new DateOnly(2023, 9, 29), "DV", DemoNotices.Code(7, 2))]);
        var second = await ingest.RunAsync(NoticeInput.FromPaths([ceased]));
        var closed = await SpellAsync(person.Cf, employer.Cf);
        Assert.Multiple(() =>
        {
            Assert.That((first.Imported, first.Quarantined, second.Imported, second.Quarantined), Is.EqualTo((1L, 0L, 1L, 0L)));
            Assert.That(open, Is.EqualTo((new DateOnly(2023, 5, 15), (DateOnly?)null, (string?)null, true)));
            Assert.That(closed, Is.EqualTo((new DateOnly(2023, 5, 15), (DateOnly?)new DateOnly(2023, 9, 29), (string?)"DV", false)));
        });
    }

    [Test]
    public void A_notice_the_ingest_would_refuse_and_a_selection_day_outside_Cob23s_period_are_refused()
    {
        var person = DemoPopulation.Generate(100, 7, Day).Cohort[0];
        var employer = new DemoEmployer("01234567890", "ALFA SRL", "82.99.99");
        Assert.Multiple(() =>
        {
            Assert.That(() => DemoNotices.Hiring(person, employer, new DateOnly(2023, 5, 15), "A.02.00", null, DemoNotices.Code(7, 1)),
                Throws.ArgumentException.With.Message.Contains("MissingPlannedEnd"));
            Assert.That(DemoNotices.Code(7, 1), Is.EqualTo("0380070000000001"));
            Assert.That(() => DemoPopulation.Generate(1000, 7, new DateOnly(2024, 4, 1)), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    static async Task<(DateOnly Start, DateOnly? End, string? Cause, bool Open)> SpellAsync(string cf, string employer)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.QuerySingleAsync<(DateOnly, DateOnly?, string?, bool)>("""
            SELECT s.start_on, s.effective_end_on, s.cessation_cause, p.has_open_spell
            FROM   employment_spells s JOIN people p ON p.cf = s.person_cf
            WHERE  s.person_cf = @cf AND s.employer_cf = @employer
            """, new { cf, employer });
    }

    // The cascade rule each of the generator's reasons names.
    static string Rule(string? because) => because switch
    {
        null => SelectionRules.SelectedCode,
        "re-employed" => "still_employed",
        "no mobile" => "no_italian_mobile",
        "man" => "cohort_sex",
        "resigned" => "cohort_cessation_cause",
        _ when because.StartsWith("ended in ", StringComparison.Ordinal) => "cohort_end_period",
        _ when because.StartsWith("ended ", StringComparison.Ordinal) => "ended_too_recently",
        _ when because.StartsWith("lives in ", StringComparison.Ordinal) => "outside_territory",
        _ when because.StartsWith("aged ", StringComparison.Ordinal) => "cohort_age",
        _ => because,
    };
}
