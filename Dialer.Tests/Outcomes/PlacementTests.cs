using System.Globalization;
using Dialer.Core.Campaigns;
using Dialer.Core.Notices;
using Dialer.Core.Outcomes;
using Dialer.Core.Selection;
using Dialer.Tests.Notices;
using Dialer.Tests.Selection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dialer.Tests.Outcomes;

/// <summary>
/// Placement read from later hiring notices (docs/outcomes.md): people selected by a real nightly selection on
/// 2 June 2025, calls written as the dialing engine writes them, hirings imported through the real ingest; "today" is
/// 1 August 2026 (so 3- and 6-month milestones of 2025 hirings have come).
/// </summary>
public sealed class PlacementTests : DatabaseTest
{
    static readonly DateTimeOffset Today = new(2026, 8, 1, 8, 0, 0, TimeSpan.Zero);
    static readonly DateTimeOffset CallAt = new(2025, 6, 10, 8, 30, 0, TimeSpan.Zero);   // 10:30 in Rome
    static int code = 5000;

    FakeTimeProvider clock = null!;
    Dictionary<string, CsvNotice> people = null!;
    long campaignId;

    [SetUp]
    public async Task SelectAsync()
    {
        clock = new FakeTimeProvider(Today);
        people = new[] { "ANSWERED", "BEFORE", "LATE", "CANCELLED", "CORRECTED", "SHORT", "EXTENDED", "TRANSFORMED", "TWOHIRES", "UNANSWERED", "NOTCALLED" }
            .ToDictionary(s => s, s => Population.Eligible(s));
        await Population.ImportAsync([.. people.Values]);
        var campaigns = new CampaignStore(Db);
        var (campaign, _) = await campaigns.ApplyAsync(Population.Campaign(), default);
        campaignId = campaign.Id;
        var selection = new NightlySelection(Db, campaigns, new Eligibility(Db), clock, NullLogger<NightlySelection>.Instance);
        var run = await selection.RunAsync(campaign.Slug, Population.AsOf, SelectionTrigger.Manual, default);
        Assert.That(run.Cascade.Added, Is.EqualTo(people.Count), "everyone is selected");

        foreach (var name in people.Keys.Where(n => n != "NOTCALLED"))
            await CallAsync(people[name].Cf!, answered: name != "UNANSWERED", disposition: name == "ANSWERED" ? "intake_accepted" : "refused");
    }

    async Task CallAsync(string cf, bool answered, string disposition)
    {
        await using var conn = await Db.OpenConnectionAsync();
        var attempt = await conn.ExecuteScalarAsync<long>("""
            INSERT INTO call_attempts (campaign_id, person_cf, phone_e164, mode, created_at, placed_at, state, answered_at, ended_at, outcome)
            VALUES (@campaignId, @cf, '+393471234567', 'progressive', @at, @at, 'ended', @answeredAt, @at + interval '3 minutes', @outcome)
            RETURNING id
            """, new { campaignId, cf, at = CallAt, answeredAt = answered ? CallAt.AddSeconds(10) : (DateTimeOffset?)null, outcome = answered ? "answered" : "no_answer" });
        if (answered)
            await conn.ExecuteAsync("INSERT INTO call_dispositions (attempt_id, code, recorded_at) VALUES (@attempt, @disposition, @at)",
                new { attempt, disposition, at = CallAt.AddMinutes(4) });
        await new OutcomeLedger(Db, clock).RefreshAttemptAsync(attempt, default);
    }

    static string NextCode() => "03000241" + Interlocked.Increment(ref code).ToString("00000000", CultureInfo.InvariantCulture);

    CsvNotice Hire(string name, string start, string? end, string contract = "A.02.00") => people[name] with
    {
        Code = NextCode(), Event = "ASS", Start = start, End = end, Contract = contract, SentAt = start + "T08:00:00",
        EmployerName = "NUOVO DATORE SRL",
    };

    Task ImportAsync(params CsvNotice[] notices) =>
        new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance, time: clock).RunAsync([CsvNotice.Input($"hires-{Guid.NewGuid():N}.csv", notices)]);

    sealed record Outcome(string PersonCf, DateOnly? AnsweredOn, DateOnly? IntakeOn, DateOnly? HiredOn, DateOnly? PlacedOn, string? PlacedFamily,
        DateOnly? PlacedPlannedEndOn, bool? Retained3m, bool? Retained6m, bool? Stable, bool PlacedAfterIntake);

    async Task<Outcome> OutcomeOf(string name)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.QuerySingleAsync<Outcome>("""
            SELECT person_cf AS PersonCf, answered_on AS AnsweredOn, intake_on AS IntakeOn, hired_on AS HiredOn, placed_on AS PlacedOn,
                   placed_family AS PlacedFamily, placed_planned_end_on AS PlacedPlannedEndOn, retained_3m AS Retained3m,
                   retained_6m AS Retained6m, stable AS Stable, placed_after_intake AS PlacedAfterIntake
            FROM   campaign_outcomes WHERE person_cf = @cf
            """, new { cf = people[name].Cf });
    }

    static DateOnly D(string s) => DateOnly.Parse(s, CultureInfo.InvariantCulture);

    [Test]
    public async Task A_permanent_hiring_after_the_answered_call_is_a_stable_placement_retained_at_3_and_6_months()
    {
        await ImportAsync(Hire("ANSWERED", "2025-07-01", null, "A.01.00") with { Sector = "47.11.40", Occupation = "5.1.2.2.0" });

        var o = await OutcomeOf("ANSWERED");
        await using var conn = await Db.OpenConnectionAsync();
        var (sector, occupation) = await conn.QuerySingleAsync<(string, string)>(
            "SELECT placed_sector_code, placed_occupation_code FROM campaign_outcomes WHERE person_cf = @cf", new { cf = o.PersonCf });
        Assert.Multiple(() =>
        {
            Assert.That((sector, occupation), Is.EqualTo(("47.11.40", "5.1.2.2.0")), "the job's sector and occupation, from the hiring notice");
            Assert.That(o.AnsweredOn, Is.EqualTo(D("2025-06-10")));
            Assert.That(o.IntakeOn, Is.EqualTo(D("2025-06-10")));
            Assert.That(o.PlacedOn, Is.EqualTo(D("2025-07-01")));
            Assert.That(o.PlacedFamily, Is.EqualTo("permanent"));
            Assert.That(o.Retained3m, Is.True);
            Assert.That(o.Retained6m, Is.True);
            Assert.That(o.Stable, Is.True);
            Assert.That(o.PlacedAfterIntake, Is.True);
            Assert.That(o.HiredOn, Is.EqualTo(D("2025-07-01")), "the intention-to-treat hire counts from the selection");
        });
    }

    [Test]
    public async Task A_hiring_that_starts_before_the_call_is_not_a_placement_of_the_campaign()
    {
        await ImportAsync(Hire("BEFORE", "2025-06-05", "2025-08-31"));

        var o = await OutcomeOf("BEFORE");
        Assert.Multiple(() =>
        {
            Assert.That(o.PlacedOn, Is.Null, "hired on 5 June, called on 10 June");
            Assert.That(o.PlacedFamily, Is.Null, "no placement, no contract family");
            Assert.That(o.HiredOn, Is.EqualTo(D("2025-06-05")), "but hired after the selection: it counts for the uplift comparison");
        });
    }

    [Test]
    public async Task A_hiring_outside_the_attribution_window_is_not_a_placement()
    {
        await ImportAsync(Hire("LATE", "2026-06-15", null, "A.01.00"));

        var o = await OutcomeOf("LATE");
        Assert.That(o.PlacedOn, Is.Null, "12 months from 10 June 2025 end on 10 June 2026");
    }

    [Test]
    public async Task A_cancelled_hiring_retracts_the_placement_and_a_correction_moves_it()
    {
        var hire = Hire("CANCELLED", "2025-09-01", null, "A.01.00");
        await ImportAsync(hire);
        Assert.That((await OutcomeOf("CANCELLED")).PlacedOn, Is.EqualTo(D("2025-09-01")));

        await ImportAsync(hire with { Code = NextCode(), Type = "04", Previous = hire.Code, SentAt = "2025-09-02T08:00:00" });
        Assert.That((await OutcomeOf("CANCELLED")).PlacedOn, Is.Null, "the cancellation retracts the placement");

        var corrected = Hire("CORRECTED", "2025-09-01", null, "A.01.00");
        await ImportAsync(corrected);
        await ImportAsync(corrected with { Code = NextCode(), Type = "03", Previous = corrected.Code, Start = "2025-10-06", SentAt = "2025-09-02T08:00:00" });
        Assert.That((await OutcomeOf("CORRECTED")).PlacedOn, Is.EqualTo(D("2025-10-06")), "the correction moves the placement's start");

        await ImportAsync(corrected with { Code = NextCode(), Type = "03", Previous = corrected.Code, Start = "2025-05-20", SentAt = "2025-09-03T08:00:00" });
        Assert.That((await OutcomeOf("CORRECTED")).PlacedOn, Is.Null, "corrected to a start before the call: no longer a placement");
    }

    [Test]
    public async Task Retention_follows_extensions_and_transformations()
    {
        var shortJob = Hire("SHORT", "2025-07-01", "2025-09-15");
        var extended = Hire("EXTENDED", "2025-07-01", "2025-09-15");
        var transformed = Hire("TRANSFORMED", "2025-07-01", "2025-09-15");
        await ImportAsync(shortJob, extended, transformed,
            extended with { Code = NextCode(), Event = "PRO", ExtensionEnd = "2026-03-31", SentAt = "2025-09-10T08:00:00" },
            transformed with { Code = NextCode(), Event = "TRS", End = null, TransformationOn = "2025-09-01", TransformationCode = "DI", Contract = "A.01.00", SentAt = "2025-09-01T08:00:00" });

        var (s, e, t) = (await OutcomeOf("SHORT"), await OutcomeOf("EXTENDED"), await OutcomeOf("TRANSFORMED"));
        Assert.Multiple(() =>
        {
            Assert.That((s.PlacedFamily, s.Retained3m, s.Retained6m, s.Stable), Is.EqualTo(("fixed_term", (bool?)false, (bool?)false, (bool?)false)),
                "a 2½-month fixed-term job that ended: not retained, not stable");
            Assert.That((e.PlacedPlannedEndOn, e.Retained3m, e.Retained6m, e.Stable), Is.EqualTo(((DateOnly?)D("2026-03-31"), (bool?)true, (bool?)true, (bool?)true)),
                "extended to 9 months: retained and stable");
            Assert.That((t.PlacedFamily, t.Retained3m, t.Retained6m, t.Stable), Is.EqualTo(("permanent", (bool?)true, (bool?)true, (bool?)true)),
                "transformed to permanent");
        });
    }

    [Test]
    public async Task Of_two_hirings_the_first_is_the_placement_and_retention_counts_any_employer()
    {
        await ImportAsync(Hire("TWOHIRES", "2025-07-01", "2025-07-14", "A.05.02"),
            Hire("TWOHIRES", "2025-08-01", null, "A.01.00") with { EmployerCf = "00743110157", EmployerName = "ALTRO DATORE SPA" });

        var o = await OutcomeOf("TWOHIRES");
        Assert.Multiple(() =>
        {
            Assert.That(o.PlacedOn, Is.EqualTo(D("2025-07-01")));
            Assert.That(o.PlacedFamily, Is.EqualTo("intermittent"));
            Assert.That(o.Retained3m, Is.True, "on 1 October 2025 the person works for the second employer");
            Assert.That(o.Stable, Is.True, "retained 6 months");
        });
    }

    [Test]
    public async Task Retention_is_unknown_until_its_milestone_and_the_nightly_pass_fills_it_in()
    {
        clock = new FakeTimeProvider(new DateTimeOffset(2025, 8, 15, 8, 0, 0, TimeSpan.Zero));
        await ImportAsync(Hire("ANSWERED", "2025-07-01", null, "A.01.00"));
        Assert.That(((await OutcomeOf("ANSWERED")).Retained3m, (await OutcomeOf("ANSWERED")).Retained6m), Is.EqualTo(((bool?)null, (bool?)null)));

        clock.SetUtcNow(new DateTimeOffset(2025, 10, 2, 2, 0, 0, TimeSpan.Zero));
        await new OutcomesNightly(new OutcomeLedger(Db, clock), NullLogger<OutcomesNightly>.Instance).RunAsync(default);
        Assert.That(((await OutcomeOf("ANSWERED")).Retained3m, (await OutcomeOf("ANSWERED")).Retained6m), Is.EqualTo(((bool?)true, (bool?)null)));
    }

    [Test]
    public async Task The_funnel_counts_the_known_scenario_the_same_from_the_rollups_and_from_the_raw_tables()
    {
        await ImportAsync(Hire("ANSWERED", "2025-07-01", null, "A.01.00"), Hire("BEFORE", "2025-06-05", "2025-08-31"),
            Hire("EXTENDED", "2025-07-01", "2026-03-31"), Hire("UNANSWERED", "2025-07-01", null, "A.01.00"));
        await using (var conn = await Db.OpenConnectionAsync())
        {
            await conn.ExecuteAsync("""
                INSERT INTO call_queue (campaign_id, person_cf, phone_e164, priority, enqueued_at, due_at, updated_at, state)
                SELECT campaign_id, person_cf, '+393471234567', priority, now(), now(), now(), 'done'
                FROM   contact_list_entries WHERE campaign_id = @campaignId
                """, new { campaignId });
            await new OutcomeLedger(Db, clock).RefreshAsync(LedgerScope.All, null, default);
        }

        var funnel = new Funnel(Db, clock);
        var rollup = await funnel.ReportAsync(new FunnelFilter(campaignId), FunnelBy.None, FunnelSource.Rollup, default);
        var raw = await funnel.ReportAsync(new FunnelFilter(campaignId), FunnelBy.None, FunnelSource.Raw, default);
        var ledger = await funnel.ReportAsync(new FunnelFilter(campaignId), FunnelBy.None, FunnelSource.Ledger, default);

        // 11 selected and queued; 10 dialed; 9 answered, all the right person; 1 intake; 2 placed after the answer
        // (ANSWERED, EXTENDED), 1 after the intake; 3 hired after the selection plus UNANSWERED's hire.
        var expected = new FunnelCounts(Selected: 11, Queued: 11, Dialed: 10, Answered: 9, RightPerson: 9, Intake: 1, Attended: 0,
            Placed: 2, PlacedAfterIntake: 1, Retained6m: 2, Stable: 2, Hired: 4);
        Assert.Multiple(() =>
        {
            Assert.That(rollup.Total.Counts, Is.EqualTo(expected));
            Assert.That(raw.Total.Counts, Is.EqualTo(expected));
            Assert.That(ledger.Total.Counts, Is.EqualTo(expected));
            Assert.That(rollup.Total.PlacedOfAnswered, Is.EqualTo(2.0 / 9).Within(1e-9));
            Assert.That(rollup.Total.Steps.Single(s => s.Code == "answered").OfPrevious, Is.EqualTo(9.0 / 10).Within(1e-9));
            Assert.That(rollup.Control, Is.EqualTo(FunnelCounts.Zero));
        });
    }
}
