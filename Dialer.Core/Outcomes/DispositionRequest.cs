using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dialer.Core.Outcomes;

/// <summary>What an operator records about a call. Only the part the code needs may be present (see the catalogue).</summary>
// Reason: For refused: not_interested, reinstated, retired or deceased.
public sealed record DispositionRequest(string? Code, string? Reason = null, AppointmentRequest? Appointment = null, CallbackRequest? Callback = null);

// Cpi: The CPI site's code (cpi_offices).
// At: Local date and time in Europe/ItalianTime.Rome, <c>yyyy-MM-ddTHH:mm</c>.
// Channel: in_person or video.
// Reason: DEC_MOTIVO_CONVOCAZIONE: ACC (default) or ORI.
public sealed record AppointmentRequest(string? Cpi, string? At, string? Channel, bool? ReminderConsent, bool? PrivacyNoticeGiven, string? Reason = null);

// At: The local date and time in Europe/Rome the person chose, <c>yyyy-MM-ddTHH:mm</c>.
// Scope: personal (this operator calls back) or team (anyone).
public sealed record CallbackRequest(string? At, string? Scope);

public sealed record Appointment(string CpiCode, string LocalAt, DateTimeOffset StartsAt, string Channel, bool ReminderConsent, bool PrivacyNoticeGiven,
    string Reason);

public sealed record ScheduledCallback(string LocalAt, DateTimeOffset DueAt, bool Personal);

/// <summary>A request that passed validation, normalised; <see cref="Details"/> is what call_dispositions.details keeps.</summary>
public sealed record ValidDisposition(DispositionType Type, RefusalReason? Refusal, Appointment? Appointment, ScheduledCallback? Callback)
{
    public string? AnpalCode => Refusal?.AnpalCode ?? Type.AnpalCode;

    public string Details => JsonSerializer.Serialize(new
    {
        reason = Refusal?.Code,
        appointment = Appointment is { } a
            ? new { cpi = a.CpiCode, at = a.LocalAt, startsAt = a.StartsAt, channel = a.Channel, reminderConsent = a.ReminderConsent,
                privacyNoticeGiven = a.PrivacyNoticeGiven, reason = a.Reason }
            : null,
        callback = Callback is { } c ? new { at = c.LocalAt, dueAt = c.DueAt, scope = c.Personal ? "personal" : "team" } : null,
    }, DetailsJson);

    static readonly JsonSerializerOptions DetailsJson = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}

public sealed class DispositionValidationException(IReadOnlyList<string> errors) : Exception("The disposition is not valid: " + string.Join(" ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>Checks a disposition request (pure): one message per missing or invalid field, each starting with the field's path.</summary>
public static partial class DispositionRules
{
    /// <summary>Appointments are booked at most this far ahead.</summary>
    public static readonly TimeSpan AppointmentHorizon = TimeSpan.FromDays(90);

    /// <summary>Call-backs are scheduled at most this far ahead (VICIdial's callback_days_limit).</summary>
    public static readonly TimeSpan CallbackHorizon = TimeSpan.FromDays(30);

    /// <summary>Operators record these; the system codes are refused here (the engine records them).</summary>
    public static ValidDisposition Validate(DispositionRequest request, DateTimeOffset now)
    {
        var errors = new List<string>();
        var type = DispositionCatalogue.Find(request.Code);
        if (string.IsNullOrWhiteSpace(request.Code))
            errors.Add(Text.T($"code: obbligatorio, uno tra {DispositionCatalogue.OperatorCodes}.", $"code: required, one of {DispositionCatalogue.OperatorCodes}."));
        else if (type is null)
            errors.Add(Text.T($"code: esito sconosciuto \"{request.Code}\"; uno tra {DispositionCatalogue.OperatorCodes}.", $"code: unknown outcome \"{request.Code}\"; one of {DispositionCatalogue.OperatorCodes}."));
        else if (type.BySystem)
            errors.Add(Text.T($"code: \"{type.Code}\" lo registra il sistema dall'esito della chiamata; l'operatore sceglie uno tra {DispositionCatalogue.OperatorCodes}.", $"code: \"{type.Code}\" is recorded by the system from the call's result; an operator chooses one of {DispositionCatalogue.OperatorCodes}."));
        if (errors.Count > 0) throw new DispositionValidationException(errors);

        RefusalReason? refusal = null;
        if (type!.Code == DispositionCatalogue.Refused)
        {
            refusal = DispositionCatalogue.RefusalReasons.FirstOrDefault(r => r.Code == request.Reason);
            if (refusal is null)
                errors.Add(request.Reason is null
                    ? Text.T($"reason: obbligatorio per un rifiuto, uno tra {RefusalCodes}.", $"reason: required for a refusal, one of {RefusalCodes}.")
                    : Text.T($"reason: motivo di rifiuto sconosciuto \"{request.Reason}\"; uno tra {RefusalCodes}.", $"reason: unknown refusal reason \"{request.Reason}\"; one of {RefusalCodes}."));
        }
        else if (request.Reason is not null) errors.Add(Text.T($"reason: solo per un rifiuto, non per {type.Code}.", $"reason: only for a refusal, not for {type.Code}."));

        Appointment? appointment = null;
        if (type.Code == DispositionCatalogue.IntakeAccepted)
        {
            if (request.Appointment is null) errors.Add(Text.T("appointment: obbligatorio per intake_accepted (cpi, at, channel, reminderConsent, privacyNoticeGiven).", "appointment: required for intake_accepted (cpi, at, channel, reminderConsent, privacyNoticeGiven)."));
            else appointment = ValidateAppointment(request.Appointment, now, errors);
        }
        else if (request.Appointment is not null) errors.Add(Text.T($"appointment: solo per intake_accepted, non per {type.Code}.", $"appointment: only for intake_accepted, not for {type.Code}."));

        ScheduledCallback? callback = null;
        if (type.Code == DispositionCatalogue.CallBack)
        {
            if (request.Callback is null) errors.Add(Text.T("callback: obbligatorio per call_back (at, scope).", "callback: required for call_back (at, scope)."));
            else callback = ValidateCallback(request.Callback, now, errors);
        }
        else if (request.Callback is not null) errors.Add(Text.T($"callback: solo per call_back, non per {type.Code}.", $"callback: only for call_back, not for {type.Code}."));

        if (errors.Count > 0) throw new DispositionValidationException(errors);
        return new ValidDisposition(type, refusal, appointment, callback);
    }

    static Appointment? ValidateAppointment(AppointmentRequest a, DateTimeOffset now, List<string> errors)
    {
        var start = errors.Count;
        var cpi = a.Cpi?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(cpi)) errors.Add(Text.T("appointment.cpi: obbligatorio, il codice della sede del CPI.", "appointment.cpi: required, the code of the CPI site."));
        else if (!CpiPattern().IsMatch(cpi)) errors.Add(Text.T($"appointment.cpi: \"{a.Cpi}\" non è un codice di CPI (lettere, cifre e _).", $"appointment.cpi: \"{a.Cpi}\" is not a CPI code (letters, digits and _)."));
        var startsAt = LocalTime("appointment.at", a.At, now, AppointmentHorizon, errors);
        if (a.Channel is not ("in_person" or "video"))
            errors.Add(a.Channel is null ? Text.T("appointment.channel: obbligatorio, in_person (in presenza) o video.", "appointment.channel: required, in_person or video.") : Text.T($"appointment.channel: \"{a.Channel}\" non è in_person (in presenza) né video.", $"appointment.channel: \"{a.Channel}\" is neither in_person nor video."));
        if (a.ReminderConsent is null) errors.Add(Text.T("appointment.reminderConsent: obbligatorio (sì o no: la persona accetta un promemoria via SMS o e-mail?).", "appointment.reminderConsent: required (yes or no: does the person accept a reminder by SMS or e-mail?)."));
        if (a.PrivacyNoticeGiven is null) errors.Add(Text.T("appointment.privacyNoticeGiven: obbligatorio.", "appointment.privacyNoticeGiven: required."));
        else if (a.PrivacyNoticeGiven == false) errors.Add(Text.T("appointment.privacyNoticeGiven: l'informativa va letta prima di fissare un appuntamento.", "appointment.privacyNoticeGiven: the privacy notice must be read before an appointment is made."));
        var reason = a.Reason ?? "ACC";
        if (DispositionCatalogue.AppointmentReasons.All(r => r.Code != reason))
            errors.Add(Text.T($"appointment.reason: \"{a.Reason}\" non è ACC (primo colloquio di accoglienza) né ORI (orientamento).", $"appointment.reason: \"{a.Reason}\" is neither ACC (first intake interview) nor ORI (guidance)."));
        return errors.Count > start
            ? null
            : new Appointment(cpi!, a.At!.Trim(), startsAt!.Value, a.Channel!, a.ReminderConsent!.Value, true, reason);
    }

    static ScheduledCallback? ValidateCallback(CallbackRequest c, DateTimeOffset now, List<string> errors)
    {
        var start = errors.Count;
        var dueAt = LocalTime("callback.at", c.At, now, CallbackHorizon, errors);
        if (c.Scope is not ("personal" or "team"))
            errors.Add(c.Scope is null
                ? Text.T("callback.scope: obbligatorio, personal (richiama lo stesso operatore) o team (richiama chiunque).", "callback.scope: required, personal (the same operator calls back) or team (anyone calls back).")
                : Text.T($"callback.scope: \"{c.Scope}\" non è personal né team.", $"callback.scope: \"{c.Scope}\" is neither personal nor team."));
        return errors.Count > start ? null : new ScheduledCallback(c.At!.Trim(), dueAt!.Value, c.Scope == "personal");
    }

    /// <summary>A local Europe/Rome date-time, in the future and within the horizon; null (with an error) otherwise.</summary>
    static DateTimeOffset? LocalTime(string field, string? text, DateTimeOffset now, TimeSpan horizon, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(Text.T($"{field}: obbligatorio, data e ora italiane come aaaa-MM-ggTHH:mm.", $"{field}: required, an Italian date and time as yyyy-MM-ddTHH:mm."));
            return null;
        }
        if (!DateTime.TryParseExact(text.Trim(), ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var local))
        {
            errors.Add(Text.T($"{field}: \"{text}\" non è una data e ora come aaaa-MM-ggTHH:mm (ora italiana, senza fuso).", $"{field}: \"{text}\" is not a date and time as yyyy-MM-ddTHH:mm (Italian time, no offset)."));
            return null;
        }
        if (ItalianTime.Rome.IsInvalidTime(local))
        {
            errors.Add(Text.T($"{field}: {text} non esiste in Italia (quella notte si spostano avanti le lancette); scegliere un'altra ora.", $"{field}: {text} does not exist in Italy (the clocks go forward that night); choose another time."));
            return null;
        }
        // An ambiguous time (the night the clocks go back) is read as the first of the two, summer time.
        var offset = ItalianTime.Rome.IsAmbiguousTime(local) ? ItalianTime.Rome.GetAmbiguousTimeOffsets(local).Max() : ItalianTime.Rome.GetUtcOffset(local);
        var instant = new DateTimeOffset(local, offset).ToUniversalTime();
        if (instant <= now) errors.Add(Text.T($"{field}: {text} è già passato.", $"{field}: {text} is in the past."));
        else if (instant > now + horizon) errors.Add(Text.T($"{field}: {text} è oltre {horizon.TotalDays:0} giorni da oggi.", $"{field}: {text} is more than {horizon.TotalDays:0} days from today."));
        else return instant;
        return null;
    }

    static string RefusalCodes => string.Join(", ", DispositionCatalogue.RefusalReasons.Select(r => r.Code));

    [GeneratedRegex("^[A-Z0-9_]+$")]
    private static partial Regex CpiPattern();
}
