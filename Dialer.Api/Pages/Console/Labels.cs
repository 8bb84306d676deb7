using Dialer.Core.Operators;

namespace Dialer.Api.Pages.Console;

/// <summary>The console's words for states, durations and the person's facts (the glossary of docs/console.md).</summary>
static class Labels
{
    public static string Presence(PresenceState state) => state switch
    {
        PresenceState.SignedOut => "Non in servizio",
        PresenceState.Available => "Disponibile",
        PresenceState.Reserved => "Riservato",
        PresenceState.OnCall => "In chiamata",
        PresenceState.WrapUp => "Post-chiamata",
        PresenceState.Paused => "In pausa",
        _ => state.ToString(),
    };

    /// <summary>"da meno di un minuto", "da 3 min", "da 1 h 20 min".</summary>
    public static string Since(TimeSpan elapsed)
    {
        var minutes = Math.Max(0, (int)elapsed.TotalMinutes);
        return minutes switch
        {
            0 => "da meno di un minuto",
            < 60 => $"da {minutes} min",
            _ => minutes % 60 == 0 ? $"da {minutes / 60} h" : $"da {minutes / 60} h {minutes % 60} min",
        };
    }

    public static string Months(int months) => months switch
    {
        0 => "meno di un mese fa",
        1 => "1 mese fa",
        _ => $"{months} mesi fa",
    };

    /// <summary>
    /// The comune by name when the territory file gave it (table comuni), with the CPI that serves it; otherwise the CPI
    /// names the area beside the Belfiore code.
    /// </summary>
    public static string Comune(DeskCall call) => (call.ComuneCode, call.ComuneName, call.CpiName) switch
    {
        (null, _, _) => "Non indicato",
        (_, { } name, null) => name,
        (_, { } name, { } cpi) => $"{name} (zona del {cpi})",
        ({ } code, null, null) => $"codice catastale {code}",
        ({ } code, null, { } cpi) => $"zona del {cpi} (codice catastale {code})",
    };
}
