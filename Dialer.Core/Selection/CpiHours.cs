using System.Globalization;
using System.Text.RegularExpressions;
using Dialer.Core.Dialing.Policy;

namespace Dialer.Core.Selection;

/// <summary>One opening period of a day, local Italian time, [From, To).</summary>
public sealed record OpeningPeriod(TimeOnly From, TimeOnly To)
{
    public override string ToString() => $"{From:HH\\:mm}–{To:HH\\:mm}";
}

/// <summary>An appointment slot of a CPI's day, local Italian time.</summary>
public sealed record CpiSlot(TimeOnly Start, TimeOnly End);

/// <summary>
/// A CPI's week (pure): opening periods per weekday, the appointment slot length and how many appointments fit in one
/// slot. Slots run from the start of each period, one after another, while a whole slot fits before the period ends.
/// No periods at all means the hours were not loaded: any time is accepted and the slots run from midnight.
/// </summary>
public sealed partial record CpiHours(IReadOnlyDictionary<DayOfWeek, IReadOnlyList<OpeningPeriod>> Week, int SlotMinutes, int SlotCapacity)
{
    public const int DefaultSlotMinutes = 30;
    public const int DefaultSlotCapacity = 4;

    public static readonly CpiHours NotLoaded = new(new Dictionary<DayOfWeek, IReadOnlyList<OpeningPeriod>>(), DefaultSlotMinutes, DefaultSlotCapacity);

    public bool Loaded => Week.Count > 0;

    TimeSpan Slot => TimeSpan.FromMinutes(SlotMinutes);

    /// <summary>The day's slots; none on a closed day or a national holiday.</summary>
    public IReadOnlyList<CpiSlot> Slots(DateOnly date)
    {
        if (ItalianHolidays.IsHoliday(date)) return [];
        var periods = Loaded ? Week.GetValueOrDefault(date.DayOfWeek, []) : [new OpeningPeriod(TimeOnly.MinValue, TimeOnly.MaxValue)];
        var slots = new List<CpiSlot>();
        foreach (var period in periods)
        {
            for (var start = period.From.ToTimeSpan(); start + Slot <= period.To.ToTimeSpan(); start += Slot)
                slots.Add(new CpiSlot(TimeOnly.FromTimeSpan(start), TimeOnly.FromTimeSpan(start + Slot)));
        }
        return slots;
    }

    /// <summary>The slot an appointment starting at <paramref name="time"/> falls in; null outside the opening hours.</summary>
    public CpiSlot? SlotAt(DateOnly date, TimeOnly time) => Slots(date).LastOrDefault(s => s.Start <= time && time < s.End);

    /// <summary>An appointment of one slot starting then fits within one opening period of an open day.</summary>
    public bool Admits(DateOnly date, TimeOnly time)
    {
        if (ItalianHolidays.IsHoliday(date)) return false;
        if (!Loaded) return true;
        return Week.GetValueOrDefault(date.DayOfWeek, []).Any(p => p.From <= time && time.ToTimeSpan() + Slot <= p.To.ToTimeSpan());
    }

    /// <summary>The day's opening as operators read it: "09:00–12:30, 14:00–16:00" or "chiuso".</summary>
    public string Describe(DayOfWeek day) =>
        Week.GetValueOrDefault(day, []) is { Count: > 0 } periods ? string.Join(", ", periods) : Text.T("chiuso", "closed");

    public static string DayName(DayOfWeek day) => (Text.IsEnglish ? English : Italian).DateTimeFormat.GetDayName(day);

    static readonly CultureInfo Italian = CultureInfo.GetCultureInfo("it-IT");
    static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>The weekday keys of a territory file's openingHours.</summary>
    public static readonly IReadOnlyDictionary<string, DayOfWeek> DayKeys = Enum.GetValues<DayOfWeek>()
        .ToDictionary(d => d.ToString().ToLowerInvariant(), d => d);

    /// <summary>
    /// Reads <c>{"monday": ["09:00-12:30", "14:00-16:00"], …}</c> with the slot settings; each problem is added to
    /// <paramref name="errors"/> under <paramref name="field"/> (e.g. <c>cpis.MI_CENTRO</c>).
    /// </summary>
    public static CpiHours Parse(IReadOnlyDictionary<string, IReadOnlyList<string>>? hours, int? slotMinutes, int? slotCapacity, string field,
        List<string> errors)
    {
        var week = new Dictionary<DayOfWeek, IReadOnlyList<OpeningPeriod>>();
        foreach (var (key, periods) in hours ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            if (!DayKeys.TryGetValue(key, out var day))
            {
                errors.Add($"{field}.openingHours: \"{key}\" is not a weekday; use {string.Join(", ", DayKeys.Keys)}.");
                continue;
            }
            var parsed = new List<OpeningPeriod>();
            foreach (var text in periods ?? [])
            {
                var m = PeriodPattern().Match(text ?? "");
                if (!m.Success || !TimeOnly.TryParseExact(m.Groups[1].Value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
                    || !TimeOnly.TryParseExact(m.Groups[2].Value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
                    errors.Add($"{field}.openingHours.{key}: \"{text}\" is not a period such as \"09:00-12:30\".");
                else if (to <= from) errors.Add($"{field}.openingHours.{key}: \"{text}\" ends before it starts.");
                else parsed.Add(new OpeningPeriod(from, to));
            }
            parsed.Sort((a, b) => a.From.CompareTo(b.From));
            for (var i = 1; i < parsed.Count; i++)
                if (parsed[i].From < parsed[i - 1].To) errors.Add($"{field}.openingHours.{key}: {parsed[i - 1]} and {parsed[i]} overlap.");
            if (parsed.Count > 0) week[day] = parsed;
        }
        if (slotMinutes is < 5 or > 240) errors.Add($"{field}.slotMinutes: between 5 and 240 (default {DefaultSlotMinutes}).");
        if (slotCapacity is < 1 or > 1000) errors.Add($"{field}.slotCapacity: between 1 and 1000 (default {DefaultSlotCapacity}).");
        return new CpiHours(week, slotMinutes ?? DefaultSlotMinutes, slotCapacity ?? DefaultSlotCapacity);
    }

    /// <summary>The stored form (cpi_offices.opening_hours): the territory file's, normalised.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ToDocument() => Week.OrderBy(d => ((int)d.Key + 6) % 7).ToDictionary(
        d => d.Key.ToString().ToLowerInvariant(),
        d => (IReadOnlyList<string>)d.Value.Select(p => $"{p.From:HH\\:mm}-{p.To:HH\\:mm}").ToList());

    [GeneratedRegex(@"^\s*(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})\s*$")]
    private static partial Regex PeriodPattern();
}
