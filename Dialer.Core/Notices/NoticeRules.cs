using System.Globalization;
using Dialer.Core.PhoneNumbers;

namespace Dialer.Core.Notices;

/// <summary>
/// Turns a <see cref="RawNotice"/> into a <see cref="Notice"/>, or says the one specific reason it cannot
/// (pure; docs/domain.md §1–3). The first failing rule is the reason.
/// </summary>
public static class NoticeRules
{

    public static Rejection? Validate(RawNotice raw, out Notice? notice) => Validate(raw, out notice, default);

    /// <summary>
    /// <paramref name="at"/> is where the record came from, for the messages of the field checks (the line of a CSV,
    /// the notice of an XML document). Defects in secondary fields come back as the notice's
    /// <see cref="Notice.Warnings"/>, the field dropped (docs/notices-input.md says which fields are secondary).
    /// </summary>
    public static Rejection? Validate(RawNotice raw, out Notice? notice, RecordPlace at) => Validate(raw, out notice, at, scanCharacters: true);

    /// <summary>
    /// <paramref name="scanCharacters"/> false: the caller found no control character in the whole record (a CSV
    /// line, scanned once), so the fields' own scans are skipped.
    /// </summary>
    internal static Rejection? Validate(RawNotice raw, out Notice? notice, RecordPlace at, bool scanCharacters)
    {
        notice = null;
        // Every field's characters and length first: what PostgreSQL would refuse, or could not index, never reaches
        // the COPY. Primary fields reject the notice; secondary ones are dropped with a warning.
        if (CheckPrimaryFields(raw, at, scanCharacters) is { } invalid) return invalid;
        List<NoticeWarning>? warnings = null;
        var employerName = Secondary(raw.EmployerName, "denominazione_datore", MaxEmployerNameChars, at, scanCharacters, ref warnings);
        var workplace = Clean(Secondary(raw.WorkplaceComune, "sede_lavoro_comune", MaxShortFieldChars, at, scanCharacters, ref warnings));
        var occupation = Secondary(raw.OccupationCode, "qualifica_istat", MaxShortFieldChars, at, scanCharacters, ref warnings);
        var sectorText = Trim(Secondary(raw.SectorCode, "ateco", MaxShortFieldChars, at, scanCharacters, ref warnings));
        var mobile = Secondary(raw.Mobile, "cellulare", MaxShortFieldChars, at, scanCharacters, ref warnings);
        var email = Secondary(raw.Email, "email", MaxEmailChars, at, scanCharacters, ref warnings);

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
        if (CodiceFiscale.Check(employer) is { } employerProblem)
        {
            // Spells are keyed on the employer's code, so it must be there and of a code's shape; a wrong check
            // character alone still names the employer consistently across its notices.
            if (employerProblem is not (CodiceFiscale.CheckCharacterMismatch or CodiceFiscale.CheckDigitMismatch))
                return new(QuarantineReason.InvalidEmployerCf, $"employer's codice fiscale {employerProblem}");
            (warnings ??= []).Add(new("cf_datore", QuarantineReason.InvalidEmployerCf,
                $"cf_datore: {employerProblem}; kept as given{at.Suffix}"));
        }

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
        foreach (var (value, label) in new[] { (birthPlace, "comune di nascita"), (domicile, "comune di domicilio") })
        {
            if (value is not null && !BelfioreCode.IsValid(value))
                return new(QuarantineReason.InvalidComune, $"{label} '{value}' is not a Belfiore code (a letter and three digits)");
        }
        if (workplace is not null && !BelfioreCode.IsValid(workplace))
        {
            (warnings ??= []).Add(new("sede_lavoro_comune", QuarantineReason.InvalidComune,
                $"sede_lavoro_comune '{workplace}' is not a Belfiore code (a letter and three digits); dropped{at.Suffix}"));
            workplace = null;
        }
        var sector = sectorText is null ? null : AtecoCode.Normalise(sectorText);
        if (sectorText is not null && sector is null)
        {
            (warnings ??= []).Add(new("ateco", QuarantineReason.InvalidSector,
                $"ateco '{sectorText}' is not an ATECO code (NN, NN.N, NN.NN, NN.NN.N or NN.NN.NN); dropped{at.Suffix}"));
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
            EmployerName = Trim(employerName),
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
            OccupationCode = Trim(occupation),
            SectorCode = sector,
            Phone = PhoneNumber.Parse(mobile),
            Email = Trim(email),
            Warnings = warnings,
        };
        return null;
    }

    /// <summary>A contact-enrichment row: codice fiscale, a number that must be usable, a known source and a date.</summary>
    public static Rejection? ValidateContact(string? cf, string? phone, string? source, string? date, out Contact? contact, RecordPlace at = default)
    {
        contact = null;
        if ((Check(cf, "codice_fiscale", MaxShortFieldChars, at) ?? Check(phone, "cellulare", MaxShortFieldChars, at)
            ?? Check(source, "fonte", MaxShortFieldChars, at) ?? Check(date, "data", MaxShortFieldChars, at)) is { } invalid) return invalid;
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

    /// <summary>The most characters (after trimming) of a person's surname or name.</summary>
    public const int MaxNameChars = 100;
    /// <summary>The most characters of the employer's name (denominazione).</summary>
    public const int MaxEmployerNameChars = 250;
    /// <summary>The most characters of an e-mail address (RFC 5321's path limit).</summary>
    public const int MaxEmailChars = 254;
    /// <summary>
    /// The most characters of any other field: codes, dates, comuni, phone numbers. Each has a format that its own
    /// rule checks; this only keeps an absurd value out of the messages and the memory.
    /// </summary>
    public const int MaxShortFieldChars = 64;

    /// <summary>
    /// Where the text holds a character no field may hold, or -1: a C0 control other than tab, LF and CR, DEL, or a C1
    /// control. PostgreSQL refuses NUL in text, and the rest are never data in a notice (a C1 character in particular
    /// is what bytes 0x80–0x9F become when decoded as Latin-1). Two vectorised range scans, for the parse's sake.
    /// </summary>
    public static int IndexOfControlCharacter(ReadOnlySpan<char> text)
    {
        var high = text.IndexOfAnyInRange('\u007F', '\u009F');
        var end = high < 0 ? text.Length : high;
        for (var from = 0; from < end;)
        {
            var low = text[from..end].IndexOfAnyInRange('\u0000', '\u001F');
            if (low < 0) break;
            low += from;
            if (text[low] is not ('\t' or '\n' or '\r')) return low;
            from = low + 1;
        }
        return high;
    }

    // The fields a notice cannot be used without (docs/notices-input.md): a defect rejects it.
    static Rejection? CheckPrimaryFields(RawNotice r, RecordPlace at, bool scan) =>
        Check(r.Code, "codice_comunicazione", MaxShortFieldChars, at, scan)
        ?? Check(r.PreviousCode, "codice_comunicazione_precedente", MaxShortFieldChars, at, scan)
        ?? Check(r.CommunicationType, "tipo_comunicazione", MaxShortFieldChars, at, scan)
        ?? Check(r.Event, "evento", MaxShortFieldChars, at, scan)
        ?? Check(r.SentAt, "data_invio", MaxShortFieldChars, at, scan)
        ?? Check(r.WorkerCf, "cf_lavoratore", MaxShortFieldChars, at, scan)
        ?? Check(r.Surname, "cognome", MaxNameChars, at, scan)
        ?? Check(r.Name, "nome", MaxNameChars, at, scan)
        ?? Check(r.Sex, "sesso", MaxShortFieldChars, at, scan)
        ?? Check(r.BirthDate, "data_nascita", MaxShortFieldChars, at, scan)
        ?? Check(r.BirthPlace, "comune_nascita", MaxShortFieldChars, at, scan)
        ?? Check(r.DomicileComune, "domicilio_comune", MaxShortFieldChars, at, scan)
        ?? Check(r.EmployerCf, "cf_datore", MaxShortFieldChars, at, scan)
        ?? Check(r.StartOn, "data_inizio", MaxShortFieldChars, at, scan)
        ?? Check(r.PlannedEndOn, "data_fine", MaxShortFieldChars, at, scan)
        ?? Check(r.ExtensionEndOn, "data_fine_proroga", MaxShortFieldChars, at, scan)
        ?? Check(r.TransformationOn, "data_trasformazione", MaxShortFieldChars, at, scan)
        ?? Check(r.TransformationCode, "codice_trasformazione", MaxShortFieldChars, at, scan)
        ?? Check(r.CessationOn, "data_cessazione", MaxShortFieldChars, at, scan)
        ?? Check(r.CessationCause, "causa_cessazione", MaxShortFieldChars, at, scan)
        ?? Check(r.ContractType, "tipologia_contrattuale", MaxShortFieldChars, at, scan);

    /// <summary>A field's length (after trimming) against its limit, then its characters; null when both are fine.</summary>
    static Rejection? Check(string? value, string field, int limit, RecordPlace at, bool scan = true)
    {
        if (value is null) return null;
        if (value.Length > limit && value.AsSpan().Trim().Length is var length && length > limit)
            return new(QuarantineReason.FieldTooLong, $"{field} has {length:N0} characters, more than its limit of {limit}{at.Suffix}");
        var i = scan ? IndexOfControlCharacter(value) : -1;
        if (i >= 0)
            return new(QuarantineReason.InvalidCharacters, $"{field} holds the control character U+{(int)value[i]:X4} at character {i + 1}{at.Suffix}");
        return null;
    }

    // A secondary field: the value when it passes the checks, else null and a warning.
    static string? Secondary(string? value, string field, int limit, RecordPlace at, bool scan, ref List<NoticeWarning>? warnings)
    {
        if (Check(value, field, limit, at, scan) is not { } problem) return value;
        (warnings ??= []).Add(new(field, problem.Reason, problem.Message + "; dropped"));
        return null;
    }

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
        if (ItalianTime.Rome.IsInvalidTime(local)) local = local.AddHours(1);
        value = TimeZoneInfo.ConvertTimeToUtc(local, ItalianTime.Rome);
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

/// <summary>Where a record came from, for messages: a CSV's line or an XML document's notice (1-based); default is nowhere.</summary>
public readonly record struct RecordPlace(string? Unit, long Number)
{
    public static RecordPlace Line(long number) => new("line", number);
    public static RecordPlace Entry(long number) => new("notice", number);

    /// <summary>" (line 12)", or nothing.</summary>
    public string Suffix => Unit is null ? "" : $" ({Unit} {Number})";
}
