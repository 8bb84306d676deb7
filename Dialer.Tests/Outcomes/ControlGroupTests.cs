using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Outcomes;
using Dialer.Core.Selection;
using Dialer.Tests.Selection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Outcomes;

public sealed class ControlGroupTests : DatabaseTest
{
    const string Consonants = "BCDFGLMNPRSTVZ";

    [Test]
    public async Task The_hash_in_the_database_and_in_code_agree_and_do_not_depend_on_anything_but_slug_and_person()
    {
        string[] cfs = ["RSSMRA80A01F205X", "BNCLCU79S03H501Y", "VRDGPP90E15Z110K", "XXXXXX00X00X000X"];
        await using var conn = await Db.OpenConnectionAsync();
        foreach (var cf in cfs)
        {
            var sql = await conn.ExecuteScalarAsync<double>("SELECT control_fraction('cob23-donne-30-44', @cf)", new { cf });
            Assert.That(ControlGroup.Fraction("cob23-donne-30-44", cf), Is.EqualTo(sql).Within(1e-12), cf);
        }
        Assert.Multiple(() =>
        {
            Assert.That(ControlGroup.Fraction("a", "RSSMRA80A01F205X"), Is.Not.EqualTo(ControlGroup.Fraction("b", "RSSMRA80A01F205X")),
                "another campaign draws another group");
            // A fixed value: changing the hash would silently move people between groups of running campaigns.
            Assert.That(ControlGroup.Fraction("cob23", "RSSMRA80A01F205X"), Is.EqualTo(0.09610080880504195).Within(1e-15));
        });
    }

    [Test]
    public void The_share_held_out_is_close_to_the_control_share_over_many_people()
    {
        var heldOut = Enumerable.Range(0, 20_000).Count(i => ControlGroup.IsHeldOut("cob23", $"P{i:D15}", 0.1m));
        Assert.That(heldOut, Is.InRange(1_800, 2_200), "10% of 20,000, within a margin far beyond chance (sd 42)");
    }

    [Test]
    public async Task Held_out_people_are_selected_and_recorded_but_never_queued()
    {
        var people = Enumerable.Range(0, 40).Select(i => Population.Eligible($"{Consonants[i % 14]}A{Consonants[i / 14]}ARO")).ToArray();
        await Population.ImportAsync(people);
        var campaigns = new CampaignStore(Db);
        var (campaign, _) = await campaigns.ApplyAsync(Population.Campaign() with { ControlShare = 0.5m }, default);
        var run = await new NightlySelection(Db, campaigns, new Eligibility(Db), TimeProvider.System, NullLogger<NightlySelection>.Instance)
            .RunAsync(campaign.Slug, Population.AsOf, SelectionTrigger.Manual, default);

        var expected = people.Where(p => ControlGroup.IsHeldOut(campaign.Slug, p.Cf!, 0.5m)).Select(p => p.Cf).Order().ToList();
        var morning = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2025, 6, 2, 7, 0, 0, TimeSpan.Zero));
        await new CallQueue(Db, morning, NullLogger<CallQueue>.Instance).FeedFromContactListAsync(campaign.Id, default);

        await using var conn = await Db.OpenConnectionAsync();
        var heldOut = (await conn.QueryAsync<string>("SELECT person_cf FROM contact_list_entries WHERE state = 'held_out' ORDER BY person_cf")).AsList();
        var queued = (await conn.QueryAsync<string>("SELECT person_cf FROM call_queue")).AsList();
        var ledger = await conn.QuerySingleAsync<(long Control, long Called, long Queued)>(
            "SELECT count(*) FILTER (WHERE control), count(*) FILTER (WHERE NOT control), count(*) FILTER (WHERE queued) FROM campaign_outcomes");
        Assert.Multiple(() =>
        {
            Assert.That(expected, Has.Count.InRange(10, 30), "a sample that has both groups");
            Assert.That(heldOut, Is.EqualTo(expected.Order(StringComparer.Ordinal)), "exactly the people the hash holds out");
            Assert.That(run.Cascade.HeldOut, Is.EqualTo(expected.Count));
            Assert.That(queued.Intersect(heldOut), Is.Empty, "no held-out person is queued");
            Assert.That(queued, Has.Count.EqualTo(people.Length - expected.Count));
            Assert.That(ledger, Is.EqualTo(((long)expected.Count, (long)(people.Length - expected.Count), (long)(people.Length - expected.Count))));
        });
    }

    [Test]
    public void Wilson_and_Newcombe_intervals_match_the_published_examples()
    {
        // Newcombe (1998), Statistics in Medicine 17: 81/263 (single proportion, Wilson) and 56/70 − 48/80 (method 10).
        var wilson = Proportions.Wilson(81, 263);
        var difference = Proportions.NewcombeDifference(56, 70, 48, 80)!;
        Assert.Multiple(() =>
        {
            Assert.That(wilson.Low, Is.EqualTo(0.2553).Within(5e-5));
            Assert.That(wilson.High, Is.EqualTo(0.3662).Within(5e-5));
            Assert.That(difference.Estimate, Is.EqualTo(0.2).Within(1e-9));
            Assert.That(difference.Low, Is.EqualTo(0.0524).Within(5e-5));
            Assert.That(difference.High, Is.EqualTo(0.3339).Within(5e-5));
        });
    }

    [Test]
    public void The_uplift_verdict_says_too_small_inconclusive_or_which_way()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OutcomeReports.Compare(0, 50, 500, 0, 0).Verdict, Is.EqualTo(UpliftVerdict.NoControlGroup));
            Assert.That(OutcomeReports.Compare(0.1m, 5, 180, 1, 20).Verdict, Is.EqualTo(UpliftVerdict.TooSmall), "20 held out");
            Assert.That(OutcomeReports.Compare(0.1m, 60, 900, 9, 100).Verdict, Is.EqualTo(UpliftVerdict.Inconclusive), "6.7% vs 9%");
            Assert.That(OutcomeReports.Compare(0.1m, 1080, 9000, 60, 1000).Verdict, Is.EqualTo(UpliftVerdict.Better), "12% vs 6%");
            Assert.That(OutcomeReports.Compare(0.1m, 540, 9000, 120, 1000).Verdict, Is.EqualTo(UpliftVerdict.Worse), "6% vs 12%");
            Assert.That(OutcomeReports.Compare(0.1m, 60, 900, 9, 100).Sentence, Does.StartWith("Con i dati attuali non si può concludere"));
        });
    }
}
