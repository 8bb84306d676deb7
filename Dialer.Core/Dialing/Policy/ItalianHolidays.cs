namespace Dialer.Core.Dialing.Policy;

/// <summary>A non-callable day and its Italian name.</summary>
public sealed record Holiday(DateOnly Date, string Name);

/// <summary>
/// Italy's national public holidays: L. 260/1949 as amended by L. 54/1977, DPR 792/1985, L. 336/2000 and, from 2026,
/// L. 151/2025 (4 October, San Francesco d'Assisi). A holiday on a weekend is not moved (docs/domain.md §4.5).
/// Sundays are not listed here: no calling window may include Sunday.
/// </summary>
public static class ItalianHolidays
{
    /// <summary>The first year in which 4 October is a national holiday (L. 151/2025).</summary>
    public const int SaintFrancisFrom = 2026;

    static readonly (int Month, int Day, string Name)[] Fixed =
    [
        (1, 1, "Capodanno"),
        (1, 6, "Epifania"),
        (4, 25, "Festa della Liberazione"),
        (5, 1, "Festa del Lavoro"),
        (6, 2, "Festa della Repubblica"),
        (8, 15, "Ferragosto (Assunzione)"),
        (11, 1, "Ognissanti"),
        (12, 8, "Immacolata Concezione"),
        (12, 25, "Natale"),
        (12, 26, "Santo Stefano"),
    ];

    /// <summary>The year's national holidays in date order (Easter Monday included).</summary>
    public static IReadOnlyList<Holiday> In(int year)
    {
        var days = Fixed.Select(f => new Holiday(new DateOnly(year, f.Month, f.Day), f.Name)).ToList();
        days.Add(new Holiday(EasterSunday(year).AddDays(1), "Lunedì dell'Angelo (Pasquetta)"));
        if (year >= SaintFrancisFrom) days.Add(new Holiday(new DateOnly(year, 10, 4), "San Francesco d'Assisi"));
        days.Sort((a, b) => a.Date.CompareTo(b.Date));
        return days;
    }

    public static bool IsHoliday(DateOnly date) => NameOf(date) is not null;

    /// <summary>The holiday's Italian name, or null on an ordinary day.</summary>
    public static string? NameOf(DateOnly date)
    {
        foreach (var (month, day, name) in Fixed)
            if (date.Month == month && date.Day == day) return name;
        if (date.Month == 10 && date.Day == 4 && date.Year >= SaintFrancisFrom) return "San Francesco d'Assisi";
        if (date.Month is 3 or 4 && date == EasterSunday(date.Year).AddDays(1)) return "Lunedì dell'Angelo (Pasquetta)";
        return null;
    }

    /// <summary>Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm of Meeus/Jones/Butcher).</summary>
    public static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = (19 * a + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + 2 * e + 2 * i - h - k) % 7;
        var m = (a + 11 * h + 22 * l) / 451;
        var month = (h + l - 7 * m + 114) / 31;
        var day = (h + l - 7 * m + 114) % 31 + 1;
        return new DateOnly(year, month, day);
    }
}
