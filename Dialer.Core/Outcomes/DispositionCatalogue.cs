namespace Dialer.Core.Outcomes;

/// <summary>
/// A disposition code, with its Italian label, the ANPAL code it maps to where one exists (docs/domain.md §6.2) and
/// what it requires. <see cref="BySystem"/>: recorded by the engine from the provider's outcome, never by an operator.
/// </summary>
public sealed record DispositionType(string Code, [property: System.Text.Json.Serialization.JsonIgnore] string Italian, [property: System.Text.Json.Serialization.JsonIgnore] string English, string? AnpalCode, string? AnpalCodeList, bool BySystem, string Requires)
{
    public string Label => Text.T(Italian, English);
}

/// <summary>A reason for the refused disposition, aligned with ANPAL's DEC_MOTIVO_RIFIUTO_PATTO.</summary>
public sealed record RefusalReason(string Code, [property: System.Text.Json.Serialization.JsonIgnore] string Italian, [property: System.Text.Json.Serialization.JsonIgnore] string English, string AnpalCode)
{
    public string Label => Text.T(Italian, English);
}

/// <summary>The reason for the appointment, ANPAL's DEC_MOTIVO_CONVOCAZIONE.</summary>
public sealed record AppointmentReason(string Code, [property: System.Text.Json.Serialization.JsonIgnore] string Italian, [property: System.Text.Json.Serialization.JsonIgnore] string English)
{
    public string Label => Text.T(Italian, English);
}

/// <summary>The disposition codes (shared vocabulary), refusal reasons and appointment reasons.</summary>
public static class DispositionCatalogue
{
    public const string IntakeAccepted = "intake_accepted";
    public const string Refused = "refused";
    public const string AlreadyEmployed = "already_employed";
    public const string WrongPerson = "wrong_person";
    public const string WrongNumber = "wrong_number";
    public const string CallBack = "call_back";
    public const string DoNotCall = "do_not_call";
    public const string NoAnswer = "no_answer";
    public const string Busy = "busy";
    public const string Machine = "machine";
    public const string Failed = "failed";

    /// <summary>DEC_MODALITA_CONVOCAZIONE 04 TELEFONO: how every appointment booked by the dialer was arranged.</summary>
    public const string ContactModeTelephone = "04";

    public static readonly IReadOnlyList<DispositionType> All =
    [
        new(IntakeAccepted, "Accetta la presa in carico: appuntamento fissato", "Accepts to be taken in charge: appointment made", ContactModeTelephone, "DEC_MODALITA_CONVOCAZIONE", false,
            "appointment: cpi, at (local date-time), channel (in_person|video), reminderConsent, privacyNoticeGiven (true), reason (ACC|ORI, default ACC)"),
        new(Refused, "Rifiuta", "Refuses", null, "DEC_MOTIVO_RIFIUTO_PATTO", false, "reason: not_interested|reinstated|retired|deceased"),
        new(AlreadyEmployed, "Già occupato", "Already employed", "OCCUPATO", "DEC_MOTIVO_RIFIUTO_PATTO", false, ""),
        new(WrongPerson, "Persona errata", "Wrong person", null, null, false, "the number is flagged and never dialed again"),
        new(WrongNumber, "Numero errato", "Wrong number", null, null, false, "the number is flagged and never dialed again"),
        new(CallBack, "Da richiamare", "Call back", null, null, false, "callback: at (local date-time the person chose), scope (personal|team)"),
        new(DoNotCall, "Non chiamare più (opposizione)", "Do not call again (objection)", null, null, false, "the person enters the objection register (channel phone)"),
        new(NoAnswer, "Nessuna risposta", "No answer", null, null, true, ""),
        new(Busy, "Occupato (linea)", "Busy (line)", null, null, true, ""),
        new(Machine, "Segreteria telefonica", "Answering machine", null, null, true, ""),
        new(Failed, "Chiamata non riuscita", "Call failed", null, null, true, ""),
    ];

    public static readonly IReadOnlyList<RefusalReason> RefusalReasons =
    [
        new("not_interested", "Non interessato", "Not interested", "RIFIUTO"),
        new("reinstated", "Reintegrato dal datore di lavoro", "Reinstated by the employer", "REINTEGRA"),
        new("retired", "Pensionato", "Retired", "PENSIONAM"),
        new("deceased", "Deceduto", "Deceased", "DECESSO"),
    ];

    public static readonly IReadOnlyList<AppointmentReason> AppointmentReasons =
    [
        new("ACC", "Primo colloquio di accoglienza", "First intake interview"),
        new("ORI", "Orientamento", "Guidance"),
    ];

    public static DispositionType? Find(string? code) => All.FirstOrDefault(d => d.Code == code);

    public static string OperatorCodes => string.Join(", ", All.Where(d => !d.BySystem).Select(d => d.Code));

    public static string SystemCodes => string.Join(", ", All.Where(d => d.BySystem).Select(d => d.Code));
}
