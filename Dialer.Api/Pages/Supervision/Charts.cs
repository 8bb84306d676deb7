using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Dialer.Api.Pages.Supervision;

/// <summary>One horizontal bar: its words (label, count and rates, all as text) and its length.</summary>
public sealed record Bar(string Label, string Figures, long Value);

/// <summary>
/// Horizontal bars drawn on the server as SVG (_Bars.cshtml). The chart only repeats its data table, which follows it
/// and is what a screen reader reads, so the SVG is aria-hidden; every figure is written beside its bar.
/// </summary>
public sealed record BarChart(string Id, IReadOnlyList<Bar> Bars)
{
    public const int Width = 600;
    public const int RowHeight = 62;

    public int Height => Bars.Count * RowHeight + 4;

    /// <summary>The bar's length in the viewBox: proportional to the largest, at least a sliver when not zero.</summary>
    public string Length(Bar bar)
    {
        var max = Bars.Max(b => b.Value);
        var length = max == 0 ? 0 : Math.Max(bar.Value == 0 ? 0 : 2, (double)bar.Value / max * Width);
        return Svg(length);
    }

    public static string Svg(double d) => d.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>An SVG text element (Razor reserves the tag name &lt;text&gt; for itself, so the charts write it here).</summary>
    public static IHtmlContent Text(double x, double y, int size, string content, string anchor = "start", bool bold = false) => new HtmlString(
        $"<text x=\"{Svg(x)}\" y=\"{Svg(y)}\" font-size=\"{size}\" text-anchor=\"{anchor}\"{(bold ? " font-weight=\"600\"" : "")} fill=\"#1a1a1a\">"
        + HtmlEncoder.Default.Encode(content) + "</text>");
}

/// <summary>One line of a trend: its name, its colour and dash (the legend names both), a value per period.</summary>
public sealed record TrendSeries(string Label, string Colour, string Dash, IReadOnlyList<long> Values);

/// <summary>Lines over weeks, as SVG (_Trend.cshtml); aria-hidden, its data table follows.</summary>
public sealed record TrendChart(string Id, IReadOnlyList<string> Periods, IReadOnlyList<TrendSeries> Series)
{
    public const int Width = 600;
    public const int Height = 240;
    public const int Left = 48;
    public const int Bottom = 28;
    public const int Top = 10;

    public long Max => Math.Max(1, Series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max());

    public double X(int i) => Periods.Count <= 1 ? Left + (Width - Left) / 2.0 : Left + 8 + i * (double)(Width - Left - 16) / (Periods.Count - 1);

    public double Y(long v) => Top + (Height - Top - Bottom) * (1 - (double)v / Max);

    public string Points(TrendSeries s) => string.Join(' ', s.Values.Select((v, i) => BarChart.Svg(X(i)) + "," + BarChart.Svg(Y(v))));

    /// <summary>Which periods get a label under the axis: at most six, evenly spread.</summary>
    public bool Labelled(int i) => Periods.Count <= 6 || i % (int)Math.Ceiling(Periods.Count / 6.0) == 0;
}
