using Dialer.Core.Campaigns;
using Dialer.Core.Selection;
using Dialer.Tests.Notices;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Selection;

public sealed class SelectionTests : DatabaseTest
{
    CampaignStore Campaigns => new(Db);
    Eligibility Eligibility => new(Db);
    NightlySelection Selection => new(Db, Campaigns, Eligibility, TimeProvider.System, NullLogger<NightlySelection>.Instance);

    /// <summary>Fourteen people: two eligible, and one failing each of twelve rules.</summary>
    async Task<Dictionary<string, CsvNotice>> PopulateAsync()
    {
        var people = new Dictionary<string, CsvNotice>
        {
            ["eligible-recent"] = Population.Eligible("ALFA"),
            ["eligible-longest"] = Population.Eligible("BETA", end: "2024-03-31"),
            ["still_employed"] = Population.Eligible("GAMMA") with { Contract = "A.01.00", End = null },
            ["ended_too_recently"] = Population.Eligible("DELTA", end: "2025-03-31"),
            ["no_italian_mobile"] = Population.Eligible("EPSILON") with { Mobile = null },
            ["outside_territory"] = Population.Eligible("ZETA") with { Domicile = "B157" },
            ["cohort_sex"] = Population.Eligible("ETA", sex: 'M'),
            ["cohort_age"] = Population.Eligible("THETA", birth: "1970-03-03"),
            ["cohort_end_period"] = Population.Eligible("IOTA", start: "2023-01-09", end: "2023-10-31"),
            ["cohort_contract_type"] = Population.Eligible("OMICRON") with { Contract = "A.02.01" },
            ["objected"] = Population.Eligible("KAPPA"),
            ["taken_in_charge"] = Population.Eligible("LAMBDA"),
            ["contacted_recently"] = Population.Eligible("MU"),
            ["in_another_campaign"] = Population.Eligible("NU"),
        };
        await Population.ImportAsync([.. people.Values]);

        await new ObjectionRegister(Db).AddAsync(people["objected"].Cf!, null, Population.AsOf.AddDays(-30), ObjectionChannel.Phone, "", default);
        var (other, _) = await Campaigns.ApplyAsync(Population.Campaign("altra-campagna") with { Territory = new Territory { Comuni = ["B157"] } }, default);
        await using var conn = await Db.OpenConnectionAsync();
        await conn.ExecuteAsync("INSERT INTO intakes (person_cf, taken_on, source) VALUES (@cf, '2025-01-10', 'sintesi')", new { cf = people["taken_in_charge"].Cf });
        await conn.ExecuteAsync("""
            INSERT INTO contact_list_entries (campaign_id, person_cf, selected_on, priority, expires_on, state, last_contacted_at)
            VALUES (@id, @contacted, '2025-05-01', 1, '2025-05-31', 'completed', '2025-05-20T10:00:00Z'),
                   (@id, @listed, '2025-05-30', 2, '2025-06-29', 'pending', NULL)
            """, new { id = other.Id, contacted = people["contacted_recently"].Cf, listed = people["in_another_campaign"].Cf });
        return people;
    }

    [Test]
    public async Task Each_person_left_out_is_counted_under_the_first_rule_they_fail_in_order()
    {
        var people = await PopulateAsync();
        var (campaign, _) = await Campaigns.ApplyAsync(Population.Campaign(), default);

        var cascade = await Eligibility.PreviewAsync(campaign, Population.AsOf, default);

        var expected = SelectionRules.InOrder.ToDictionary(r => r.Code(), r => people.ContainsKey(r.Code()) ? 1L : 0L);
        Assert.Multiple(() =>
        {
            Assert.That(cascade.Considered, Is.EqualTo(people.Count));
            Assert.That(cascade.Steps.Select(s => s.Rule), Is.EqualTo(SelectionRules.InOrder.Select(r => r.Code())), "the cascade lists every rule in order");
            Assert.That(cascade.Steps.ToDictionary(s => s.Rule, s => s.Excluded), Is.EqualTo(expected));
            Assert.That(cascade.Steps[^1].Remaining, Is.EqualTo(2));
            Assert.That(cascade.Eligible, Is.EqualTo(2));
            Assert.That(cascade.Added, Is.Null, "a preview adds nobody");
            Assert.That(cascade.Steps.Select(s => s.Label), Has.All.Not.Empty);
        });
    }

    [Test]
    public async Task Every_person_considered_gets_one_outcome_and_the_export_agrees_with_the_cascade()
    {
        var people = await PopulateAsync();
        var (campaign, _) = await Campaigns.ApplyAsync(Population.Campaign(), default);

        var outcomes = new Dictionary<string, string>();
        await foreach (var row in Eligibility.EachPersonAsync(campaign, Population.AsOf, default)) outcomes.Add(row.Cf, row.Outcome);

        Assert.Multiple(() =>
        {
            foreach (var (expected, notice) in people)
                Assert.That(outcomes[notice.Cf!], Is.EqualTo(expected.StartsWith("eligible", StringComparison.Ordinal) ? "selected" : expected), expected);
        });
    }

    [Test]
    public async Task A_run_adds_the_eligible_in_priority_order_and_a_second_run_that_day_adds_nobody()
    {
        var people = await PopulateAsync();
        await Campaigns.ApplyAsync(Population.Campaign() with { ContactListDays = 20 }, default);

        var first = await Selection.RunAsync("donne-milano", Population.AsOf, SelectionTrigger.Manual, default);
        var second = await Selection.RunAsync("donne-milano", Population.AsOf, SelectionTrigger.Schedule, default);

        var entries = await EntriesAsync("donne-milano");
        Assert.Multiple(async () =>
        {
            Assert.That(first.AlreadyRan, Is.False);
            Assert.That(first.Cascade.Added, Is.EqualTo(2));
            Assert.That(entries.Select(e => e.PersonCf), Is.EqualTo(new[] { people["eligible-longest"].Cf, people["eligible-recent"].Cf }),
                "longest without work first");
            Assert.That(entries.Select(e => e.Priority), Is.EqualTo(new[] { 1, 2 }));
            Assert.That(entries.Select(e => e.ExpiresOn), Has.All.EqualTo(Population.AsOf.AddDays(20)));
            Assert.That(second.AlreadyRan, Is.True);
            Assert.That(second.Cascade, Is.EqualTo(first.Cascade).Using<Cascade>(SameCounts));
            Assert.That(await ScalarAsync("SELECT count(*) FROM selection_runs"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task The_next_day_people_already_listed_are_counted_as_such_and_not_added_again()
    {
        await PopulateAsync();
        await Campaigns.ApplyAsync(Population.Campaign(), default);
        await Selection.RunAsync("donne-milano", Population.AsOf, SelectionTrigger.Manual, default);

        var next = await Selection.RunAsync("donne-milano", Population.AsOf.AddDays(1), SelectionTrigger.Schedule, default);

        Assert.Multiple(async () =>
        {
            Assert.That(next.Cascade.Steps.Single(s => s.Rule == "already_listed").Excluded, Is.EqualTo(2));
            Assert.That(next.Cascade.Added, Is.Zero);
            Assert.That(await EntriesAsync("donne-milano"), Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task A_day_reads_the_same_before_and_after_its_run()
    {
        await PopulateAsync();
        var (campaign, _) = await Campaigns.ApplyAsync(Population.Campaign(), default);
        var before = await Eligibility.PreviewAsync(campaign, Population.AsOf, default);

        var run = await Selection.RunAsync("donne-milano", Population.AsOf, SelectionTrigger.Manual, default);
        var after = await Eligibility.PreviewAsync(campaign, Population.AsOf, default);

        Assert.Multiple(() =>
        {
            Assert.That(after, Is.EqualTo(before).Using<Cascade>(SameCounts));
            Assert.That(run.Cascade with { Added = null }, Is.EqualTo(before).Using<Cascade>(SameCounts));
        });
    }

    [Test]
    public async Task A_nightly_cap_adds_the_highest_priority_first_and_the_rest_on_later_nights()
    {
        var people = await PopulateAsync();
        await Campaigns.ApplyAsync(Population.Campaign() with { MaxPerNight = 1, Priority = SelectionPriority.MostRecentEndFirst }, default);

        var night1 = await Selection.RunAsync("donne-milano", Population.AsOf, SelectionTrigger.Schedule, default);
        var afterNight1 = (await EntriesAsync("donne-milano")).Select(e => e.PersonCf).ToList();
        var night2 = await Selection.RunAsync("donne-milano", Population.AsOf.AddDays(1), SelectionTrigger.Schedule, default);

        Assert.Multiple(async () =>
        {
            Assert.That(night1.Cascade.Eligible, Is.EqualTo(2));
            Assert.That(night1.Cascade.Added, Is.EqualTo(1));
            Assert.That(afterNight1, Is.EqualTo(new[] { people["eligible-recent"].Cf }), "most recent end first");
            Assert.That(night2.Cascade.Added, Is.EqualTo(1));
            Assert.That((await EntriesAsync("donne-milano")).Select(e => e.PersonCf),
                Is.EquivalentTo(new[] { people["eligible-recent"].Cf, people["eligible-longest"].Cf }));
        });
    }

    [Test]
    public async Task The_fast_count_and_first_batch_agree_with_the_cascade()
    {
        var people = await PopulateAsync();
        var (campaign, _) = await Campaigns.ApplyAsync(Population.Campaign(), default);

        var batch = await Eligibility.FirstBatchAsync(campaign, Population.AsOf, 1, default);
        var cascade = await Eligibility.PreviewAsync(campaign, Population.AsOf, default);

        Assert.Multiple(() =>
        {
            Assert.That(batch.Eligible, Is.EqualTo(cascade.Eligible));
            Assert.That(batch.First.Select(p => p.Cf), Is.EqualTo(new[] { people["eligible-longest"].Cf }));
            Assert.That(batch.First[0].Mobile, Does.StartWith("+39347"));
        });
    }

    [TestCase(6, null, 2)]
    [TestCase(12, null, 1)]
    [TestCase(6, 13, 1)]
    public async Task Months_since_the_end_bound_the_selection(int minMonths, int? maxMonths, int eligible)
    {
        // ALFA ended 30 June 2024 (11 months before 2 June 2025), BETA 31 March 2024 (14 months).
        await Population.ImportAsync(Population.Eligible("ALFA"), Population.Eligible("BETA", end: "2024-03-31"));
        var definition = Population.Campaign() with { MinMonthsSinceEnd = minMonths, MaxMonthsSinceEnd = maxMonths };
        var (campaign, _) = await Campaigns.ApplyAsync(definition, default);

        var cascade = await Eligibility.PreviewAsync(campaign, Population.AsOf, default);

        Assert.That(cascade.Eligible, Is.EqualTo(eligible));
    }

    [Test]
    public async Task An_objection_to_the_number_alone_also_excludes_the_person()
    {
        var person = Population.Eligible("ALFA");
        await Population.ImportAsync(person);
        await new ObjectionRegister(Db).AddAsync("RSSMRA80A01F205X", "+39" + person.Mobile, Population.AsOf.AddDays(-1), ObjectionChannel.Email, "", default);
        var (campaign, _) = await Campaigns.ApplyAsync(Population.Campaign(), default);

        var cascade = await Eligibility.PreviewAsync(campaign, Population.AsOf, default);

        Assert.That(cascade.Steps.Single(s => s.Rule == "objected").Excluded, Is.EqualTo(1));
    }

    [Test]
    public async Task A_territory_given_as_a_cpi_uses_the_comuni_loaded_for_it()
    {
        await Population.ImportAsync(Population.Eligible("ALFA"), Population.Eligible("BETA") with { Domicile = "C707" });
        await new Territories(Db).ApplyAsync([new CpiOffice("CINISELLO", "CPI Cinisello Balsamo", "", "", ["C707", "F205"])], default);
        var (campaign, _) = await Campaigns.ApplyAsync(Population.Campaign() with { Territory = new Territory { Cpi = "CINISELLO" } }, default);

        var cascade = await Eligibility.PreviewAsync(campaign, Population.AsOf, default);
        var batch = await Eligibility.FirstBatchAsync(campaign, Population.AsOf, 10, default);

        Assert.Multiple(() =>
        {
            Assert.That(cascade.Eligible, Is.EqualTo(2));
            Assert.That(batch.Eligible, Is.EqualTo(2), "the fast path over a territory of several comuni");
            Assert.That(batch.First, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task A_cpi_without_comuni_is_a_clear_error()
    {
        var (campaign, _) = await Campaigns.ApplyAsync(Population.Campaign() with { Territory = new Territory { Cpi = "NOWHERE" } }, default);

        var ex = Assert.ThrowsAsync<CampaignValidationException>(() => Eligibility.PreviewAsync(campaign, Population.AsOf, default));

        Assert.That(ex!.Message, Does.Contain("NOWHERE").And.Contain("dialer territory apply"));
    }

    static bool SameCounts(Cascade a, Cascade b) =>
        a.Considered == b.Considered && a.Eligible == b.Eligible && a.Added == b.Added &&
        a.Steps.Select(s => (s.Rule, s.Excluded)).SequenceEqual(b.Steps.Select(s => (s.Rule, s.Excluded)));

    sealed record Entry(string PersonCf, int Priority, DateOnly ExpiresOn);

    static async Task<List<Entry>> EntriesAsync(string slug)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, int, DateTime)>("""
            SELECT e.person_cf, e.priority, e.expires_on FROM contact_list_entries e JOIN campaigns c ON c.id = e.campaign_id
            WHERE c.slug = @slug ORDER BY e.priority, e.selected_on
            """, new { slug })).Select(r => new Entry(r.Item1, r.Item2, DateOnly.FromDateTime(r.Item3))).ToList();
    }

    static async Task<long> ScalarAsync(string sql)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>(sql);
    }
}
