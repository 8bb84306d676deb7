using System.Globalization;
using Dialer.Core.Outcomes;

namespace Dialer.Api.Pages.Console;

/// <summary>
/// The console's outcome form as posted: one decision per fieldset (docs/console.md, "The outcome form"). The page checks
/// what only the form knows (a date typed without its time, the do-not-call confirmation), in Italian, keyed by the id of
/// the input to fix; the disposition ledger checks the rest and <see cref="OutcomeMessages"/> says it in Italian.
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

    /// <summary>The outcomes an operator records, in the order the form lists them, with the labels of docs/console.md.</summary>
    public static readonly IReadOnlyList<(string Code, string Label, char Key)> Outcomes =
    [
        (DispositionCatalogue.IntakeAccepted, "Accetta la presa in carico", 'A'),
        (DispositionCatalogue.Refused, "Rifiuta", 'R'),
        (DispositionCatalogue.AlreadyEmployed, "Già occupato/a", 'G'),
        (DispositionCatalogue.CallBack, "Richiamare", 'C'),
        (DispositionCatalogue.WrongPerson, "Persona errata", 'E'),
        (DispositionCatalogue.WrongNumber, "Numero errato", 'N'),
        (DispositionCatalogue.DoNotCall, "Non richiamare (opposizione)", 'X'),
    ];

    /// <summary>The appointment's channels the ledger accepts (docs/console.md: telephone appointments are not recorded yet).</summary>
    public static readonly IReadOnlyList<(string Code, string Label)> Channels = [("in_person", "In presenza"), ("video", "Video")];

    /// <summary>What the form itself can tell is missing; empty when the ledger should have its say.</summary>
    public Dictionary<string, string> Check()
    {
        var errors = new Dictionary<string, string>();
        if (Outcomes.All(o => o.Code != Esito))
        {
            errors[OutcomeMessages.EsitoField] = "Scegliere l'esito della chiamata.";
            return errors;
        }
        if (Esito == DispositionCatalogue.IntakeAccepted)
            DateAndTime(errors, DataAppuntamento, OraAppuntamento, "data-appuntamento", "ora-appuntamento", "dell'appuntamento");
        if (Esito == DispositionCatalogue.CallBack)
            DateAndTime(errors, DataRichiamo, OraRichiamo, "data-richiamo", "ora-richiamo", "del richiamo");
        if (Esito == DispositionCatalogue.DoNotCall && !ConfermaOpposizione)
            errors["conferma-opposizione"] = "Confermare che la persona chiede di non essere più chiamata: il suo nome entra nel registro delle opposizioni.";
        return errors;
    }

    static void DateAndTime(Dictionary<string, string> errors, string? date, string? time, string dateId, string timeId, string what)
    {
        if (string.IsNullOrWhiteSpace(date)) errors[dateId] = $"Indicare la data {what}.";
        else if (ParseDate(date) is null) errors[dateId] = $"Scrivere la data {what} come gg/mm/aaaa, per esempio 25/11/2026.";
        if (string.IsNullOrWhiteSpace(time)) errors[timeId] = $"Indicare l'ora {what}.";
        else if (ParseTime(time) is null) errors[timeId] = $"Scrivere l'ora {what} come hh:mm, per esempio 10:30.";
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
/// the id of the input the operator must fix (the error summary links there; the message sits next to it).
/// </summary>
public static class OutcomeMessages
{
    public const string EsitoField = "esito-intake_accepted";

    public static Dictionary<string, string> Italian(IEnumerable<string> errors)
    {
        var byInput = new Dictionary<string, string>();
        foreach (var error in errors)
        {
            var colon = error.IndexOf(':');
            var field = colon > 0 ? error[..colon].Trim() : "";
            var text = colon > 0 ? error[(colon + 1)..] : error;
            var (input, message) = field switch
            {
                "code" => (EsitoField, "Scegliere l'esito della chiamata."),
                "reason" => ("rifiuto-not_interested", "Scegliere il motivo del rifiuto."),
                "appointment.cpi" => ("cpi", text.Contains("nessuna sede di CPI", StringComparison.Ordinal)
                    ? "Questo Centro per l'Impiego non è in elenco: sceglierne uno della lista."
                    : "Scegliere il Centro per l'Impiego dell'appuntamento."),
                "appointment.at" => ("data-appuntamento", When(text, "dell'appuntamento", DispositionRules.AppointmentHorizon)),
                "appointment.channel" => ("canale-in_person", "Scegliere come si terrà l'appuntamento: in presenza o in video."),
                "appointment.reminderConsent" => ("promemoria-si", "Chiedere alla persona se vuole un promemoria dell'appuntamento, e indicare la risposta."),
                "appointment.privacyNoticeGiven" => ("informativa",
                    "Leggere l'informativa alla persona e spuntare «Informativa letta» prima di fissare l'appuntamento."),
                "callback.at" => ("data-richiamo", When(text, "del richiamo", DispositionRules.CallbackHorizon)),
                "callback.scope" => ("ambito-personal", "Scegliere chi richiama: io stesso/a o chiunque del gruppo."),
                _ => ("", "L'esito non è valido: " + text.Trim()),
            };
            byInput[input] = byInput.TryGetValue(input, out var earlier) && earlier != message ? $"{earlier} {message}" : message;
        }
        return byInput;
    }

    static string When(string text, string what, TimeSpan horizon) =>
        text.Contains("è già passato", StringComparison.Ordinal) ? $"La data e l'ora {what} sono già passate."
        : text.Contains("giorni da oggi", StringComparison.Ordinal) ? $"La data {what} è troppo lontana: al massimo {horizon.TotalDays:0} giorni da oggi."
        : text.Contains("non esiste in Italia", StringComparison.Ordinal) ? "Quest'ora non esiste in Italia (quella notte gli orologi vanno avanti di un'ora): sceglierne un'altra."
        : text.Contains("obbligatorio", StringComparison.Ordinal) ? $"Indicare la data e l'ora {what}."
        : text.Contains("non è una data e ora", StringComparison.Ordinal) ? $"La data o l'ora {what} non è valida: scriverle come gg/mm/aaaa e hh:mm."
        // The ledger's own Italian messages (outside the CPI's opening hours, a holiday) as they are.
        : Sentence(text);

    static string Sentence(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length == 0 ? trimmed : char.ToUpper(trimmed[0], Core.ItalianFormat.Culture) + trimmed[1..];
    }
}
