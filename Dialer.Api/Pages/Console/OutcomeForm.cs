using System.Globalization;
using Dialer.Core;
using Dialer.Core.Outcomes;

namespace Dialer.Api.Pages.Console;

/// <summary>
/// The console's outcome form as posted: one decision per fieldset (docs/console.md, "The outcome form"). The page checks
/// what only the form knows (a date typed without its time, the do-not-call confirmation), in the operator's language
/// (<see cref="Text.T"/>), keyed by the id of the input to fix; the disposition ledger checks the rest and
/// <see cref="OutcomeMessages"/> says it the same way.
/// </summary>
public sealed record OutcomeForm
{
    public long AttemptId { get; init; }
    public string? Esito { get; init; }
    public string? Rifiuto { get; init; }
    public string? Cpi { get; init; }
    public string? DataAppuntamento { get; init; }
    public string? OraAppuntamento { get; init; }
    public string? Canale { get; init; }
    /// <summary>"si" or "no": the person was asked whether they want a reminder.</summary>
    public string? Promemoria { get; init; }
    /// <summary>The "Informativa letta" checkbox of the script region.</summary>
    public bool Informativa { get; init; }
    public string? DataRichiamo { get; init; }
    public string? OraRichiamo { get; init; }
    /// <summary>personal or team.</summary>
    public string? Ambito { get; init; }
    public bool ConfermaOpposizione { get; init; }

    /// <summary>
    /// The outcomes an operator records, in the order the form lists them, with the labels of docs/console.md in the
    /// operator's language; the shortcut letters are the same in both languages.
    /// </summary>
    public static IReadOnlyList<(string Code, string Label, char Key)> Outcomes =>
    [
        (DispositionCatalogue.IntakeAccepted, Text.T("Accetta la presa in carico", "Accepts an intake appointment"), 'A'),
        (DispositionCatalogue.Refused, Text.T("Rifiuta", "Refuses"), 'R'),
        (DispositionCatalogue.AlreadyEmployed, Text.T("Già occupato/a", "Already employed"), 'G'),
        (DispositionCatalogue.CallBack, Text.T("Richiamare", "Call back"), 'C'),
        (DispositionCatalogue.WrongPerson, Text.T("Persona errata", "Wrong person"), 'E'),
        (DispositionCatalogue.WrongNumber, Text.T("Numero errato", "Wrong number"), 'N'),
        (DispositionCatalogue.DoNotCall, Text.T("Non richiamare (opposizione)", "Do not call again (objection)"), 'X'),
    ];

    /// <summary>The appointment's channels the ledger accepts (docs/console.md: telephone appointments are not recorded yet).</summary>
    public static IReadOnlyList<(string Code, string Label)> Channels => [("in_person", Text.T("In presenza", "In person")), ("video", Text.T("Video", "Video call"))];

    /// <summary>What the form itself can tell is missing; empty when the ledger should have its say.</summary>
    public Dictionary<string, string> Check()
    {
        var errors = new Dictionary<string, string>();
        if (Outcomes.All(o => o.Code != Esito))
        {
            errors[OutcomeMessages.EsitoField] = Text.T("Scegliere l'esito della chiamata.", "Choose the outcome of the call.");
            return errors;
        }
        if (Esito == DispositionCatalogue.IntakeAccepted)
            DateAndTime(errors, DataAppuntamento, OraAppuntamento, "data-appuntamento", "ora-appuntamento", Text.T("dell'appuntamento", "appointment"));
        if (Esito == DispositionCatalogue.CallBack)
            DateAndTime(errors, DataRichiamo, OraRichiamo, "data-richiamo", "ora-richiamo", Text.T("del richiamo", "call-back"));
        if (Esito == DispositionCatalogue.DoNotCall && !ConfermaOpposizione)
            errors["conferma-opposizione"] = Text.T(
                "Confermare che la persona chiede di non essere più chiamata: il suo nome entra nel registro delle opposizioni.",
                "Confirm that the person asks not to be called again: their name goes into the register of objections.");
        return errors;
    }

    /// <summary><paramref name="what"/>: "dell'appuntamento" in Italian, "appointment" in English.</summary>
    static void DateAndTime(Dictionary<string, string> errors, string? date, string? time, string dateId, string timeId, string what)
    {
        if (string.IsNullOrWhiteSpace(date)) errors[dateId] = Text.T($"Indicare la data {what}.", $"Enter the {what} date.");
        else if (ParseDate(date) is null)
            errors[dateId] = Text.T($"Scrivere la data {what} come gg/mm/aaaa, per esempio 25/11/2026.", $"Write the {what} date as dd/mm/yyyy, for example 25/11/2026.");
        if (string.IsNullOrWhiteSpace(time)) errors[timeId] = Text.T($"Indicare l'ora {what}.", $"Enter the {what} time.");
        else if (ParseTime(time) is null)
            errors[timeId] = Text.T($"Scrivere l'ora {what} come hh:mm, per esempio 10:30.", $"Write the {what} time as hh:mm, for example 10:30.");
    }

    // Dates and times are typed as text, the Italian way (a native date picker's format follows the browser's language,
    // not the page's): 25/11/2026 or 25-11-2026 or 25.11.2026; the ISO 2026-11-25 of a script is accepted too.
    static readonly string[] DateFormats = ["d/M/yyyy", "d-M-yyyy", "d.M.yyyy", "yyyy-MM-dd"];
    static readonly string[] TimeFormats = ["H:mm", "H.mm", "HHmm"];

    static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    static TimeOnly? ParseTime(string? text) =>
        TimeOnly.TryParseExact(text?.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;

    /// <summary>The request for the ledger: only the part the chosen outcome needs.</summary>
    public DispositionRequest ToRequest() => Esito switch
    {
        DispositionCatalogue.IntakeAccepted => new DispositionRequest(Esito, Appointment: new AppointmentRequest(Cpi, LocalAt(DataAppuntamento, OraAppuntamento),
            Canale, Promemoria switch { "si" => true, "no" => false, _ => null }, Informativa)),
        DispositionCatalogue.Refused => new DispositionRequest(Esito, Reason: Rifiuto ?? ""),
        DispositionCatalogue.CallBack => new DispositionRequest(Esito, Callback: new CallbackRequest(LocalAt(DataRichiamo, OraRichiamo), Ambito)),
        _ => new DispositionRequest(Esito),
    };

    /// <summary>yyyy-MM-ddTHH:mm for the ledger, or what was typed when it does not read as a date and a time.</summary>
    static string LocalAt(string? date, string? time) => ParseDate(date) is { } day && ParseTime(time) is { } at
        ? string.Create(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd}T{at:HH:mm}")
        : $"{date?.Trim()}T{time?.Trim()}";
}

/// <summary>
/// The ledger's messages ("field: what is wrong", terse and naming the JSON field, for the API) as the console says them, keyed by
/// the id of the input the operator must fix (the error summary links there; the message sits next to it), in the operator's
/// language. The ledger writes its text in the same language (<see cref="Text.T"/>), so the kind of error is recognised by
/// its Italian or its English wording.
/// </summary>
public static class OutcomeMessages
{
    public const string EsitoField = "esito-intake_accepted";

    public static Dictionary<string, string> ForInputs(IEnumerable<string> errors)
    {
        var byInput = new Dictionary<string, string>();
        foreach (var error in errors)
        {
            var colon = error.IndexOf(':');
            var field = colon > 0 ? error[..colon].Trim() : "";
            var text = colon > 0 ? error[(colon + 1)..] : error;
            var (input, message) = field switch
            {
                "code" => (EsitoField, Text.T("Scegliere l'esito della chiamata.", "Choose the outcome of the call.")),
                "reason" => ("rifiuto-not_interested", Text.T("Scegliere il motivo del rifiuto.", "Choose the reason for the refusal.")),
                "appointment.cpi" => ("cpi", Says(text, "nessuna sede di CPI", "no CPI site")
                    ? Text.T("Questo Centro per l'Impiego non è in elenco: sceglierne uno della lista.",
                        "This job centre (CPI) is not on the list: choose one from the list.")
                    : Text.T("Scegliere il Centro per l'Impiego dell'appuntamento.", "Choose the job centre (CPI) for the appointment.")),
                "appointment.at" => ("data-appuntamento", When(text, Text.T("dell'appuntamento", "appointment"), DispositionRules.AppointmentHorizon)),
                "appointment.channel" => ("canale-in_person", Text.T("Scegliere come si terrà l'appuntamento: in presenza o in video.",
                    "Choose how the appointment will take place: in person or by video call.")),
                "appointment.reminderConsent" => ("promemoria-si", Text.T("Chiedere alla persona se vuole un promemoria dell'appuntamento, e indicare la risposta.",
                    "Ask the person whether they want a reminder of the appointment, and record the answer.")),
                "appointment.privacyNoticeGiven" => ("informativa", Text.T(
                    "Leggere l'informativa alla persona e spuntare «Informativa letta» prima di fissare l'appuntamento.",
                    "Read the privacy notice to the person and tick “Privacy notice read” before booking the appointment.")),
                "callback.at" => ("data-richiamo", When(text, Text.T("del richiamo", "call-back"), DispositionRules.CallbackHorizon)),
                "callback.scope" => ("ambito-personal", Text.T("Scegliere chi richiama: io stesso/a o chiunque del gruppo.",
                    "Choose who calls back: me, or anyone in the team.")),
                _ => ("", Text.T("L'esito non è valido: ", "The outcome is not valid: ") + text.Trim()),
            };
            byInput[input] = byInput.TryGetValue(input, out var earlier) && earlier != message ? $"{earlier} {message}" : message;
        }
        return byInput;
    }

    /// <summary>The ledger's message contains its Italian or its English wording of one kind of error.</summary>
    static bool Says(string text, string italian, string english) =>
        text.Contains(italian, StringComparison.Ordinal) || text.Contains(english, StringComparison.Ordinal);

    /// <summary><paramref name="what"/>: "dell'appuntamento" in Italian, "appointment" in English.</summary>
    static string When(string text, string what, TimeSpan horizon) =>
        Says(text, "è già passato", "is in the past") ? Text.T($"La data e l'ora {what} sono già passate.", $"The {what} date and time are in the past.")
        : Says(text, "giorni da oggi", "days from today")
            ? Text.T($"La data {what} è troppo lontana: al massimo {horizon.TotalDays:0} giorni da oggi.",
                $"The {what} date is too far ahead: at most {horizon.TotalDays:0} days from today.")
        : Says(text, "non esiste in Italia", "does not exist in Italy")
            ? Text.T("Quest'ora non esiste in Italia (quella notte gli orologi vanno avanti di un'ora): sceglierne un'altra.",
                "This time does not exist in Italy (that night the clocks go forward one hour): choose another.")
        : Says(text, "obbligatorio", "required") ? Text.T($"Indicare la data e l'ora {what}.", $"Enter the {what} date and time.")
        : Says(text, "non è una data e ora", "is not a date and time")
            ? Text.T($"La data o l'ora {what} non è valida: scriverle come gg/mm/aaaa e hh:mm.",
                $"The {what} date or time is not valid: write them as dd/mm/yyyy and hh:mm.")
        // The ledger's own messages (outside the CPI's opening hours, a holiday), already in the operator's language, as they are.
        : Sentence(text);

    static string Sentence(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length == 0 ? trimmed : char.ToUpper(trimmed[0], Core.ItalianFormat.Culture) + trimmed[1..];
    }
}
