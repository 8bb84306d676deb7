using System.Globalization;
using Dialer.Core;
using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Pages.Supervision;

/// <summary>
/// The funnel of a campaign (docs/supervision.md "Risultati"): filters in the query string, the steps as bars and as a
/// table with both rates and the control group beside, placement read two ways, the split the supervisor asked for,
/// and the weekly trend; every table also as CSV.
/// </summary>
public sealed class ResultsModel(Funnel funnel, OutcomeReports reports, OperatorDesk desk, OperatorRoster roster, TimeProvider time)
    : ReportPage(reports, time)
{
    [BindProperty(SupportsGet = true, Name = "coorte")]
    public string? Cohort { get; set; }

    [BindProperty(SupportsGet = true, Name = "dal")]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "al")]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "cpi")]
    public string? Cpi { get; set; }

    [BindProperty(SupportsGet = true, Name = "operatore")]
    public string? Operator { get; set; }

    [BindProperty(SupportsGet = true, Name = "per")]
    public string? Split { get; set; }

    /// <summary>The "suddividi per" choices: query value, what it splits by, its words.</summary>
    public static IReadOnlyList<(string Value, FunnelBy By, string Label)> Splits =>
    [
        ("", FunnelBy.None, Text.T("Nessuna suddivisione", "No split")),
        ("cpi", FunnelBy.Cpi, Text.T("Centro per l'impiego", "Job centre")),
        ("operatore", FunnelBy.Operator, Text.T("Operatore", "Operator")),
        ("settimana", FunnelBy.Week, Text.T("Settimana della prima chiamata", "Week of the first call")),
        ("coorte", FunnelBy.Cohort, Text.T("Mese di selezione", "Month of selection")),
    ];

    public IReadOnlyList<DeskCpi> Cpis { get; private set; } = [];

    public IReadOnlyList<OperatorPresence> Operators { get; private set; } = [];

    public FunnelReport? Report { get; private set; }

    public BarChart? Bars { get; private set; }

    public TrendChart? Trend { get; private set; }

    FunnelFilter filter = new(0);
    FunnelBy by;

    protected override async Task ParseFiltersAsync(CancellationToken ct)
    {
        Cpis = await desk.CpisAsync(ct);
        Operators = await roster.ListAsync(ct);
        var cohort = Day(Cohort, "coorte", Text.T("Mese di selezione", "Month of selection"), month: true);
        var from = Day(From, "dal", Text.T("Prima chiamata dal", "First call from"), month: false);
        var to = Day(To, "al", Text.T("Prima chiamata al", "First call to"), month: false);
        if (from > to) Error("al", Text.T("Prima chiamata al: la data di fine è precedente a quella di inizio.", "First call to: the end date is before the start date."));
        var cpi = string.IsNullOrWhiteSpace(Cpi) ? null : Cpi.Trim();
        if (cpi is not null && Cpis.All(c => c.Code != cpi))
            Error("cpi", Text.T($"Centro per l'impiego: nessun CPI «{cpi}»; sceglierne uno dall'elenco.", $"Job centre: no CPI «{cpi}»; choose one from the list."));
        var identity = string.IsNullOrWhiteSpace(Operator) ? null : Operator.Trim();
        var op = identity is null ? null : Operators.FirstOrDefault(o => o.Identity == identity);
        if (identity is not null && op is null)
            Error("operatore", Text.T($"Operatore: nessun operatore «{identity}»; sceglierne uno dall'elenco.", $"Operator: no operator «{identity}»; choose one from the list."));
        var split = Splits.FirstOrDefault(s => s.Value == (Split ?? "").Trim());
        if (split.Label is null) Error("per", Text.T("Suddividi per: scegliere una voce dall'elenco.", "Split by: choose an item from the list."));
        by = split.By;
        filter = new FunnelFilter(0) { Cohort = cohort, From = from, To = to, Cpi = cpi, OperatorId = op?.OperatorId };
    }

    DateOnly? Day(string? value, string field, string label, bool month)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.Trim();
        string[] formats = month ? ["yyyy-MM"] : ["yyyy-MM-dd", "dd/MM/yyyy"];
        if (DateOnly.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        var hint = month ? Text.T("aaaa-mm", "yyyy-mm") : Text.T("gg/mm/aaaa", "dd/mm/yyyy");
        Error(field, Text.T($"{label}: «{text}» non è una data ({hint}).", $"{label}: «{text}» is not a date ({hint})."));
        return null;
    }

    protected override async Task<IReadOnlyList<ReportTable>> BuildAsync(long campaignId, CancellationToken ct)
    {
        var report = await funnel.ReportAsync(filter with { CampaignId = campaignId }, by, FunnelSource.Rollup, ct);
        var weekly = by == FunnelBy.Week ? report : await funnel.ReportAsync(filter with { CampaignId = campaignId }, FunnelBy.Week, FunnelSource.Rollup, ct);
        Report = report;
        var steps = report.Total.Steps;
        Bars = new BarChart("imbuto-grafico", steps.Select(s => new Bar(s.Label, Figures(s), s.Count)).ToList());

        var tables = new List<ReportTable>
        {
            new("imbuto", Text.T($"Imbuto della campagna {report.CampaignName}: persone per passo", $"Funnel of the campaign {report.CampaignName}: people at each step"),
                Text.T("Passo", "Step"),
                [
                    new(Text.T("Persone", "People")), new(Text.T("% del passo prima", "% of the step before")),
                    new(Text.T("% delle selezionate", "% of the selected")), new(Text.T("Gruppo di controllo (mai chiamate)", "Control group (never called)")),
                ],
                steps.Select((s, i) => new ReportRow(s.Label,
                [
                    ReportCell.Count(s.Count),
                    s.Code == "placed" && s.OfPrevious is { } p
                        ? new ReportCell(ItalianFormat.Percent(p) + Text.T(" (su chi ha risposto)", " (of those who answered)"), ItalianFormat.Percent(p))
                        : ReportCell.Share(s.OfPrevious),
                    ReportCell.Share(s.OfSelected),
                    ReportCell.Count(FunnelSteps.InOrder[i].Count(report.Control)),
                ])).ToList()),
            new("assunte", Text.T("Assunte: la quota letta in due modi", "Hired: the share read two ways"), Text.T("Lettura", "Reading"),
                [new(Text.T("Assunte", "Hired")), new(Text.T("Su", "Of")), new(Text.T("Quota", "Share"))],
                [
                    new ReportRow(Text.T("Assunte dopo la chiamata, su chi ha risposto", "Hired after the call, of those who answered"),
                        [ReportCell.Count(report.Total.Counts.Placed), ReportCell.Count(report.Total.Counts.Answered), ReportCell.Share(report.Total.PlacedOfAnswered)]),
                    new ReportRow(Text.T("Assunte dopo la presa in carico, su chi l'ha accettata", "Hired after the intake, of those who accepted it"),
                        [ReportCell.Count(report.Total.Counts.PlacedAfterIntake), ReportCell.Count(report.Total.Counts.Intake), ReportCell.Share(report.Total.PlacedAfterIntakeOfIntake)]),
                ]),
        };
        if (by != FunnelBy.None)
            tables.Add(new("gruppi", Text.T($"Imbuto per {SplitLabel.ToLower(ItalianFormat.Culture)}: persone per passo", $"Funnel by {SplitLabel.ToLowerInvariant()}: people at each step"),
                SplitLabel,
                [
                    .. FunnelSteps.InOrder.Select(s => new ReportColumn(s.Label())),
                    new(Text.T("Assunte su chi ha risposto", "Hired of those who answered")),
                    new(Text.T("Assunte dopo la presa in carico, su chi l'ha accettata", "Hired after the intake, of those who accepted it")),
                ],
                report.Groups.Select(g => new ReportRow(g.Label,
                [
                    .. g.Steps.Select(s => ReportCell.Count(s.Count)),
                    ReportCell.Share(g.PlacedOfAnswered), ReportCell.Share(g.PlacedAfterIntakeOfIntake),
                ])).ToList()));

        var weeks = weekly.Groups.Where(g => g.Key.Length > 0).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        (string Label, string Colour, string Dash, Func<FunnelCounts, long> Count)[] lines =
        [
            (Text.T("Chiamate", "Dialed"), "#0066cc", "", c => c.Dialed),
            (Text.T("Hanno risposto", "Answered by a person"), "#008055", "8 4", c => c.Answered),
            (Text.T("Accettano la presa in carico", "Accepted intake"), "#a66300", "2 3", c => c.Intake),
            (Text.T("Assunte dopo la chiamata", "Hired after the call"), "#d9364f", "12 3 2 3", c => c.Placed),
        ];
        Trend = new TrendChart("andamento-grafico", weeks.Select(g => WeekShort(g.Key)).ToList(),
            lines.Select(l => new TrendSeries(l.Label, l.Colour, l.Dash, weeks.Select(g => l.Count(g.Counts)).ToList())).ToList());
        tables.Add(new("andamento", Text.T("Andamento per settimana della prima chiamata", "Trend by week of the first call"),
            Text.T("Settimana", "Week"), lines.Select(l => new ReportColumn(l.Label)).ToList(),
            weeks.Select(g => new ReportRow(g.Label, lines.Select(l => ReportCell.Count(l.Count(g.Counts))).ToList())).ToList()));
        return tables;
    }

    string SplitLabel => Splits.First(s => s.By == by).Label;

    /// <summary>A bar's figures: its people and both rates ("placed" against those who answered).</summary>
    static string Figures(FunnelStep s)
    {
        var parts = new List<string> { ItalianFormat.Number(s.Count) };
        if (s.OfPrevious is { } p)
            parts.Add(ItalianFormat.Percent(p) + (s.Code == "placed" ? Text.T(" di chi ha risposto", " of those who answered") : Text.T(" del passo prima", " of the step before")));
        if (s.OfSelected is { } q && s.Code != "selected") parts.Add(ItalianFormat.Percent(q) + Text.T(" delle selezionate", " of the selected"));
        return string.Join(" · ", parts);
    }

    static string WeekShort(string key) =>
        DateOnly.TryParseExact(key, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var monday)
            ? monday.ToString("d MMM", ItalianFormat.Culture).Replace(".", "", StringComparison.Ordinal) : key;
}
