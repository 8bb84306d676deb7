using Dialer.Core;
using Dialer.Core.Operators;

namespace Dialer.Api.Pages.Console;

/// <summary>
/// The console's words for states, durations and the person's facts (the glossary of docs/console.md), in the operator's
/// language (<see cref="Text.T"/>).
/// </summary>
static class Labels
{
    public static string Presence(PresenceState state) => PresenceLabels.Label(state);

    /// <summary>"da meno di un minuto", "da 3 min", "da 1 h 20 min" ("for less than a minute", "for 3 min", "for 1 h 20 min").</summary>
    public static string Since(TimeSpan elapsed)
    {
        var minutes = Math.Max(0, (int)elapsed.TotalMinutes);
        var length = minutes % 60 == 0 ? $"{minutes / 60} h" : $"{minutes / 60} h {minutes % 60} min";
        return minutes switch
        {
            0 => Text.T("da meno di un minuto", "for less than a minute"),
            < 60 => Text.T($"da {minutes} min", $"for {minutes} min"),
            _ => Text.T($"da {length}", $"for {length}"),
        };
    }

    public static string Months(int months) => months switch
    {
        0 => Text.T("meno di un mese fa", "less than a month ago"),
        1 => Text.T("1 mese fa", "1 month ago"),
        _ => Text.T($"{months} mesi fa", $"{months} months ago"),
    };

    /// <summary>
    /// The comune by name when the territory file gave it (table comuni), with the CPI that serves it; otherwise the CPI
    /// names the area beside the Belfiore code.
    /// </summary>
    public static string Comune(DeskCall call) => (call.ComuneCode, call.ComuneName, call.CpiName) switch
    {
        (null, _, _) => Text.T("Non indicato", "Not given"),
        (_, { } name, null) => name,
        (_, { } name, { } cpi) => Text.T($"{name} (zona del {cpi})", $"{name} (area of {cpi})"),
        ({ } code, null, null) => Text.T($"codice catastale {code}", $"cadastral code {code}"),
        ({ } code, null, { } cpi) => Text.T($"zona del {cpi} (codice catastale {code})", $"area of {cpi} (cadastral code {code})"),
    };
}
