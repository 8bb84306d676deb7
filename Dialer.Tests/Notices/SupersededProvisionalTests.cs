using Dialer.Core.Campaigns;
using Dialer.Core.Notices;
using Dialer.Core.Selection;
using Dialer.Tests.Selection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Notices;

/// <summary>
/// A provisional codice fiscale linked to its definitive successor stays a row of people (successor_cf set): the
/// import counts it apart from the people, and what was recorded under it binds the successor.
/// </summary>
public sealed class SupersededProvisionalTests : DatabaseTest
{
    static readonly string ProvisionalCf = "9876543210" + CodiceFiscale.NumericCheckDigit("9876543210");

    /// <summary>The same person under a provisional code, an earlier job, no mobile: linked by surname, name, birth date and place.</summary>
    static CsvNotice EarlierUnderProvisional(CsvNotice definitive) => definitive with
    {
        Code = "0300024099999999", Cf = ProvisionalCf, Start = "2023-01-09", End = "2023-06-30", SentAt = "2023-01-08T10:00:00", Mobile = null,
    };

    [TestCase(true, TestName = "Import_counts_people_and_superseded_provisional_codes_apart_in_a_first_load")]
    [TestCase(false, TestName = "Import_counts_people_and_superseded_provisional_codes_apart_in_a_merge")]
    public async Task Import_counts_people_and_superseded_provisional_codes_apart(bool oneImport)
    {
        var definitive = Population.Eligible("ALFA");
        var ingest = new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance);

        ImportSummary summary;
        if (oneImport) summary = await ingest.RunAsync([CsvNotice.Input("both.csv", EarlierUnderProvisional(definitive), definitive)]);
        else
        {
            await ingest.RunAsync([CsvNotice.Input("first.csv", EarlierUnderProvisional(definitive))]);
            summary = await ingest.RunAsync([CsvNotice.Input("second.csv", definitive)]);
        }

        Assert.That((summary.People, summary.SupersededProvisional, summary.PeopleUpdated), Is.EqualTo((1L, 1L, 2L)));
    }

    [Test]
    public async Task An_objection_recorded_under_a_provisional_code_excludes_its_successor()
    {
        var definitive = Population.Eligible("ALFA");
        await Population.ImportAsync(EarlierUnderProvisional(definitive), definitive);
        await new ObjectionRegister(Db).AddAsync(ProvisionalCf, null, Population.AsOf.AddDays(-1), ObjectionChannel.Letter, "", default);
        var (campaign, _) = await new CampaignStore(Db).ApplyAsync(Population.Campaign(), default);

        var cascade = await new Eligibility(Db).PreviewAsync(campaign, Population.AsOf, default);

        await using var conn = await Db.OpenConnectionAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(await conn.ExecuteScalarAsync<string>("SELECT successor_cf FROM people WHERE cf = @ProvisionalCf", new { ProvisionalCf }),
                Is.EqualTo(definitive.Cf), "the provisional code is linked");
            Assert.That(cascade.Steps.Single(s => s.Rule == "objected").Excluded, Is.EqualTo(1));
            Assert.That(cascade.Eligible, Is.Zero);
        });
    }
}
