using Dialer.Core;
using Dialer.Core.Outcomes;

namespace Dialer.Api.Pages.Supervision;

/// <summary>
/// Equity of reach (docs/supervision.md "Equità"): for each dimension a table of its groups' selected people and the
/// shares reached, taken in charge and hired, with 95% intervals; a group far below the campaign says why in words.
/// </summary>
public sealed class EquityModel(OutcomeReports reports, TimeProvider time) : ReportPage(reports, time)
{
    public EquityReport? Report { get; private set; }

    protected override async Task<IReadOnlyList<ReportTable>> BuildAsync(long campaignId, CancellationToken ct)
    {
        var report = Report = await Reports.EquityAsync(campaignId, ct);
        return report.Dimensions.Select(d => new ReportTable(d.Code, Text.T($"Raggiungimento per {d.Label.ToLower(ItalianFormat.Culture)}", $"Reach by {d.Label.ToLowerInvariant()}"),
            d.Label,
            [
                new(Text.T("Selezionate", "Selected")), ReportCell.IntervalColumn(Text.T("Raggiunte", "Reached")),
                ReportCell.IntervalColumn(Text.T("Prese in carico", "Taken in charge")), ReportCell.IntervalColumn(Text.T("Assunte", "Hired")),
            ],
            d.Rows.Select(r => new ReportRow(r.Label,
                [ReportCell.Count(r.Selected), ReportCell.Interval(r.Reached), ReportCell.Interval(r.Intake), ReportCell.Interval(r.Placed)],
                r.Flags.Count == 0 ? null : string.Join("; ", r.Flags))).ToList())).ToList();
    }
}
