using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.Json;

namespace Dialer.Core.Campaigns;

/// <summary>How a campaign dials: the <c>"dialing"</c> object of its JSON document (README "Contact policy").</summary>
public sealed record DialingSettings
{
    public DialingMode Mode { get; init; } = DialingMode.Progressive;

    /// <summary>When calls may be placed, in Europe/Rome local time. Default Mon–Fri 09:30–12:30 and 14:00–18:00.</summary>
    public IReadOnlyList<CallingWindow> Windows { get; init; } = CallingWindow.Defaults;

    /// <summary>Attempts per person per local day, across all campaigns.</summary>
    public int MaxAttemptsPerDay { get; init; } = 1;

    /// <summary>Attempts per person in total, across all campaigns; then the person is not dialed again.</summary>
    public int MaxAttemptsTotal { get; init; } = 4;

    public RetryDelays Retry { get; init; } = new();

    /// <summary>After a call the person answered and no operator took (abandoned), nobody rings them for this many days.</summary>
    public int AbandonedCoolOffDays { get; init; } = 5;

    /// <summary>How long an operator may stay in wrap-up after a call before the disposition is due.</summary>
    public int WrapUpSeconds { get; init; } = 120;

    /// <summary>How long a call rings before it counts as not answered (Twilio's Timeout).</summary>
    public int RingTimeoutSeconds { get; init; } = 25;

    /// <summary>Every problem, each naming its field under <c>dialing.</c>; empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (!Enum.IsDefined(Mode)) yield return CampaignDefinition.Error("dialing.mode", "\"preview\" (anteprima) o \"progressive\" (progressiva).", "\"preview\" or \"progressive\".");
        if (Windows is null or { Count: 0 })
            yield return CampaignDefinition.Error("dialing.windows",
                "indicare almeno una fascia oraria di chiamata, ad esempio {\"days\": [\"monday\"], \"from\": \"09:30\", \"to\": \"12:30\"}.",
                "list at least one calling window, e.g. {\"days\": [\"monday\"], \"from\": \"09:30\", \"to\": \"12:30\"}.");
        else
            foreach (var error in CallingWindow.ValidateAll(Windows)) yield return error;
        if (MaxAttemptsPerDay is < 1 or > 10) yield return CampaignDefinition.Error("dialing.maxAttemptsPerDay", "tra 1 e 10.", "between 1 and 10.");
        if (MaxAttemptsTotal is < 1 or > 20) yield return CampaignDefinition.Error("dialing.maxAttemptsTotal", "tra 1 e 20.", "between 1 and 20.");
        if (MaxAttemptsPerDay > MaxAttemptsTotal) yield return CampaignDefinition.Error("dialing.maxAttemptsPerDay", "non più dei tentativi totali.", "not more than maxAttemptsTotal.");
        foreach (var error in (Retry ?? new RetryDelays()).Validate()) yield return error;
        if (AbandonedCoolOffDays is < 1 or > 365) yield return CampaignDefinition.Error("dialing.abandonedCoolOffDays", "tra 1 e 365.", "between 1 and 365.");
        if (WrapUpSeconds is < 10 or > 1800) yield return CampaignDefinition.Error("dialing.wrapUpSeconds", "tra 10 e 1800.", "between 10 and 1800.");
        if (RingTimeoutSeconds is < 10 or > 60) yield return CampaignDefinition.Error("dialing.ringTimeoutSeconds", "tra 10 e 60.", "between 10 and 60.");
    }
}

public enum DialingMode
{
    /// <summary>The operator sees the person and the script first, then presses Call (or Skip with a reason).</summary>
    Preview,
    /// <summary>One call per available operator, reserved before dialing: no call is ever abandoned by design.</summary>
    Progressive,
}

/// <summary>How long to wait after each provider outcome. Failed or invalid numbers are never retried (they are flagged).</summary>
public sealed record RetryDelays
{
    /// <summary>After a busy line: this many minutes, then the next allowed slot.</summary>
    public int BusyMinutes { get; init; } = 30;

    /// <summary>After no answer: by default the next half-day (a morning attempt → that afternoon; an afternoon one → the next morning).</summary>
    public RetryStep NoAnswer { get; init; } = RetryStep.NextHalfDay;

    /// <summary>After an answering machine: by default the next allowed day.</summary>
    public RetryStep Machine { get; init; } = RetryStep.NextDay;

    public IEnumerable<string> Validate()
    {
        if (BusyMinutes is < 1 or > 1440) yield return CampaignDefinition.Error("dialing.retry.busyMinutes", "tra 1 e 1440.", "between 1 and 1440.");
        if (!Enum.IsDefined(NoAnswer)) yield return CampaignDefinition.Error("dialing.retry.noAnswer", "\"next_half_day\" o \"next_day\".", "\"next_half_day\" or \"next_day\".");
        if (!Enum.IsDefined(Machine)) yield return CampaignDefinition.Error("dialing.retry.machine", "\"next_half_day\" o \"next_day\".", "\"next_half_day\" or \"next_day\".");
    }
}

public enum RetryStep
{
    /// <summary>Before 13:00 local → from 13:00 (that afternoon's window); from 13:00 → the next day. Never inside the same window.</summary>
    NextHalfDay,
    /// <summary>From the next local day's first window.</summary>
    NextDay,
}

/// <summary>A range of local time, [From, To), on some days of the week.</summary>
public sealed record CallingWindow
{
    public required IReadOnlyList<DayOfWeek> Days { get; init; }

    [JsonConverter(typeof(LocalTimeJsonConverter))]
    public required TimeOnly From { get; init; }

    [JsonConverter(typeof(LocalTimeJsonConverter))]
    public required TimeOnly To { get; init; }

    static readonly DayOfWeek[] Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    /// <summary>docs/domain.md §4.4: Mon–Fri 09:30–12:30 and 14:00–18:00, matching public-office hours.</summary>
    public static readonly IReadOnlyList<CallingWindow> Defaults =
    [
        new() { Days = Weekdays, From = new TimeOnly(9, 30), To = new TimeOnly(12, 30) },
        new() { Days = Weekdays, From = new TimeOnly(14, 0), To = new TimeOnly(18, 0) },
    ];

    public bool Contains(DayOfWeek day, TimeOnly time) => Days.Contains(day) && time >= From && time < To;

    /// <summary>
    /// The telemarketing code of conduct (Garante provv. 148/2024, docs/domain.md §4.3), not binding on a CPI but our
    /// outer limit: Mon–Fri 09:00–20:00, Saturday 10:00–19:00, never Sunday. Null for Sunday.
    /// </summary>
    public static (TimeOnly From, TimeOnly To)? Envelope(DayOfWeek day) => day switch
    {
        DayOfWeek.Sunday => null,
        DayOfWeek.Saturday => (new TimeOnly(10, 0), new TimeOnly(19, 0)),
        _ => (new TimeOnly(9, 0), new TimeOnly(20, 0)),
    };

    /// <summary>The envelope on the day before a national holiday is Saturday's (10:00–19:00).</summary>
    public static (TimeOnly From, TimeOnly To) EveOfHolidayEnvelope => (new TimeOnly(10, 0), new TimeOnly(19, 0));

    internal static IEnumerable<string> ValidateAll(IReadOnlyList<CallingWindow> windows)
    {
        for (var i = 0; i < windows.Count; i++)
        {
            var w = windows[i];
            var name = $"dialing.windows[{i}]";
            if (w is null)
            {
                yield return CampaignDefinition.Error(name, "una fascia richiede \"days\", \"from\" e \"to\".", "a window needs \"days\", \"from\" and \"to\".");
                continue;
            }
            if (w.Days is null or { Count: 0 })
                yield return CampaignDefinition.Error($"{name}.days", "indicare almeno un giorno, ad esempio [\"monday\", \"tuesday\"].", "list at least one day, e.g. [\"monday\", \"tuesday\"].");
            foreach (var day in (w.Days ?? []).GroupBy(d => d).Where(g => g.Count() > 1))
                yield return CampaignDefinition.Error($"{name}.days", $"{DayName(day.Key)} compare più di una volta.", $"{Name(day.Key)} is listed more than once.");
            if (w.From >= w.To)
                yield return CampaignDefinition.Error(name, $"l'inizio {Text(w.From)} deve precedere la fine {Text(w.To)} (la fascia è vuota o invertita).",
                    $"\"from\" {Text(w.From)} must be before \"to\" {Text(w.To)} (the window is empty or inverted).");
            foreach (var day in (w.Days ?? []).Distinct())
            {
                if (Envelope(day) is not { } envelope)
                    yield return CampaignDefinition.Error($"{name}.days", $"di {DayName(day)} non si chiama mai (codice di condotta del telemarketing: mai la domenica).",
                        $"{Name(day)} is never callable (telemarketing code of conduct: never on Sunday).");
                else if (w.From < w.To && (w.From < envelope.From || w.To > envelope.To))
                    yield return CampaignDefinition.Error(name,
                        $"{Text(w.From)}–{Text(w.To)} di {DayName(day)} è fuori dall'orario ammesso {Text(envelope.From)}–{Text(envelope.To)} " +
                        "(codice di condotta del telemarketing: dal lunedì al venerdì 09:00–20:00, sabato 10:00–19:00).",
                        $"{Text(w.From)}–{Text(w.To)} on {Name(day)} is outside the allowed {Text(envelope.From)}–{Text(envelope.To)} " +
                        "(telemarketing code of conduct: Monday to Friday 09:00–20:00, Saturday 10:00–19:00).");
            }
        }
        for (var i = 0; i < windows.Count; i++)
            for (var j = i + 1; j < windows.Count; j++)
            {
                if (windows[i] is not { Days: not null } a || windows[j] is not { Days: not null } b) continue;
                var shared = a.Days.Intersect(b.Days).ToList();
                if (shared.Count > 0 && a.From < b.To && b.From < a.To)
                    yield return CampaignDefinition.Error($"dialing.windows[{i}]",
                        $"si sovrappone alla fascia {j + 1} di {DayName(shared[0])} ({Text(a.From)}–{Text(a.To)} e {Text(b.From)}–{Text(b.To)}).",
                        $"dialing.windows[{i}] and dialing.windows[{j}] overlap on {Name(shared[0])} ({Text(a.From)}–{Text(a.To)} and {Text(b.From)}–{Text(b.To)}).");
            }
    }

    static string Name(DayOfWeek day) => day.ToString().ToLowerInvariant();

    /// <summary>The day as the reader names it: "lunedì", or "monday" as the document writes it.</summary>
    static string DayName(DayOfWeek day) => Core.Text.IsEnglish ? Name(day) : ItalianFormat.Culture.DateTimeFormat.GetDayName(day);

    internal static string Text(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>Local times as "HH:mm" (as people write them), e.g. "09:30".</summary>
public sealed class LocalTimeJsonConverter : JsonConverter<TimeOnly>
{
    public override TimeOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new JsonException($"\"{text}\" is not a local time: write it as \"HH:mm\", e.g. \"09:30\".");
    }

    public override void Write(Utf8JsonWriter writer, TimeOnly value, JsonSerializerOptions options) =>
        writer.WriteStringValue(CallingWindow.Text(value));
}
