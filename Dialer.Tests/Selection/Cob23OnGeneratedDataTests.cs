using Dialer.Core.Campaigns;
using Dialer.Core.Notices;
using Dialer.Core.Selection;
using Dialer.Worker.Notices;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Selection;

/// <summary>
/// Cob23's selection (women aged 30–44 living in the Comune di Milano, dismissed in a period, still without work six
/// months on, with an Italian mobile) on a generated dataset, through import and selection, against the generator's
/// own record of each person.
/// </summary>
public sealed class Cob23OnGeneratedDataTests : DatabaseTest
{
    static readonly DateOnly AsOf = new(2026, 11, 1);

    [Test]
    public async Task The_selected_are_exactly_the_people_the_generator_made_eligible()
    {
        var generator = new NoticeGenerator(new GeneratorOptions { People = 12000, Seed = 23, AsOf = AsOf, RecordTruth = true });
        var folder = Path.Combine(Path.GetTempPath(), $"dialer-cob23-{Guid.NewGuid():N}");
        NoticeDatasetWriter.Write(generator, folder, DatasetFormat.Csv);
        try
        {
            await new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance).RunAsync(NoticeInput.FromPaths([folder]));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        var definition = new CampaignDefinition
        {
            Slug = "cob23",
            Name = "Cob23",
            CallerId = "+390277404040",
            Territory = new Territory { Comuni = ["F205"] },
            Cohort = new Cohort
            {
                Sex = "F", AgeMin = 30, AgeMax = 44,
                EndedFrom = new DateOnly(2024, 1, 1), EndedTo = new DateOnly(2026, 3, 31),
                CessationCauses = ["LI"],
            },
            MinMonthsSinceEnd = 6,
        };
        var (campaign, _) = await new CampaignStore(Db).ApplyAsync(definition, default);

        var selected = new List<string>();
        await foreach (var row in new Eligibility(Db).EachPersonAsync(campaign, AsOf, default))
            if (row.Outcome == SelectionRules.SelectedCode) selected.Add(row.Cf);
        var cascade = await new Eligibility(Db).PreviewAsync(campaign, AsOf, default);

        var expected = generator.Truth.Where(p =>
                !p.EmployedOnAsOf && p.LastEndOn is { } end
                && end <= AsOf.AddMonths(-6) && end >= definition.Cohort.EndedFrom && end <= definition.Cohort.EndedTo
                && p.LastCessationCause == "LI" && p.ItalianMobile && p.Domicile == "F205" && p.Sex == 'F'
                && Age(p.Birth, AsOf) is >= 30 and <= 44)
            .Select(p => p.Cf).ToList();
        TestContext.Out.WriteLine($"{cascade.Considered} considered, {expected.Count} eligible by the generator's record, {selected.Count} selected");
        Assert.Multiple(() =>
        {
            Assert.That(expected, Has.Count.GreaterThan(5), "the dataset must make the comparison meaningful");
            Assert.That(selected, Is.EquivalentTo(expected));
            Assert.That(cascade.Eligible, Is.EqualTo(expected.Count));
            Assert.That(cascade.Steps.Single(s => s.Rule == "outside_territory").Excluded, Is.GreaterThan(0));
            Assert.That(cascade.Steps.Single(s => s.Rule == "cohort_cessation_cause").Excluded, Is.GreaterThan(0));
        });
    }

    static int Age(DateOnly birth, DateOnly on) => on.Year - birth.Year - (on < birth.AddYears(on.Year - birth.Year) ? 1 : 0);
}
