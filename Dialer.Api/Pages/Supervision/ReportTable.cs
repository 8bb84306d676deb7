using System.Globalization;
using System.Text;
using Dialer.Core;
using Dialer.Core.Outcomes;

namespace Dialer.Api.Pages.Supervision;

/// <summary>A column of a results table: its heading on the page, and the CSV's headings for it (more than one when a
/// cell holds a rate and its interval).</summary>
public sealed record ReportColumn(string Header, params string[] CsvHeaders)
{
    public IReadOnlyList<string> Csv => CsvHeaders.Length == 0 ? [Header] : CsvHeaders;
}

/// <summary>A cell: what the page shows, and the CSV's fields for it (docs/supervision.md "CSV").</summary>
public sealed record ReportCell(string Shown, params string[] Csv)
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static ReportCell Count(long n) => new(ItalianFormat.Number(n), n.ToString(Invariant));

    public static ReportCell Share(double? rate) => rate is { } r ? new(ItalianFormat.Percent(r), ItalianFormat.Percent(r)) : new("—", "");

    public static ReportCell Words(string text) => new(text, text);

    /// <summary>A share of people with its 95% interval: "61,9% (1.240 su 2.003), IC 95% 59,7% – 64,0%".</summary>
    public static ReportCell Interval(Proportion p) => p.Rate is not { } rate
        ? new("—", p.Count.ToString(Invariant), p.Of.ToString(Invariant), "", "", "")
        : new(Text.T(
                $"{ItalianFormat.Percent(rate)} ({ItalianFormat.Number(p.Count)} su {ItalianFormat.Number(p.Of)}), {IntervalText(p.Low, p.High)}",
                $"{ItalianFormat.Percent(rate)} ({ItalianFormat.Number(p.Count)} of {ItalianFormat.Number(p.Of)}), {IntervalText(p.Low, p.High)}"),
            p.Count.ToString(Invariant), p.Of.ToString(Invariant), ItalianFormat.Percent(rate), ItalianFormat.Percent(p.Low), ItalianFormat.Percent(p.High));

    /// <summary>The CSV headings of an <see cref="Interval"/> column.</summary>
    public static ReportColumn IntervalColumn(string header) => new(header, header, Text.T($"{header}: su", $"{header}: of"),
        $"{header} %", Text.T($"{header}: IC 95% da", $"{header}: 95% CI from"), Text.T($"{header}: IC 95% a", $"{header}: 95% CI to"));

    /// <summary>"IC 95% 58,1% – 65,8%" (95% CI in English).</summary>
    public static string IntervalText(double low, double high) =>
        Text.T("IC 95% ", "95% CI ") + ItalianFormat.Percent(low) + " – " + ItalianFormat.Percent(high);
}

/// <summary>A row: its header cell (th scope=row), its cells, and why it is flagged (shown as text, colour only repeats it).</summary>
public sealed record ReportRow(string Header, IReadOnlyList<ReportCell> Cells, string? Flag = null);

/// <summary>
/// One table of a results page, the single source of both what the page shows (caption, th scope, a scrollable region
/// at 320 px) and its "Scarica CSV" download, so the two never disagree.
/// </summary>
public sealed record ReportTable(string Id, string Caption, string RowHeader, IReadOnlyList<ReportColumn> Columns, IReadOnlyList<ReportRow> Rows)
{
    /// <summary>
    /// The CSV Excel opens in an Italian locale (docs/supervision.md "CSV"): UTF-8 with a byte order mark, <c>;</c> between
    /// fields, CRLF lines, a header row; counts as plain digits, shares as it-IT percentages (<c>62,5%</c>).
    /// </summary>
    public byte[] Csv()
    {
        var flagged = Rows.Any(r => r.Flag is not null);
        var header = Columns.SelectMany(c => c.Csv).Prepend(RowHeader).Concat(flagged ? [Text.T("Segnalazione", "Flag")] : []).ToList();
        var rows = Rows.Select(row => (IReadOnlyList<string>)row.Cells.SelectMany(c => c.Csv).Prepend(row.Header).Concat(flagged ? [row.Flag ?? ""] : []).ToList());
        // The one writer of the funnel's CSV (byte order mark, ';', quoting, CRLF), encoded as UTF-8.
        return Encoding.UTF8.GetBytes(FunnelTable.Csv(header, rows));
    }
}
