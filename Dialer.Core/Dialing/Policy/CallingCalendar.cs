using Dialer.Core.Campaigns;

namespace Dialer.Core.Dialing.Policy;

/// <summary>
/// When a person may be rung: a campaign's calling windows in Europe/Rome local time, minus national holidays and the
/// patron saint's day of the person's comune. On the eve of a national holiday the windows are clipped to 10:00–19:00
/// (the telemarketing code's envelope for such days, docs/domain.md §4.3). Pure: the same answers on every replica.
/// </summary>
public sealed class CallingCalendar(IReadOnlyList<CallingWindow> windows, PatronDayTable patronDays)
{

    // Windows are validated non-empty and on weekdays, so an opening is always found within days; two years is a
    // generous bound that turns an impossible calendar into an error instead of an endless loop.
    const int SearchDays = 800;

    public PatronDayTable PatronDays => patronDays;

    public bool IsOpen(DateTimeOffset utc, string? comune) => ClosedReason(utc, comune) is null;

    /// <summary>
    /// Why nobody may be rung at this instant: <c>public_holiday</c>, <c>patron_saint_day</c> or
    /// <c>outside_calling_window</c> (which covers weekends and night); null when the calendar is open.
    /// </summary>
    public string? ClosedReason(DateTimeOffset utc, string? comune)
    {
        var local = ToLocal(utc);
        var date = DateOnly.FromDateTime(local.DateTime);
        if (ItalianHolidays.IsHoliday(date)) return PolicyReasons.PublicHoliday;
        if (patronDays.IsPatronDay(comune, date)) return PolicyReasons.PatronSaintDay;
        var time = TimeOnly.FromDateTime(local.DateTime);
        return WindowsOn(date).Any(w => time >= w.From && time < w.To) ? null : PolicyReasons.OutsideCallingWindow;
    }

    /// <summary>
    /// The first instant at or after <paramref name="utc"/> at which the calendar is open for this comune:
    /// <paramref name="utc"/> itself when open, otherwise the start of the next allowed window (local time, DST-correct).
    /// </summary>
    public DateTimeOffset NextOpening(DateTimeOffset utc, string? comune)
    {
        if (IsOpen(utc, comune)) return utc;
        var local = ToLocal(utc);
        var start = DateOnly.FromDateTime(local.DateTime);
        for (var date = start; date <= start.AddDays(SearchDays); date = date.AddDays(1))
        {
            if (ItalianHolidays.IsHoliday(date) || patronDays.IsPatronDay(comune, date)) continue;
            foreach (var window in WindowsOn(date))
            {
                var opening = ToUtc(date, window.From);
                if (opening >= utc) return opening;
            }
        }
        throw new InvalidOperationException($"No calling window opens within {SearchDays} days of {utc:O}: check the campaign's windows.");
    }

    /// <summary>The windows that apply on a local date, earliest first (clipped on the eve of a national holiday).</summary>
    public IReadOnlyList<(TimeOnly From, TimeOnly To)> WindowsOn(DateOnly date)
    {
        var eve = ItalianHolidays.IsHoliday(date.AddDays(1));
        var (eveFrom, eveTo) = CallingWindow.EveOfHolidayEnvelope;
        return windows
            .Where(w => w.Days.Contains(date.DayOfWeek))
            .Select(w => eve ? (From: Max(w.From, eveFrom), To: Min(w.To, eveTo)) : (w.From, w.To))
            .Where(w => w.From < w.To)
            .OrderBy(w => w.From)
            .ToList();
    }

    public static DateTimeOffset ToLocal(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, ItalianTime.Rome);

    public static DateOnly LocalDate(DateTimeOffset utc) => DateOnly.FromDateTime(ToLocal(utc).DateTime);

    /// <summary>The UTC instant of a local date and time in Rome; a time inside the spring-forward gap moves an hour on.</summary>
    public static DateTimeOffset ToUtc(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time);
        if (ItalianTime.Rome.IsInvalidTime(local)) local = local.AddHours(1);
        return new DateTimeOffset(local, ItalianTime.Rome.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>Local midnight (ItalianTime.Rome) that starts the day of <paramref name="utc"/>: where "attempts today" are counted from.</summary>
    public static DateTimeOffset StartOfLocalDay(DateTimeOffset utc) => ToUtc(LocalDate(utc), TimeOnly.MinValue);

    /// <summary>Local midnight (ItalianTime.Rome) that starts the next day.</summary>
    public static DateTimeOffset StartOfNextLocalDay(DateTimeOffset utc) => ToUtc(LocalDate(utc).AddDays(1), TimeOnly.MinValue);

    static TimeOnly Max(TimeOnly a, TimeOnly b) => a > b ? a : b;

    static TimeOnly Min(TimeOnly a, TimeOnly b) => a < b ? a : b;
}
