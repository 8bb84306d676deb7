using Dialer.Core.Campaigns;
using Dialer.Core.Notices;
using Dialer.Core;

namespace Dialer.Api.Pages.Supervision;

/// <summary>
/// A campaign's settings as a supervisor reads them: words, names and Italian dates instead of the document's codes
/// (docs/supervision.md, "Campagne").
/// </summary>
static class CampaignWords
{
    public static string State(bool active) => active ? Text.T("Attiva", "Active") : Text.T("Sospesa", "Paused");

    public static string Mode(DialingMode mode) => mode switch
    {
        DialingMode.Preview => Text.T("Anteprima: l'operatore vede la scheda, poi chiama", "Preview: the operator reads the card, then calls"),
        _ => Text.T("Progressiva: una chiamata per operatore disponibile", "Progressive: one call per available operator"),
    };

    /// <summary>The mode in one word, for the list.</summary>
    public static string ModeShort(DialingMode mode) => mode == DialingMode.Preview ? Text.T("Anteprima", "Preview") : Text.T("Progressiva", "Progressive");

    /// <summary>The mode as diagnostics carry it ("preview", "progressive").</summary>
    public static string ModeShort(string code) => ModeShort(code == "preview" ? DialingMode.Preview : DialingMode.Progressive);

    public static string Priority(SelectionPriority priority) => priority switch
    {
        SelectionPriority.MostRecentEndFirst => Text.T("Prima chi ha finito di lavorare più di recente", "Most recent job ends first"),
        SelectionPriority.OldestFirst => Text.T("Prima le persone più anziane", "Oldest people first"),
        SelectionPriority.YoungestFirst => Text.T("Prima le persone più giovani", "Youngest people first"),
        _ => Text.T("Prima chi è senza lavoro da più tempo", "Longest without work first"),
    };

    public static string RetryStep(RetryStep step) => step == Core.Campaigns.RetryStep.NextDay
        ? Text.T("il giorno successivo", "the next day")
        : Text.T("la mezza giornata successiva", "the next half-day");

    /// <summary>Who the campaign is for, in one sentence; "Tutte le persone" when no filter is set.</summary>
    public static string Cohort(Cohort cohort)
    {
        var parts = new List<string>();
        if (cohort.Sex == "F") parts.Add(Text.T("donne", "women"));
        else if (cohort.Sex == "M") parts.Add(Text.T("uomini", "men"));
        parts.Add((cohort.AgeMin, cohort.AgeMax) switch
        {
            ({ } lo, { } hi) => Text.T($"da {lo} a {hi} anni", $"aged {lo} to {hi}"),
            ({ } lo, null) => Text.T($"da {lo} anni in su", $"aged {lo} or more"),
            (null, { } hi) => Text.T($"fino a {hi} anni", $"aged up to {hi}"),
            _ => Text.T("di ogni età", "of any age"),
        });
        if (cohort.EndedFrom is { } from && cohort.EndedTo is { } to)
            parts.Add(Text.T($"lavoro terminato tra {ItalianFormat.Date(from)} e {ItalianFormat.Date(to)}", $"job ended between {ItalianFormat.Date(from)} and {ItalianFormat.Date(to)}"));
        else if (cohort.EndedFrom is { } onlyFrom)
            parts.Add(Text.T($"lavoro terminato dal {ItalianFormat.Date(onlyFrom)}", $"job ended from {ItalianFormat.Date(onlyFrom)}"));
        else if (cohort.EndedTo is { } onlyTo)
            parts.Add(Text.T($"lavoro terminato entro il {ItalianFormat.Date(onlyTo)}", $"job ended by {ItalianFormat.Date(onlyTo)}"));
        var sentence = string.Join(", ", parts);
        return char.ToUpperInvariant(sentence[0]) + sentence[1..];
    }

    /// <summary>The contract types by their names (the code only for one the catalogue lacks).</summary>
    public static string ContractTypeNames(IReadOnlyList<string>? codes) => codes is null or { Count: 0 }
        ? Text.T("Tutti", "All")
        : string.Join("; ", codes.Select(ContractTypeName));

    public static string ContractTypeName(string code) =>
        ContractTypes.All.TryGetValue(code, out var type) ? Sentence(type.Description) : code;

    /// <summary>"LAVORO A TEMPO DETERMINATO" as people write it: "Lavoro a tempo determinato".</summary>
    static string Sentence(string upper)
    {
        var lower = string.Join(' ', upper.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLower(ItalianFormat.Culture);
        return char.ToUpper(lower[0], ItalianFormat.Culture) + lower[1..];
    }

    /// <summary>The calling windows, one per line: "lunedì–venerdì 09:30–12:30".</summary>
    public static IReadOnlyList<string> Windows(IReadOnlyList<CallingWindow> windows) =>
        [.. windows.Select(w => $"{Days(w.Days)} {Time(w.From)}–{Time(w.To)}")];

    static string Time(TimeOnly time) => time.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    static readonly DayOfWeek[] Week = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    public static string DayName(DayOfWeek day) => Text.IsEnglish
        ? System.Globalization.CultureInfo.InvariantCulture.DateTimeFormat.GetDayName(day)
        : ItalianFormat.Culture.DateTimeFormat.GetDayName(day);

    /// <summary>Consecutive days as a range ("lunedì–venerdì"), others listed.</summary>
    static string Days(IReadOnlyList<DayOfWeek> days)
    {
        var ordered = Week.Where(days.Contains).ToList();
        var indexes = ordered.Select(d => Array.IndexOf(Week, d)).ToList();
        if (ordered.Count >= 3 && indexes[^1] - indexes[0] == ordered.Count - 1) return $"{DayName(ordered[0])}–{DayName(ordered[^1])}";
        return string.Join(", ", ordered.Select(DayName));
    }

    /// <summary>The next time the nightly selection runs, in Rome's time; null when the cron never fires again.</summary>
    public static DateTimeOffset? NextSelection(CampaignSchedule schedule, DateTimeOffset now) =>
        schedule.ToCronExpression().GetNextOccurrence(now, ItalianTime.Rome);
}
