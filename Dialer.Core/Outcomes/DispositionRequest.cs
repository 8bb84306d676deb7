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
            errors.Add($"code: obbligatorio, uno tra {DispositionCatalogue.OperatorCodes}.");
        else if (type is null)
            errors.Add($"code: esito sconosciuto \"{request.Code}\"; uno tra {DispositionCatalogue.OperatorCodes}.");
        else if (type.BySystem)
            errors.Add($"code: \"{type.Code}\" lo registra il sistema dall'esito della chiamata; l'operatore sceglie uno tra {DispositionCatalogue.OperatorCodes}.");
        if (errors.Count > 0) throw new DispositionValidationException(errors);

        RefusalReason? refusal = null;
        if (type!.Code == DispositionCatalogue.Refused)
        {
            refusal = DispositionCatalogue.RefusalReasons.FirstOrDefault(r => r.Code == request.Reason);
            if (refusal is null)
                errors.Add(request.Reason is null
                    ? $"reason: obbligatorio per un rifiuto, uno tra {RefusalCodes}."
                    : $"reason: motivo di rifiuto sconosciuto \"{request.Reason}\"; uno tra {RefusalCodes}.");
        }
        else if (request.Reason is not null) errors.Add($"reason: solo per un rifiuto, non per {type.Code}.");

        Appointment? appointment = null;
        if (type.Code == DispositionCatalogue.IntakeAccepted)
        {
            if (request.Appointment is null) errors.Add("appointment: obbligatorio per intake_accepted (cpi, at, channel, reminderConsent, privacyNoticeGiven).");
            else appointment = ValidateAppointment(request.Appointment, now, errors);
        }
        else if (request.Appointment is not null) errors.Add($"appointment: solo per intake_accepted, non per {type.Code}.");

        ScheduledCallback? callback = null;
        if (type.Code == DispositionCatalogue.CallBack)
        {
            if (request.Callback is null) errors.Add("callback: obbligatorio per call_back (at, scope).");
            else callback = ValidateCallback(request.Callback, now, errors);
        }
        else if (request.Callback is not null) errors.Add($"callback: solo per call_back, non per {type.Code}.");

        if (errors.Count > 0) throw new DispositionValidationException(errors);
        return new ValidDisposition(type, refusal, appointment, callback);
    }

    static Appointment? ValidateAppointment(AppointmentRequest a, DateTimeOffset now, List<string> errors)
    {
        var start = errors.Count;
        var cpi = a.Cpi?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(cpi)) errors.Add("appointment.cpi: obbligatorio, il codice della sede del CPI.");
        else if (!CpiPattern().IsMatch(cpi)) errors.Add($"appointment.cpi: \"{a.Cpi}\" non è un codice di CPI (lettere, cifre e _).");
        var startsAt = LocalTime("appointment.at", a.At, now, AppointmentHorizon, errors);
        if (a.Channel is not ("in_person" or "video"))
            errors.Add(a.Channel is null ? "appointment.channel: obbligatorio, in_person (in presenza) o video." : $"appointment.channel: \"{a.Channel}\" non è in_person (in presenza) né video.");
        if (a.ReminderConsent is null) errors.Add("appointment.reminderConsent: obbligatorio (sì o no: la persona accetta un promemoria via SMS o e-mail?).");
        if (a.PrivacyNoticeGiven is null) errors.Add("appointment.privacyNoticeGiven: obbligatorio.");
        else if (a.PrivacyNoticeGiven == false) errors.Add("appointment.privacyNoticeGiven: l'informativa va letta prima di fissare un appuntamento.");
        var reason = a.Reason ?? "ACC";
        if (DispositionCatalogue.AppointmentReasons.All(r => r.Code != reason))
            errors.Add($"appointment.reason: \"{a.Reason}\" non è ACC (primo colloquio di accoglienza) né ORI (orientamento).");
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
                ? "callback.scope: obbligatorio, personal (richiama lo stesso operatore) o team (richiama chiunque)."
                : $"callback.scope: \"{c.Scope}\" non è personal né team.");
        return errors.Count > start ? null : new ScheduledCallback(c.At!.Trim(), dueAt!.Value, c.Scope == "personal");
    }

    /// <summary>A local Europe/Rome date-time, in the future and within the horizon; null (with an error) otherwise.</summary>
    static DateTimeOffset? LocalTime(string field, string? text, DateTimeOffset now, TimeSpan horizon, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add($"{field}: obbligatorio, data e ora italiane come aaaa-MM-ggTHH:mm.");
            return null;
        }
        if (!DateTime.TryParseExact(text.Trim(), ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var local))
        {
            errors.Add($"{field}: \"{text}\" non è una data e ora come aaaa-MM-ggTHH:mm (ora italiana, senza fuso).");
            return null;
        }
        if (ItalianTime.Rome.IsInvalidTime(local))
        {
            errors.Add($"{field}: {text} non esiste in Italia (quella notte si spostano avanti le lancette); scegliere un'altra ora.");
            return null;
        }
        // An ambiguous time (the night the clocks go back) is read as the first of the two, summer time.
        var offset = ItalianTime.Rome.IsAmbiguousTime(local) ? ItalianTime.Rome.GetAmbiguousTimeOffsets(local).Max() : ItalianTime.Rome.GetUtcOffset(local);
        var instant = new DateTimeOffset(local, offset).ToUniversalTime();
        if (instant <= now) errors.Add($"{field}: {text} è già passato.");
        else if (instant > now + horizon) errors.Add($"{field}: {text} è oltre {horizon.TotalDays:0} giorni da oggi.");
        else return instant;
        return null;
    }

    static string RefusalCodes => string.Join(", ", DispositionCatalogue.RefusalReasons.Select(r => r.Code));

    [GeneratedRegex("^[A-Z0-9_]+$")]
    private static partial Regex CpiPattern();
}
