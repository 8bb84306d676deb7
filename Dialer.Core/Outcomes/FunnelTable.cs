using System.Text;

namespace Dialer.Core.Outcomes;

/// <summary>
/// A funnel as rows of text, the one shape behind the terminal table, the CSV export and the pages' tables: one row per
/// group and step with the count and both rates (docs/outcomes.md "Funnel"). CSV is what Excel opens on an Italian
/// desktop: UTF-8 with a byte order mark, <c>;</c> between fields, decimal commas, CRLF line ends.
/// </summary>
public static class FunnelTable
{
    public static IReadOnlyList<string> Header() =>
    [
        Text.T("Gruppo", "Group"), Text.T("Passo", "Step"), Text.T("Persone", "People"),
        Text.T("% sul passo precedente", "% of the step before"), Text.T("% delle selezionate", "% of selected"),
    ];

    /// <summary>The total first, then each group; the control group last, as its own group.</summary>
    public static IEnumerable<IReadOnlyList<string>> Rows(FunnelReport report)
    {
        foreach (var group in (IEnumerable<FunnelGroup>)[report.Total, .. report.Groups])
        {
            foreach (var step in group.Steps)
                yield return [group.Label, step.Label, Count(step.Count), Percent(step.OfPrevious), Percent(step.OfSelected)];
            yield return [group.Label, Text.T("Assunte / hanno risposto", "Placed / answered"), Count(group.Counts.Placed),
                Percent(group.PlacedOfAnswered), ""];
            yield return [group.Label, Text.T("Assunte dopo la presa in carico / prese in carico", "Placed after intake / intake"),
                Count(group.Counts.PlacedAfterIntake), Percent(group.PlacedAfterIntakeOfIntake), ""];
        }
        if (report.Control.Selected > 0)
        {
            var control = Text.T("Gruppo di controllo (non chiamato)", "Control group (not called)");
            yield return [control, Text.T("Selezionate", "Selected"), Count(report.Control.Selected), "", ""];
            yield return [control, Text.T("Assunte nella finestra", "Hired within the window"), Count(report.Control.Hired), "",
                Percent(FunnelSteps.Rate(report.Control.Hired, report.Control.Selected))];
            yield return [Text.T("Totale", "Total"), Text.T("Assunte nella finestra", "Hired within the window"), Count(report.Total.Counts.Hired), "",
                Percent(FunnelSteps.Rate(report.Total.Counts.Hired, report.Total.Counts.Selected))];
        }
    }

    static string Count(long n) => ItalianFormat.Number(n);

    static string Percent(double? share) => share is { } s ? ItalianFormat.Percent(s) : "–";

    /// <summary>The rows as CSV text, with the byte order mark Excel needs to read UTF-8.</summary>
    public static string Csv(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var csv = new StringBuilder("\uFEFF");
        foreach (var row in (IEnumerable<IReadOnlyList<string>>)[header, .. rows])
            csv.Append(string.Join(";", row.Select(Field))).Append("\r\n");
        return csv.ToString();
    }

    static string Field(string value) =>
        value.IndexOfAny([';', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>The rows as a plain-text table with aligned columns, for a terminal.</summary>
    public static string Aligned(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, header.Count).Select(i => all.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            // Counts and rates right-aligned, names left-aligned.
            text.AppendLine(string.Join("  ", row.Select((v, i) => i < 2 ? v.PadRight(widths[i]) : v.PadLeft(widths[i]))).TrimEnd());
            if (ReferenceEquals(row, header)) text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
        return text.ToString();
    }
}
