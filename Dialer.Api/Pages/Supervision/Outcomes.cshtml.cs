using Dialer.Core;
using Dialer.Core.Outcomes;

namespace Dialer.Api.Pages.Supervision;

/// <summary>
/// What became of the people a campaign reached (docs/supervision.md "Esiti"): placements by contract family, the stable
/// share, planned lengths of fixed-term jobs, retention at 3 and 6 months, and the control group's uplift.
/// </summary>
public sealed class OutcomesModel(OutcomeReports reports, TimeProvider time) : ReportPage(reports, time)
{
    public PlacementSummary? Placements { get; private set; }

    public Uplift? Uplift { get; private set; }

    public BarChart? Bars { get; private set; }

    protected override async Task<IReadOnlyList<ReportTable>> BuildAsync(long campaignId, CancellationToken ct)
    {
        var p = await Reports.PlacementsAsync(campaignId, ct);
        var u = await Reports.UpliftAsync(campaignId, ct);
        (Placements, Uplift) = (p, u);
        Bars = new BarChart("contratti-grafico", p.Families.Select(f => new Bar(f.Label,
            ItalianFormat.Number(f.Placed) + (FunnelSteps.Rate(f.Placed, p.Placed) is { } share
                ? " · " + ItalianFormat.Percent(share) + Text.T(" delle assunte", " of those hired") : ""), f.Placed)).ToList());
        var hired = Text.T("Assunte entro la finestra", "Hired within the window");
        return
        [
            new("contratti", Text.T("Assunte dopo la chiamata per tipo di contratto", "Hired after the call by contract type"), Text.T("Tipo di contratto", "Contract type"),
                [new(Text.T("Assunte", "Hired")), new(Text.T("% delle assunte", "% of those hired")), new(Text.T("Di cui stabili", "Of which stable"))],
                p.Families.Select(f => new ReportRow(f.Label,
                    [ReportCell.Count(f.Placed), ReportCell.Share(FunnelSteps.Rate(f.Placed, p.Placed)), ReportCell.Count(f.Stable)])).ToList()),
            new("stabilita", Text.T("Stabilità e permanenza nel lavoro", "Stability and staying in work"), Text.T("Misura", "Measure"),
                [ReportCell.IntervalColumn(Text.T("Quota", "Share"))],
                [
                    new ReportRow(Text.T("Lavoro stabile, sulle assunte", "Stable job, of those hired"), [ReportCell.Interval(p.StableShare)]),
                    new ReportRow(Text.T("Ancora occupate dopo 3 mesi, su chi li ha già compiuti", "Still employed after 3 months, of those who reached them"), [ReportCell.Interval(p.Retained3m)]),
                    new ReportRow(Text.T("Ancora occupate dopo 6 mesi, su chi li ha già compiuti", "Still employed after 6 months, of those who reached them"), [ReportCell.Interval(p.Retained6m)]),
                ]),
            new("durate", Text.T("Contratti a tempo determinato per durata prevista", "Fixed-term contracts by planned length"), Text.T("Durata prevista", "Planned length"),
                [new(Text.T("Contratti", "Contracts"))],
                p.FixedTermLengths.Select(l => new ReportRow(l.Label, [ReportCell.Count(l.Count)])).ToList()),
            new("controllo", Text.T("Chiamate e gruppo di controllo: assunzioni entro la finestra", "Called and control group: hired within the window"), Text.T("Gruppo", "Group"),
                [new(Text.T("Selezionate", "Selected")), ReportCell.IntervalColumn(hired)],
                [
                    new ReportRow(Text.T("Chiamate", "Called"), [ReportCell.Count(u.Called.Of), ReportCell.Interval(u.Called)]),
                    new ReportRow(Text.T("Gruppo di controllo (mai chiamate)", "Control group (never called)"), [ReportCell.Count(u.HeldOut.Of), ReportCell.Interval(u.HeldOut)]),
                    new ReportRow(Text.T("Differenza (chiamate meno controllo)", "Difference (called minus control)"),
                        [new ReportCell("—", ""), u.Difference is { } d
                            ? new ReportCell(Dialer.Core.Outcomes.Uplift.Points(d.Estimate) + " (" + Text.T("IC 95% ", "95% CI ")
                                + Dialer.Core.Outcomes.Uplift.Points(d.Low) + " – " + Dialer.Core.Outcomes.Uplift.Points(d.High) + ")",
                                "", "", Dialer.Core.Outcomes.Uplift.Points(d.Estimate), Dialer.Core.Outcomes.Uplift.Points(d.Low), Dialer.Core.Outcomes.Uplift.Points(d.High))
                            : new ReportCell("—", "", "", "", "", "")]),
                ]),
        ];
    }
}
