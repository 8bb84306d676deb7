using System.Globalization;
using Dialer.Core.PhoneNumbers;

namespace Dialer.Core.Notices;

/// <summary>
/// Turns a <see cref="RawNotice"/> into a <see cref="Notice"/>, or says the one specific reason it cannot
/// (pure; domain-italy.md §1–3). The first failing rule is the reason.
/// </summary>
public static class NoticeRules
{
    static readonly TimeZoneInfo Rome = TimeZoneInfo.FindSystemTimeZoneById("Europe/Rome");

    public static Rejection? Validate(RawNotice raw, out Notice? notice)
    {
        notice = null;
        var code = Clean(raw.Code);
        if (code is null || code.Length != 16 || !code.All(char.IsAsciiLetterOrDigit) || code.All(c => c == '0'))
            return new(QuarantineReason.InvalidCode, "codice comunicazione must be 16 letters or digits, and assigned (not all zeros)");

        var type = Clean(raw.CommunicationType);
        if (type is null || type.Length != 2 || type[0] != '0' || type[1] is < '1' or > '9')
            return new(QuarantineReason.InvalidCommunicationType, $"tipo comunicazione '{type}' is not one of 01–09");

        // §2.2: corrections, cancellations and urgent follow-ups point at an earlier notice; no other type may.
        var previous = Clean(raw.PreviousCode);
        var needsPrevious = type is "03" or "04" or "07" or "09";
        if (needsPrevious && (previous is null || previous.All(c => c == '0')))
            return new(QuarantineReason.MissingPreviousCode, $"tipo comunicazione {type} requires codice comunicazione precedente");
        if (!needsPrevious && previous is not null && !previous.All(c => c == '0'))
            return new(QuarantineReason.UnexpectedPreviousCode, $"tipo comunicazione {type} must not carry codice comunicazione precedente");
        if (previous is not null && (previous.Length != 16 || !previous.All(char.IsAsciiLetterOrDigit) || previous == code))
            return new(QuarantineReason.MissingPreviousCode, "codice comunicazione precedente must be another code of 16 letters or digits");
        if (!needsPrevious) previous = null;

        NoticeEvent? evt = Clean(raw.Event) switch
        {
            "ASS" or "HIRING" => NoticeEvent.Hiring,
            "PRO" or "EXTENSION" => NoticeEvent.Extension,
            "TRS" or "TRANSFORMATION" => NoticeEvent.Transformation,
            "CES" or "CESSATION" => NoticeEvent.Cessation,
            _ => null,
        };
        if (evt is null) return new(QuarantineReason.InvalidEvent, $"evento '{raw.Event}' is not ASS, PRO, TRS or CES");

        var worker = CodiceFiscale.Normalise(raw.WorkerCf ?? "");
        if (CodiceFiscale.Check(worker) is { } cfProblem) return new(QuarantineReason.InvalidWorkerCf, $"worker's codice fiscale {cfProblem}");
        var employer = CodiceFiscale.Normalise(raw.EmployerCf ?? "");
        if (CodiceFiscale.Check(employer) is { } employerProblem) return new(QuarantineReason.InvalidEmployerCf, $"employer's codice fiscale {employerProblem}");

        if (!TryDate(raw.StartOn, out var start, "data inizio", out var rejection)) return rejection;
        if (start is null) return new(QuarantineReason.MissingDate, "data inizio is missing");
        if (!TryDate(raw.PlannedEndOn, out var plannedEnd, "data fine", out rejection)
            || !TryDate(raw.ExtensionEndOn, out var extensionEnd, "data fine proroga", out rejection)
            || !TryDate(raw.TransformationOn, out var transformationOn, "data trasformazione", out rejection)
            || !TryDate(raw.CessationOn, out var cessationOn, "data cessazione", out rejection)
            || !TryDate(raw.BirthDate, out var birth, "data di nascita", out rejection)) return rejection;
        if (!TrySentAt(raw.SentAt, out var sentAt)) return new(QuarantineReason.InvalidDate, $"data invio '{raw.SentAt}' is not a date-time");

        var eventDate = evt switch
        {
            NoticeEvent.Extension => (extensionEnd, "data fine proroga"),
            NoticeEvent.Transformation => (transformationOn, "data trasformazione"),
            NoticeEvent.Cessation => (cessationOn, "data cessazione"),
            _ => (start, "data inizio"),
        };
        if (eventDate.Item1 is null) return new(QuarantineReason.MissingDate, $"a {Notice.EventCode(evt.Value)} notice needs {eventDate.Item2}");

        if (plannedEnd < start) return new(QuarantineReason.DatesOutOfOrder, "data fine is before data inizio");
        if (extensionEnd < start || extensionEnd <= plannedEnd) return new(QuarantineReason.DatesOutOfOrder, "data fine proroga must be after data inizio and data fine");
        if (transformationOn < start) return new(QuarantineReason.DatesOutOfOrder, "data trasformazione is before data inizio");
        if (cessationOn < start) return new(QuarantineReason.DatesOutOfOrder, "data cessazione is before data inizio");
        if (birth >= start) return new(QuarantineReason.DatesOutOfOrder, "data di nascita is not before data inizio");

        var contractCode = Clean(raw.ContractType) ?? "";
        if (ContractTypes.Find(contractCode) is not { } contract)
            return new(QuarantineReason.UnknownContractType, $"tipologia contrattuale '{contractCode}' is not in the ANPAL table");
        // The contract must be valid when it was agreed: the start, or for a transformation the day it took effect.
        var agreedOn = evt == NoticeEvent.Transformation ? transformationOn!.Value : start.Value;
        if (!contract.IsValidOn(agreedOn))
            return new(QuarantineReason.ContractTypeNotValidOnDate,
                $"tipologia contrattuale {contractCode} is valid from {contract.ValidFrom:yyyy-MM-dd}" +
                (contract.ValidUntil is { } until ? $" until {until.AddDays(-1):yyyy-MM-dd}" : "") + $", not on {agreedOn:yyyy-MM-dd}");
        if (evt == NoticeEvent.Hiring && contract.Duration == ContractDuration.FixedTerm && plannedEnd is null)
            return new(QuarantineReason.MissingPlannedEnd, $"a fixed-term contract ({contractCode}) needs data fine");

        var birthPlace = Clean(raw.BirthPlace);
        var domicile = Clean(raw.DomicileComune);
        var workplace = Clean(raw.WorkplaceComune);
        foreach (var (value, label) in new[] { (birthPlace, "comune di nascita"), (domicile, "comune di domicilio"), (workplace, "comune sede di lavoro") })
        {
            if (value is not null && !IsComune(value))
                return new(QuarantineReason.InvalidComune, $"{label} '{value}' is not a Belfiore code (a letter and three digits)");
        }

        var cause = Clean(raw.CessationCause);
        if (evt == NoticeEvent.Cessation && (cause is null || cause.Length != 2 || !cause.All(char.IsAsciiLetterOrDigit)))
            return new(QuarantineReason.InvalidCessationCause, $"causa cessazione '{cause}' is not a 2-character code");

        // Sex and birth date from a 16-character code beat the declared ones: the code is what the tax office checked.
        char? sex = Clean(raw.Sex) is ['M' or 'F'] s ? s[0] : null;
        if (worker.Length == 16)
        {
            var decoded = CodiceFiscale.Decode(worker, start.Value);
            sex = decoded.Sex;
            birth = decoded.BirthDate ?? birth;
            birthPlace ??= decoded.BirthPlace;
        }

        notice = new Notice
        {
            Code = code,
            PreviousCode = previous,
            CommunicationType = type,
            Event = evt.Value,
            SentAt = sentAt,
            WorkerCf = worker,
            Surname = Upper(raw.Surname),
            Name = Upper(raw.Name),
            Sex = sex,
            BirthDate = birth,
            BirthPlace = birthPlace,
            DomicileComune = domicile,
            EmployerCf = employer,
            EmployerName = Trim(raw.EmployerName),
            WorkplaceComune = workplace,
            StartOn = start.Value,
            PlannedEndOn = plannedEnd,
            ExtensionEndOn = extensionEnd,
            TransformationOn = transformationOn,
            TransformationCode = Clean(raw.TransformationCode),
            CessationOn = cessationOn,
            CessationCause = cause,
            ContractType = contractCode,
            PermanentContract = contract.Duration == ContractDuration.Permanent,
            OccupationCode = Trim(raw.OccupationCode),
            Phone = PhoneNumber.Parse(raw.Mobile),
            Email = Trim(raw.Email),
        };
        return null;
    }

    /// <summary>A contact-enrichment row: codice fiscale, a number that must be usable, a known source and a date.</summary>
    public static Rejection? ValidateContact(string? cf, string? phone, string? source, string? date, out Contact? contact)
    {
        contact = null;
        var normalised = CodiceFiscale.Normalise(cf ?? "");
        if (CodiceFiscale.Check(normalised) is { } problem) return new(QuarantineReason.InvalidWorkerCf, $"codice fiscale {problem}");
        var number = PhoneNumber.Parse(phone);
        if (number.Kind == PhoneKind.Invalid) return new(QuarantineReason.InvalidPhone, "the number is neither an Italian mobile, a landline nor a foreign number");
        if (!Enum.TryParse<ContactSource>(Clean(source), ignoreCase: true, out var src) || !Enum.IsDefined(src) || src == ContactSource.CO)
            return new(QuarantineReason.InvalidSource, $"fonte '{source}' is not SAP, SIISL or CPI");
        if (!TryDate(date, out var seen, "data", out var rejection)) return rejection;
        if (seen is null) return new(QuarantineReason.MissingDate, "data is missing");
        contact = new Contact(normalised, number, src, seen.Value);
        return null;
    }

    public static bool IsComune(string value) =>
        value.Length == 4 && char.IsAsciiLetterUpper(value[0]) && char.IsAsciiDigit(value[1]) && char.IsAsciiDigit(value[2]) && char.IsAsciiDigit(value[3]);

    static readonly string[] DateFormats = ["yyyy-MM-dd", "dd/MM/yyyy", "yyyyMMdd"];

    static bool TryDate(string? text, out DateOnly? value, string label, out Rejection? rejection)
    {
        value = null;
        rejection = null;
        var s = Trim(text);
        if (s is null) return true;
        // Fast path for the usual yyyy-mm-dd: a million notices carry five dates each.
        if (s.Length == 10 && s[4] == '-' && s[7] == '-' && TryDigits(s, 0, 4, out var y) && TryDigits(s, 5, 2, out var m) && TryDigits(s, 8, 2, out var dd))
        {
            if (m is >= 1 and <= 12 && dd >= 1 && dd <= DateTime.DaysInMonth(Math.Max(1, y), m) && y >= 1) { value = new DateOnly(y, m, dd); return true; }
            rejection = new(QuarantineReason.InvalidDate, $"{label} '{s}' is not a date (yyyy-mm-dd or dd/mm/yyyy)");
            return false;
        }
        if (DateOnly.TryParseExact(s, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) { value = d; return true; }
        rejection = new(QuarantineReason.InvalidDate, $"{label} '{s}' is not a date (yyyy-mm-dd or dd/mm/yyyy)");
        return false;
    }

    /// <summary>dataInvio is Italian local time without an offset; stored as UTC.</summary>
    static bool TrySentAt(string? text, out DateTime? value)
    {
        value = null;
        var s = Trim(text);
        if (s is null) return true;
        DateTime local;
        if (s.Length == 19 && s[10] == 'T' && TryDate(s[..10], out var day, "", out _) && day is { } d
            && s[13] == ':' && s[16] == ':' && TryDigits(s, 11, 2, out var hh) && TryDigits(s, 14, 2, out var mm) && TryDigits(s, 17, 2, out var ss)
            && hh < 24 && mm < 60 && ss < 60)
        {
            local = d.ToDateTime(new TimeOnly(hh, mm, ss));
        }
        else if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset) && s.Length > 19 && (s.EndsWith('Z') || s[^6] is '+' or '-'))
        {
            value = withOffset.UtcDateTime;
            return true;
        }
        else if (!DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out local)) return false;
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // The hour skipped when summer time starts does not exist in Rome: read it as the hour after.
        if (Rome.IsInvalidTime(local)) local = local.AddHours(1);
        value = TimeZoneInfo.ConvertTimeToUtc(local, Rome);
        return true;
    }

    static bool TryDigits(string s, int start, int length, out int value)
    {
        value = 0;
        for (var i = start; i < start + length; i++)
        {
            var c = s[i];
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim().ToUpperInvariant();

    static string? Upper(string? s) => Trim(s)?.ToUpperInvariant();
}
