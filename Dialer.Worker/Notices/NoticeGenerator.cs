using System.Globalization;
using Dialer.Core.Notices;

namespace Dialer.Worker.Notices;

public sealed record GeneratorOptions
{
    public int People { get; init; } = 1000;
    public int Seed { get; init; } = 1;
    /// <summary>Nothing is sent after this day; relationships still running on it stay open.</summary>
    public DateOnly AsOf { get; init; } = new(2026, 11, 1);
    /// <summary>Share of people reachable on an Italian mobile (in a notice or a contact list).</summary>
    public double MobileShare { get; init; } = 0.7;
    /// <summary>Share of extra, deliberately invalid notices.</summary>
    public double InvalidShare { get; init; } = 0.005;
    /// <summary>Stop after this many notices (the benchmark's N; the manifest is then not exact); null for all of <see cref="People"/>.</summary>
    public long? MaxNotices { get; init; }

    /// <summary>Keep <see cref="NoticeGenerator.Truth"/>, one record per person (tests; off for large datasets).</summary>
    public bool RecordTruth { get; init; }
}

/// <summary>
/// What the generator made of one person, independently of the notices that describe it: the ground truth a test
/// compares the ingest and the selection with. <see cref="LastEndOn"/> is the last job's effective end, when it ended
/// on or before the as-of day; <see cref="EmployedOnAsOf"/> is true when a job is open or ends after it.
/// </summary>
public sealed record GeneratedPerson(string Cf, char Sex, DateOnly Birth, string Domicile, bool ItalianMobile,
    bool EmployedOnAsOf, DateOnly? LastEndOn, string? LastCessationCause);

/// <summary>What a generated dataset holds; an import of it must report the same counts.</summary>
public sealed class GeneratedManifest
{
    public int Seed { get; set; }
    public DateOnly AsOf { get; set; }
    public int People { get; set; }
    public int ProvisionalPeople { get; set; }
    public int PeopleWithMobile { get; set; }
    public long Notices { get; set; }
    public SortedDictionary<string, long> NoticesByType { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> NoticesByEvent { get; } = new(StringComparer.Ordinal);
    public long Contacts { get; set; }
    public SortedDictionary<string, long> InvalidByReason { get; } = new(StringComparer.Ordinal);
    public long Invalid => InvalidByReason.Values.Sum();
}

/// <summary>One generated record: a notice (valid or deliberately not) or a contact-list row.</summary>
public sealed record GeneratedRecord(RawNotice? Notice, string[]? Contact);

/// <summary>
/// A synthetic Città Metropolitana di Milano dataset, identical for the same options: Italian names with valid
/// codici fiscali, comuni of the metropolitan area, a realistic contract mix (short fixed-term jobs, extensions,
/// natural ends, dismissals, resignations, rehires, agency work, transformations to permanent), phones in all the
/// shapes §3.2 lists, corrections, cancellations and a few invalid records.
/// </summary>
public sealed class NoticeGenerator(GeneratorOptions options)
{
    // Belfiore codes of comuni of the Città Metropolitana di Milano (Milano weighted by repetition).
    static readonly string[] Comuni =
    [
        "F205", "F205", "F205", "F205", "F205", "F205", "F205", "F205", "I690", "C707", "E514", "H264", "C895", "G220",
        "H623", "H930", "G686", "A940", "I577", "D045", "A010", "C523", "H827", "B162", "E801", "G324", "D912",
    ];
    internal static readonly string[] ItalianBirthPlaces = ["F205", "F205", "F205", "H501", "F839", "G273", "A662", "L219", "C351", "D969", "A944"];
    internal static readonly string[] ForeignBirthPlaces = ["Z129", "Z330", "Z100", "Z336", "Z210", "Z216", "Z611", "Z138"];
    internal static readonly string[] MaleNames = ["MARCO", "LUCA", "ANDREA", "GIUSEPPE", "FRANCESCO", "ALESSANDRO", "MATTEO", "LORENZO", "DAVIDE", "SIMONE", "PAOLO", "STEFANO", "ROBERTO", "MOHAMED", "ION", "AHMED", "CARLOS", "WEI"];
    internal static readonly string[] FemaleNames = ["GIULIA", "FRANCESCA", "CHIARA", "SARA", "MARTINA", "ELENA", "ANNA", "VALENTINA", "LAURA", "SILVIA", "ALESSIA", "FEDERICA", "FATIMA", "ANA", "MARIA", "ELENA", "OLENA", "LIN"];
    internal static readonly string[] Surnames =
    [
        "ROSSI", "RUSSO", "FERRARI", "ESPOSITO", "BIANCHI", "ROMANO", "COLOMBO", "RICCI", "MARINO", "GRECO", "BRUNO", "GALLO", "CONTI",
        "DE LUCA", "MANCINI", "COSTA", "GIORDANO", "RIZZO", "LOMBARDI", "MORETTI", "BARBIERI", "FONTANA", "SANTORO", "MARIANI",
        "RINALDI", "CARUSO", "FERRARA", "GALLI", "MARTINI", "LEONE", "LONGO", "GENTILE", "MARTINELLI", "VITALE", "POPESCU",
        "EL AMRANI", "HOXHA", "GARCIA", "CHEN", "SANTOS", "KOVALENKO", "IONESCU",
    ];
    internal static readonly string[] EmployerWords = ["ALFA", "BETA", "LOMBARDA", "MILANESE", "NAVIGLI", "DUOMO", "BRERA", "ADDA", "TICINO", "SEMPIONE", "CENTRALE", "NORD"];
    // Each kind of employer with a plausible ATECO 2007 code for it (the employer's Settore; illustrative).
    internal static readonly (string Kind, string Sector)[] EmployerKinds =
    [
        ("SERVIZI SRL", "82.99.99"), ("RISTORAZIONE SRL", "56.10.11"), ("LOGISTICA SPA", "52.29.22"), ("COSTRUZIONI SRL", "41.20.00"),
        ("COMMERCIO SRL", "47.11.20"), ("PULIZIE SCARL", "81.21.00"), ("HOTEL SRL", "55.10.00"), ("SANITÀ SRL", "87.10.00"),
    ];
    // Agenzie per il lavoro: temporary work agencies.
    internal const string AgencySector = "78.20.00";
    internal static readonly string[] Occupations = ["5.2.2.3.6", "8.1.1.1.10", "8.1.4.2.0", "5.1.2.2.0", "6.1.2.1.0", "7.4.2.2.0", "4.1.1.1.0", "8.1.3.1.0"];

    readonly Random random = new(options.Seed);
    readonly HashSet<string> usedCfs = new(StringComparer.Ordinal);
    readonly List<Employer> employers = [];
    readonly List<Employer> agencies = [];
    long counter;
    string codePrefix = "";

    public GeneratedManifest Manifest { get; } = new();

    readonly List<GeneratedPerson> truth = [];

    /// <summary>One record per generated person, when <see cref="GeneratorOptions.RecordTruth"/> is set.</summary>
    public IReadOnlyList<GeneratedPerson> Truth => truth;

    // What the last call of Relationship did: whether its hire was sent, whether it was cancelled, how it ended.
    bool lastHired;
    bool lastCancelled;
    string? lastCause;

    public IEnumerable<GeneratedRecord> Generate()
    {
        Manifest.Seed = options.Seed;
        Manifest.AsOf = options.AsOf;
        codePrefix = "03" + (options.Seed % 10000).ToString("0000", CultureInfo.InvariantCulture);
        for (var i = 0; i < Math.Max(20, options.People / 15); i++)
        {
            // drawn in the order the name always was, so that a seed still gives the same people and notices
            var cf = EmployerCf();
            var (first, second, kind) = (Pick(EmployerWords), Pick(EmployerWords), Pick(EmployerKinds));
            employers.Add(new Employer(cf, $"{first} {second} {kind.Kind}", kind.Sector));
        }
        for (var i = 0; i < 12; i++) agencies.Add(new Employer(EmployerCf(), $"{Pick(EmployerWords)} LAVORO SPA AGENZIA PER IL LAVORO", AgencySector));

        long notices = 0;
        for (var p = 0; p < options.People; p++)
        {
            foreach (var record in Person())
            {
                if (record.Notice is not null && ++notices > options.MaxNotices) yield break;
                yield return record;
            }
        }
    }

    readonly record struct Employer(string Cf, string Name, string Sector);

    sealed record Who(string Cf, string? ProvisionalCf, string Surname, string Name, char Sex, DateOnly Birth, string BirthPlace, string Domicile);

    IEnumerable<GeneratedRecord> Person()
    {
        var who = NewPerson();
        Manifest.People++;
        if (who.ProvisionalCf is not null) Manifest.ProvisionalPeople++;
        var records = new List<GeneratedRecord>();

        // Phones: the mobile comes in a notice (regional extension) or from a contact list; others have landlines,
        // foreign or malformed numbers, or nothing. Contact rows are written after the notices, under the code in use.
        var hasMobile = random.NextDouble() < options.MobileShare;
        string? noticeMobile = null;
        var contactPhones = new List<string>();
        var invalidContact = false;
        if (hasMobile)
        {
            Manifest.PeopleWithMobile++;
            var mobile = Mobile();
            if (random.NextDouble() < 0.4) noticeMobile = mobile;
            else contactPhones.Add(mobile);
            if (random.NextDouble() < 0.2) contactPhones.Add(Landline());
        }
        else
        {
            var roll = random.NextDouble();
            if (roll < 0.3) contactPhones.Add(Landline());
            else if (roll < 0.35) contactPhones.Add("+41 79 " + random.Next(1000000, 9999999).ToString(CultureInfo.InvariantCulture));
            else if (roll < 0.40) noticeMobile = "347 12";                     // malformed in a notice: the notice still counts
            else if (roll < 0.45) invalidContact = true;
        }

        var relationships = who.ProvisionalCf is null ? 1 + Geometric(0.45, 4) : 2 + Geometric(0.5, 3);
        var start = options.AsOf.AddDays(-random.Next(40, 3 * 365));
        bool employed = false, mobileSent = noticeMobile is null;
        DateOnly? lastEnd = null;
        string? lastEndCause = null;
        for (var r = 0; r < relationships && start < options.AsOf; r++)
        {
            // A provisional code is used until the definitive one arrives, i.e. for the first relationship.
            var cf = r == 0 && who.ProvisionalCf is not null ? who.ProvisionalCf : who.Cf;
            var end = Relationship(who, cf, start, r == 0 ? noticeMobile : null, records);
            if (r == 0 && lastHired) mobileSent = true;
            if (lastHired && !lastCancelled)
            {
                employed = end is null || end.Value > options.AsOf;
                if (!employed) (lastEnd, lastEndCause) = (end, lastCause);
            }
            if (end is null) break;                                            // still employed (permanent, open)
            start = end.Value.AddDays(random.Next(1, 150));                    // a gap, then a rehire
        }
        // Until a notice under the definitive code exists, the person is known only by the provisional one.
        var known = records.Any(r => r.Notice?.WorkerCf == who.Cf) ? who.Cf : who.ProvisionalCf ?? who.Cf;
        if (options.RecordTruth && records.Any(r => r.Notice is not null))
            truth.Add(new GeneratedPerson(known, who.Sex, who.Birth, who.Domicile, hasMobile && (mobileSent || contactPhones.Count > 0 && noticeMobile is null),
                employed, employed ? null : lastEnd, employed ? null : lastEndCause));
        foreach (var phone in contactPhones) records.Add(Contact(known, phone));
        if (invalidContact) records.Add(Invalid(QuarantineReason.InvalidPhone, contact: [known, "chiamare ore pasti", "SAP", Day(options.AsOf.AddDays(-30))]));
        if (random.NextDouble() < options.InvalidShare * 2.5) records.Add(InvalidNotice(who));
        return records;
    }

    /// <summary>Emits one relationship's notices; returns its effective end, or null when it is still open.</summary>
    DateOnly? Relationship(Who who, string cf, DateOnly start, string? mobile, List<GeneratedRecord> records)
    {
        var roll = random.NextDouble();
        var (contract, employer, months) = roll switch
        {
            < 0.50 => (ContractTypes.FixedTerm, Pick(employers), random.NextDouble() < 0.5 ? random.Next(1, 4) : random.Next(4, 13)),
            < 0.60 => (ContractTypes.FixedTerm, Pick(agencies), random.Next(1, 4)),               // agency work
            < 0.72 => (ContractTypes.Permanent, Pick(employers), 0),
            < 0.80 => ("A.03.09", Pick(employers), 0),                                              // apprenticeship
            < 0.88 => ("A.05.02", Pick(employers), random.Next(2, 7)),                              // intermittent
            < 0.93 => ("C.01.00", Pick(employers), random.Next(3, 7)),                              // internship
            _ => ("A.02.01", Pick(employers), random.Next(2, 10)),                                  // replacement
        };
        var permanent = ContractTypes.Find(contract)!.Duration == ContractDuration.Permanent;
        DateOnly? planned = permanent ? null : start.AddMonths(months).AddDays(-1);
        var hire = Base(who, cf, employer, start, planned, contract);
        hire.Event = "ASS";
        hire.SentAt = SentAt(start.AddDays(-1));
        hire.Mobile = mobile;
        (lastHired, lastCancelled, lastCause) = (false, false, null);
        if (!Emit(hire, records)) return null;
        lastHired = true;

        if (random.NextDouble() < 0.01)
        {
            // Cancelled before it started: the job never happened.
            var cancel = hire.Clone();
            cancel.Code = NextCode();
            cancel.CommunicationType = "04";
            cancel.PreviousCode = hire.Code;
            cancel.SentAt = SentAt(start.AddDays(-1), hour: 19);
            lastCancelled = Emit(cancel, records);
            return start;
        }
        if (random.NextDouble() < 0.02)
        {
            var fix = hire.Clone();
            fix.Code = NextCode();
            fix.CommunicationType = "03";
            fix.PreviousCode = hire.Code;
            fix.OccupationCode = Pick(Occupations);
            fix.SentAt = SentAt(start.AddDays(random.Next(0, 3)));
            Emit(fix, records);
        }

        var outcome = random.NextDouble();
        if (permanent)
        {
            if (outcome < 0.5)
            {
                var ceased = start.AddDays(random.Next(60, 900));
                return Cessation(hire, ceased, records) ? ceased : null;
            }
            return null;
        }

        var end = planned!.Value;
        if (outcome < 0.2 && contract != "C.01.00")
        {
            for (var e = 0; e < 1 + Geometric(0.6, 2); e++)
            {
                var extended = end.AddMonths(random.Next(1, 7));
                var extension = Base(who, cf, employer, start, planned, contract);
                extension.Event = "PRO";
                extension.PlannedEndOn = Day(end);
                extension.ExtensionEndOn = Day(extended);
                extension.SentAt = SentAt(end.AddDays(-random.Next(1, 6)));
                if (!Emit(extension, records)) return end;
                end = extended;
            }
        }
        else if (outcome < 0.32)
        {
            var ceased = start.AddDays(random.Next(0, Math.Max(1, end.DayNumber - start.DayNumber)));
            if (Cessation(hire, ceased, records)) return ceased;
        }
        else if (outcome < 0.40 && contract == ContractTypes.FixedTerm)
        {
            var on = start.AddDays(random.Next(0, Math.Max(1, end.DayNumber - start.DayNumber)));
            var transformation = Base(who, cf, employer, start, null, ContractTypes.Permanent);
            transformation.Event = "TRS";
            transformation.TransformationOn = Day(on);
            transformation.TransformationCode = "DI";
            transformation.SentAt = SentAt(on.AddDays(random.Next(1, 5)));
            if (Emit(transformation, records))
            {
                if (random.NextDouble() < 0.3)
                {
                    var ceased = on.AddDays(random.Next(30, 600));
                    var later = transformation.Clone();
                    later.TransformationOn = null;
                    later.TransformationCode = null;
                    return Cessation(later, ceased, records) ? ceased : null;
                }
                return null;
            }
        }
        return end;                                                            // natural end: no notice at all
    }

    bool Cessation(RawNotice relationship, DateOnly on, List<GeneratedRecord> records)
    {
        var cessation = relationship.Clone();
        cessation.Code = NextCode();
        cessation.CommunicationType = "01";
        cessation.PreviousCode = null;
        cessation.Event = "CES";
        cessation.Mobile = null;
        cessation.CessationOn = Day(on);
        // LI is a confirmed code (dismissal); DV for resignations is this generator's own label (docs/domain.md §1.4).
        cessation.CessationCause = random.NextDouble() < 0.4 ? "LI" : "DV";
        cessation.SentAt = SentAt(on.AddDays(random.Next(1, 6)));
        var sent = Emit(cessation, records);
        if (sent) lastCause = cessation.CessationCause;
        return sent;
    }

    /// <summary>Adds a valid notice unless it would be sent after the as-of day.</summary>
    bool Emit(RawNotice notice, List<GeneratedRecord> records)
    {
        if (string.CompareOrdinal(notice.SentAt, Day(options.AsOf)) > 0) return false;
        records.Add(new GeneratedRecord(notice, null));
        Manifest.Notices++;
        Count(Manifest.NoticesByType, notice.CommunicationType!);
        Count(Manifest.NoticesByEvent, notice.Event!);
        return true;
    }

    GeneratedRecord InvalidNotice(Who who)
    {
        var n = Base(who, who.Cf, Pick(employers), options.AsOf.AddDays(-random.Next(30, 300)), null, ContractTypes.Permanent);
        n.Event = "ASS";
        n.SentAt = SentAt(DateOnly.Parse(n.StartOn!, CultureInfo.InvariantCulture).AddDays(-1));
        var reason = (QuarantineReason)new[]
        {
            (int)QuarantineReason.InvalidWorkerCf, (int)QuarantineReason.DatesOutOfOrder, (int)QuarantineReason.UnknownContractType,
            (int)QuarantineReason.ContractTypeNotValidOnDate, (int)QuarantineReason.InvalidComune, (int)QuarantineReason.MissingPreviousCode,
            (int)QuarantineReason.InvalidDate,
        }[random.Next(7)];
        switch (reason)
        {
            case QuarantineReason.InvalidWorkerCf: n.WorkerCf = who.Cf[..15] + (who.Cf[15] == 'A' ? 'B' : 'A'); break;
            case QuarantineReason.DatesOutOfOrder: n.ContractType = ContractTypes.FixedTerm; n.PlannedEndOn = Day(DateOnly.Parse(n.StartOn!, CultureInfo.InvariantCulture).AddDays(-10)); break;
            case QuarantineReason.UnknownContractType: n.ContractType = "A.09.99"; break;
            case QuarantineReason.ContractTypeNotValidOnDate: n.ContractType = "A.03.02"; break;
            case QuarantineReason.InvalidComune: n.DomicileComune = "MILANO"; break;
            case QuarantineReason.MissingPreviousCode: n.CommunicationType = "03"; break;
            default: n.StartOn = "31/02/" + options.AsOf.Year.ToString(CultureInfo.InvariantCulture); break;
        }
        return Invalid(reason, notice: n);
    }

    GeneratedRecord Invalid(QuarantineReason reason, RawNotice? notice = null, string[]? contact = null)
    {
        Count(Manifest.InvalidByReason, reason.ToString());
        return new GeneratedRecord(notice, contact);
    }

    GeneratedRecord Contact(string cf, string phone)
    {
        Manifest.Contacts++;
        var source = random.Next(3) switch { 0 => "SAP", 1 => "SIISL", _ => "CPI" };
        return new GeneratedRecord(null, [cf, phone, source, Day(options.AsOf.AddDays(-random.Next(1, 700)))]);
    }

    Who NewPerson()
    {
        while (true)
        {
            var sex = random.Next(2) == 0 ? 'M' : 'F';
            var name = sex == 'M' ? Pick(MaleNames) : Pick(FemaleNames);
            var surname = Pick(Surnames);
            var birth = new DateOnly(random.Next(1961, 2006), random.Next(1, 13), random.Next(1, 29));
            var foreign = random.NextDouble() < 0.3;
            var place = foreign ? Pick(ForeignBirthPlaces) : Pick(ItalianBirthPlaces);
            var cf = CodiceFiscale.Compose(surname, name, sex, birth, place);
            if (!usedCfs.Add(cf)) continue;
            string? provisional = null;
            if (foreign && random.NextDouble() < 0.05)
            {
                var digits = random.NextInt64(1_000_000_000, 9_999_999_999).ToString(CultureInfo.InvariantCulture);
                provisional = digits + CodiceFiscale.NumericCheckDigit(digits);
                if (!usedCfs.Add(provisional)) continue;
            }
            return new Who(cf, provisional, surname, name, sex, birth, place, Pick(Comuni));
        }
    }

    RawNotice Base(Who who, string cf, Employer employer, DateOnly start, DateOnly? planned, string contract) => new()
    {
        Code = NextCode(),
        CommunicationType = random.NextDouble() < 0.03 ? "02" : "01",
        WorkerCf = cf,
        Surname = who.Surname,
        Name = who.Name,
        Sex = who.Sex.ToString(),
        BirthDate = Day(who.Birth),
        BirthPlace = who.BirthPlace,
        DomicileComune = who.Domicile,
        EmployerCf = employer.Cf,
        EmployerName = employer.Name,
        SectorCode = employer.Sector,
        WorkplaceComune = Pick(Comuni),
        StartOn = Day(start),
        PlannedEndOn = planned is { } p ? Day(p) : null,
        ContractType = contract,
        OccupationCode = Pick(Occupations),
    };

    string Mobile()
    {
        var prefix = Pick(new[] { "320", "328", "333", "338", "340", "347", "349", "351", "366", "392" });
        var rest = random.Next(1000000, 9999999).ToString(CultureInfo.InvariantCulture);
        return random.Next(5) switch
        {
            0 => $"+39 {prefix} {rest}",
            1 => $"0039{prefix}{rest}",
            2 => $"{prefix}/{rest}",
            3 => $"{prefix}-{rest[..3]}.{rest[3..]}",
            _ => prefix + rest,
        };
    }

    string Landline() => "02 " + random.Next(1000000, 99999999).ToString(CultureInfo.InvariantCulture);

    string EmployerCf()
    {
        var digits = random.NextInt64(1_000_000_000, 9_999_999_999).ToString(CultureInfo.InvariantCulture);
        return digits + CodiceFiscale.NumericCheckDigit(digits);
    }

    string NextCode() => codePrefix + (++counter).ToString("0000000000", CultureInfo.InvariantCulture);

    string SentAt(DateOnly day, int? hour = null) =>
        day.ToDateTime(new TimeOnly(hour ?? random.Next(8, 18), random.Next(60), random.Next(60))).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    int Geometric(double p, int max)
    {
        var n = 0;
        while (n < max && random.NextDouble() < p) n++;
        return n;
    }

    T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static void Count(SortedDictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
}
