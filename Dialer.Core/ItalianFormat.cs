using System.Globalization;

namespace Dialer.Core;

/// <summary>
/// How operators and supervisors read instants and numbers (docs/console.md, "Language and formats"): Europe/Rome,
/// it-IT. Dates <c>mer 2 dic 2026</c>, times <c>16:37</c>, numbers <c>1.240</c>, percentages <c>88,2%</c>.
/// </summary>
public static class ItalianFormat
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("it-IT");

    public static DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, ItalianTime.Rome).DateTime;

    public static string Time(DateTimeOffset at) => Local(at).ToString("HH:mm", Culture);

    public static string Date(DateTimeOffset at) => Date(DateOnly.FromDateTime(Local(at)));

    public static string Date(DateOnly day) => day.ToString("ddd d MMM yyyy", Culture).Replace(".", "", StringComparison.Ordinal);

    public static string DateTime(DateTimeOffset at) => $"{Date(at)}, {Time(at)}";

    public static string Number(long n) => n.ToString("N0", Culture);

    /// <summary>A share (0.882) as a percentage with one decimal (88,2%).</summary>
    public static string Percent(double share) => (share * 100).ToString("0.0", Culture) + "%";
}
