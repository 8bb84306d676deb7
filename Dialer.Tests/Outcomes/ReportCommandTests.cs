using Dialer.Core.Campaigns;
using Dialer.Core.Selection;
using Dialer.Tests.Selection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Outcomes;

/// <summary>`dialer report funnel` and `dialer bench report`, run as the built executable against the test database.</summary>
public sealed class ReportCommandTests : DatabaseTest
{
    async Task SelectThreeAsync()
    {
        await Population.ImportAsync(Population.Eligible("UNO"), Population.Eligible("DUE"), Population.Eligible("TRE"));
        var campaigns = new CampaignStore(Db);
        var (campaign, _) = await campaigns.ApplyAsync(Population.Campaign(), default);
        await new NightlySelection(Db, campaigns, new Eligibility(Db), TimeProvider.System, NullLogger<NightlySelection>.Instance)
            .RunAsync(campaign.Slug, Population.AsOf, SelectionTrigger.Manual, default);
    }

    [Test]
    public async Task The_funnel_prints_as_a_table_as_csv_for_excel_and_as_json()
    {
        await SelectThreeAsync();

        var table = await DialerProcess.RunAsync("report", "funnel", "--campaign", "donne-milano");
        var csv = await DialerProcess.RunAsync("report", "funnel", "--campaign", "donne-milano", "--format", "csv", "--by", "cohort");
        var json = await DialerProcess.RunAsync("report", "funnel", "--campaign", "donne-milano", "--format", "json", "--raw");

        var csvLines = csv.Out.Split("\r\n");
        Assert.Multiple(() =>
        {
            Assert.That(table.Exit, Is.Zero, table.Err);
            Assert.That(table.Out, Does.Contain("Campagna donne-milano «Donne 30–44, Milano»"));
            Assert.That(table.Out, Does.Match(@"Totale\s+Selezionate\s+3\s+–\s+100,0%"));
            Assert.That(table.Out, Does.Match(@"Totale\s+In coda\s+0\s+0,0%\s+0,0%"));
            Assert.That(csv.Exit, Is.Zero, csv.Err);
            // The reader of the process's output drops the byte order mark; FunnelTableTests checks it is there.
            Assert.That(csvLines[0].TrimStart('\uFEFF'), Is.EqualTo("Gruppo;Passo;Persone;% sul passo precedente;% delle selezionate"));
            Assert.That(csvLines, Has.One.EqualTo("selezionate a giugno 2025;Selezionate;3;–;100,0%"), "split by the month of selection");
            Assert.That(json.Exit, Is.Zero, json.Err);
            Assert.That(json.Out, Does.Contain("\"selected\": 3"));
        });
    }

    [Test]
    public async Task An_unknown_campaign_or_a_bad_date_is_refused_with_exit_code_2()
    {
        var unknown = await DialerProcess.RunAsync("report", "funnel", "--campaign", "nessuna");
        var badDate = await DialerProcess.RunAsync("report", "funnel", "--campaign", "nessuna", "--from", "30/11/2026");
        Assert.Multiple(() =>
        {
            Assert.That((unknown.Exit, unknown.Err), Is.EqualTo((2, "error: no campaign \"nessuna\" (`dialer campaign list` shows them)\n")));
            Assert.That(badDate.Exit, Is.EqualTo(2));
            Assert.That(badDate.Err, Does.Contain("--from \"30/11/2026\" is not a date such as 2026-11-30"));
        });
    }

    [Test]
    public async Task Bench_report_measures_the_funnel_and_the_upkeep_in_a_scratch_database()
    {
        var (exit, output, errors) = await DialerProcess.RunAsync("bench", "report", "--people", "3000", "--calls", "1200", "--runs", "3");
        var lines = output.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, errors);
            Assert.That(lines, Has.One.Match(@"^  funnel from rollups\s+p50\s+\d+\.\d ms  p95\s+\d+\.\d ms  goal p95 ≤ 20 ms: (met|MISSED)$"));
            Assert.That(lines, Has.One.Match(@"^  funnel from the ledger's rows\s+p50\s+\d+\.\d ms  p95\s+\d+\.\d ms  goal p95 ≤ 250 ms: (met|MISSED)$"));
            Assert.That(lines, Has.One.Match(@"^  placement upkeep in a [1-9][\d,]*-notice increment: \d+\.\d\d s of \d+\.\d\d s   goal ≤ 1 s: (met|MISSED)$"));
            Assert.That(lines, Has.One.Match(@"^  rollups p95 / baseline p95\s+\d+\.\d\d$"));
            Assert.That(lines, Has.Some.Match(@"[1-9][\d,]* answered, [1-9][\d,]* intakes, [1-9][\d,]* placed$"), "the scenario has every step");
            Assert.That(lines, Has.None.StartsWith("warning:"), "every hiring of the increment is imported");
        });
    }

    [Test]
    public void The_csv_starts_with_the_byte_order_mark_and_quotes_what_needs_quoting()
    {
        var csv = Dialer.Core.Outcomes.FunnelTable.Csv(["a", "b"], [["x;y", "say \"hi\""]]);
        Assert.That(csv, Is.EqualTo("\uFEFFa;b\r\n\"x;y\";\"say \"\"hi\"\"\"\r\n"));
    }
}
