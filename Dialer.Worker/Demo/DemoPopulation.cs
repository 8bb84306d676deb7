using System.Globalization;
using System.Text;
using Dialer.Core.Notices;
using Dialer.Worker.Notices;

namespace Dialer.Worker.Demo;

/// <summary>
/// One synthetic person of the demo: who they are, the job they lost (its end, the cessation's cause, the employer),
/// whether they are in the pool (out of work six months on the selection day, with a mobile, in the territory) and in
/// the Cob23 cohort, and if not in the cohort, the first cohort rule they fail (in the order of the selection's cascade).
/// <see cref="Mobile"/> is E.164 (<c>+393…</c>), as the product normalises it, null when the person has none;
/// <see cref="NotInCohortBecause"/> a short English reason ("man", "aged 52", "lives in Rho", "resigned", "re-employed",
/// "no mobile", "ended 2 months ago", "ended in 2021"), null for the cohort.
/// </summary>
public sealed record DemoPerson(string Cf, string Surname, string Name, char Sex, DateOnly Birth, string BirthPlace, string Comune,
    string? Mobile, DateOnly LastEnd, string LastCessationCause,
    bool InPool, bool InCohort, string? NotInCohortBecause,
    string EmployerCf, string SectorCode);

/// <summary>An employer of the demo, with its ATECO sector.</summary>
public sealed record DemoEmployer(string Cf, string Name, string SectorCode);

/// <summary>
/// The demo's synthetic Città metropolitana di Milano (docs/demo.md "The synthetic population and territory"): a pool of
/// people out of work at least six months on the selection day, with an Italian mobile, living in the demo territory's
/// comuni, among them the Cob23 cohort (women aged 30–44 living in the Comune di Milano, dismissed between
/// 1 January 2022 and 31 March 2023) in the share Cob23's figures give (6,105 of 61,648); plus near misses outside the
/// pool that a careless selection would take (re-employed, no mobile, job ended less than six months before).
/// The same (pool size, seed, selection day) always gives the same people and notices.
/// </summary>
public sealed class DemoPopulation
{
    /// <summary>The demo's selection day: Monday 3 April 2023, when Cob23 started.</summary>
    public static readonly DateOnly DefaultSelectionDay = new(2023, 4, 3);

    /// <summary>Cob23's cohort over its starting pool: 6,105 women of 61,648 Milan residents (docs/demo.md).</summary>
    public const double CohortShare = 6105.0 / 61648.0;

    /// <summary>Share of the pool living in the Comune di Milano ("60mila milanesi" of a wider area).</summary>
    public const double MilanoShare = 0.60;

    /// <summary>Near misses (not in the pool) as a share of the pool.</summary>
    public const double NearMissShare = 0.05;

    /// <summary>Men in the pool: ≈32,000 of 61,648 in Cob23's starting pool.</summary>
    public const double MaleShare = 0.52;

    // The Cob23 campaign's cohort (deploy/campaigns/cob23-donne-30-44.json): dismissed (LI) between these days.
    static readonly DateOnly CohortEndedFrom = new(2022, 1, 1);
    static readonly DateOnly CohortEndedTo = new(2023, 3, 31);
    const int CohortAgeMin = 30, CohortAgeMax = 44;
    const int MinMonthsSinceEnd = 6;
    // Generated dates keep this far from every boundary of a rule, so no rounding can flip a person.
    const int Margin = 7;

    /// <summary>
    /// The demo territory's comuni (deploy/demo/territorio-afol-esempio.json) with weights: the resident population
    /// in thousands, approximately (ISTAT, rounded); Milano is drawn separately (<see cref="MilanoShare"/>).
    /// </summary>
    internal static readonly (string Code, string Name, int Weight)[] OtherComuni =
    [
        ("C707", "Cinisello Balsamo", 75), ("I690", "Sesto San Giovanni", 81), ("B162", "Bresso", 26), ("C895", "Cologno Monzese", 47),
        ("D231", "Cusano Milanino", 19), ("G220", "Paderno Dugnano", 47), ("D045", "Corsico", 34), ("B240", "Buccinasco", 27),
        ("C565", "Cesano Boscone", 23), ("L409", "Trezzano sul Naviglio", 21), ("F119", "Melzo", 18), ("G686", "Pioltello", 36),
        ("C523", "Cernusco sul Naviglio", 34), ("C003", "Cassano d'Adda", 19), ("E094", "Gorgonzola", 20), ("I577", "Segrate", 36),
        ("E514", "Legnano", 60), ("G324", "Parabiago", 28), ("C537", "Cerro Maggiore", 15), ("F874", "Nerviano", 17),
        ("E801", "Magenta", 24), ("A010", "Abbiategrasso", 32), ("C986", "Corbetta", 18), ("H264", "Rho", 51), ("A940", "Bollate", 36),
        ("D912", "Garbagnate Milanese", 27), ("C013", "Pero", 11), ("A389", "Arese", 19), ("H623", "Rozzano", 42), ("G078", "Opera", 13),
        ("A473", "Assago", 9), ("G634", "Pieve Emanuele", 15), ("H827", "San Donato Milanese", 32), ("H930", "San Giuliano Milanese", 39),
        ("G488", "Peschiera Borromeo", 23), ("F100", "Melegnano", 18),
    ];

    internal const string Milano = "F205";

    /// <summary>The comuni (Belfiore codes) people live in: the demo territory's.</summary>
    public static IReadOnlyList<string> Comuni { get; } = [Milano, .. OtherComuni.Select(c => c.Code)];

    static readonly string[] MobilePrefixes = ["320", "328", "333", "338", "340", "347", "349", "351", "366", "392"];

    // Contract of the lost job: code, share, and whether it has a planned end (fixed-term).
    static readonly (string Code, double Share, bool FixedTerm)[] LostContracts =
    [
        (ContractTypes.FixedTerm, 0.45, true), (ContractTypes.Permanent, 0.30, false), ("A.03.09", 0.10, false),
        ("A.05.02", 0.10, false), ("A.02.01", 0.05, true),
    ];

    enum Kind
    {
        Cohort, MilanoMan, MilanoWomanOtherAge, MilanoResigned, MilanoEndedBefore2022, ElsewhereMan, ElsewhereWoman,
        NearReEmployed, NearNoMobile, NearRecent,
    }

    // What the notices need beyond DemoPerson: the lost job, and for the re-employed the later open hiring.
    sealed record Job(DemoEmployer Employer, string Workplace, string Occupation, DateOnly Start, DateOnly? PlannedEnd, string Contract,
        DateTime SentAt, DateTime? CeasedSentAt);

    readonly List<DemoPerson> people = [];
    readonly List<(Job Lost, Job? Rehired)> jobs = [];
    readonly List<DemoEmployer> employers = [];
    readonly int seed;
    List<DemoPerson>? cohort;

    DemoPopulation(int seed) => this.seed = seed;

    /// <summary>The pool and the near misses, in a shuffled order.</summary>
    public IReadOnlyList<DemoPerson> People => people;

    /// <summary>The people the Cob23 campaign must select: <c>People.Where(p => p.InCohort)</c>.</summary>
    public IReadOnlyList<DemoPerson> Cohort => cohort ??= people.Where(p => p.InCohort).ToList();

    /// <summary>The employers of the lost jobs (and of later hirings): companies of several sectors and a few agencies (78.20.00).</summary>
    public IReadOnlyList<DemoEmployer> Employers => employers;

    /// <summary>
    /// The population of <paramref name="poolSize"/> pool people (the cohort exactly round(poolSize × 6105/61648) of
    /// them) and round(poolSize × 5%) near misses, for a selection on <paramref name="selectionDay"/> (the demo's is
    /// <see cref="DefaultSelectionDay"/>; the cohort period is Cob23's, so the day must leave a few months of it six
    /// months back).
    /// </summary>
    public static DemoPopulation Generate(int poolSize, int seed, DateOnly selectionDay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(poolSize, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(poolSize, 5_000_000);
        var sixMonthsBack = selectionDay.AddMonths(-MinMonthsSinceEnd);
        var cohortLast = Min(CohortEndedTo, sixMonthsBack).AddDays(-Margin);
        // Two months of the period six months back (the cohort), and a month of it in the last six (the recent near misses).
        var recentDays = Min(CohortEndedTo, selectionDay).AddDays(-Margin).DayNumber - sixMonthsBack.AddDays(Margin).DayNumber;
        if (cohortLast.DayNumber - CohortEndedFrom.AddDays(Margin).DayNumber < 60 || recentDays < 30)
            throw new ArgumentOutOfRangeException(nameof(selectionDay), selectionDay,
                $"the selection day must leave two months of Cob23's period ({CohortEndedFrom:yyyy-MM-dd}..{CohortEndedTo:yyyy-MM-dd}) " +
                "more than six months back and one month of it within the last six");
        var population = new DemoPopulation(seed);
        new Builder(population, poolSize, seed, selectionDay).Run();
        return population;
    }

    /// <summary>
    /// The notices that make this population, in the order of <see cref="People"/>: per person the hiring (ASS, with
    /// the mobile in the regional extension) and the cessation (CES) of the lost job, and for the re-employed a later,
    /// still open hiring. Codes are <c>039</c> + seed + a counter, distinct from <see cref="DemoNotices.Code"/>'s.
    /// </summary>
    public IEnumerable<RawNotice> HistoryNotices()
    {
        var prefix = "039" + Math.Abs(seed % 1000).ToString("000", CultureInfo.InvariantCulture);
        long counter = 0;
        string NextCode() => prefix + (++counter).ToString("0000000000", CultureInfo.InvariantCulture);
        for (var i = 0; i < people.Count; i++)
        {
            var person = people[i];
            var (lost, rehired) = jobs[i];
            var hire = DemoNotices.Notice(person, lost.Employer, lost.Workplace, lost.Occupation, lost.Start, lost.Contract, lost.PlannedEnd,
                NextCode(), lost.SentAt);
            hire.Mobile = person.Mobile;
            yield return hire;
            var ceased = hire.Clone();
            ceased.Code = NextCode();
            ceased.Event = "CES";
            ceased.Mobile = null;
            ceased.CessationOn = DemoNotices.Day(person.LastEnd);
            ceased.CessationCause = person.LastCessationCause;
            ceased.SentAt = DemoNotices.Timestamp(lost.CeasedSentAt!.Value);
            yield return ceased;
            if (rehired is not null)
                yield return DemoNotices.Notice(person, rehired.Employer, rehired.Workplace, rehired.Occupation, rehired.Start, rehired.Contract,
                    rehired.PlannedEnd, NextCode(), rehired.SentAt);
        }
    }

    /// <summary><see cref="HistoryNotices"/> as a notices CSV (the columns of <c>dialer generate</c>), for the normal ingest.</summary>
    public void WriteCsv(string path)
    {
        using var csv = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        csv.Write(string.Join(";", NoticeCsvReader.NoticeColumns) + "\n");
        foreach (var notice in HistoryNotices()) csv.Write(NoticeDatasetWriter.CsvLine(notice) + "\n");
    }

    static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    sealed class Builder(DemoPopulation population, int poolSize, int seed, DateOnly day)
    {
        readonly Random random = new(seed);
        readonly HashSet<string> cfs = new(StringComparer.Ordinal);
        readonly HashSet<string> mobiles = new(StringComparer.Ordinal);
        readonly int otherWeight = OtherComuni.Sum(c => c.Weight);
        readonly DateOnly sixMonthsBack = day.AddMonths(-MinMonthsSinceEnd);
        List<DemoEmployer> companies = [];
        List<DemoEmployer> agencies = [];

        public void Run()
        {
            companies = Enumerable.Range(0, Math.Max(20, poolSize / 40)).Select(_ =>
            {
                var cf = EmployerCf();
                var (first, second, kind) = (Pick(NoticeGenerator.EmployerWords), Pick(NoticeGenerator.EmployerWords), Pick(NoticeGenerator.EmployerKinds));
                return new DemoEmployer(cf, $"{first} {second} {kind.Kind}", kind.Sector);
            }).ToList();
            agencies = Enumerable.Range(0, 12).Select(_ =>
                new DemoEmployer(EmployerCf(), $"{Pick(NoticeGenerator.EmployerWords)} LAVORO SPA AGENZIA PER IL LAVORO", NoticeGenerator.AgencySector)).ToList();
            population.employers.AddRange(companies);
            population.employers.AddRange(agencies);

            var kinds = Kinds();
            for (var i = kinds.Count - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (kinds[i], kinds[j]) = (kinds[j], kinds[i]);
            }
            foreach (var kind in kinds) Person(kind);
        }

        /// <summary>Exact counts per kind, so the shares hold for any pool size.</summary>
        List<Kind> Kinds()
        {
            var cohort = (int)Math.Round(poolSize * CohortShare, MidpointRounding.AwayFromZero);
            var milano = (int)Math.Round(poolSize * MilanoShare, MidpointRounding.AwayFromZero);
            var milanoMen = (int)Math.Round(milano * MaleShare, MidpointRounding.AwayFromZero);
            var milanoWomen = milano - cohort - milanoMen;
            var resigned = (int)Math.Round(milanoWomen * 0.30, MidpointRounding.AwayFromZero);
            var before2022 = (int)Math.Round(milanoWomen * 0.15, MidpointRounding.AwayFromZero);
            var elsewhere = poolSize - milano;
            var elsewhereMen = (int)Math.Round(elsewhere * MaleShare, MidpointRounding.AwayFromZero);
            var near = (int)Math.Round(poolSize * NearMissShare, MidpointRounding.AwayFromZero);
            var kinds = new List<Kind>(poolSize + near);
            void Add(Kind kind, int n) => kinds.AddRange(Enumerable.Repeat(kind, n));
            Add(Kind.Cohort, cohort);
            Add(Kind.MilanoMan, milanoMen);
            Add(Kind.MilanoResigned, resigned);
            Add(Kind.MilanoEndedBefore2022, before2022);
            Add(Kind.MilanoWomanOtherAge, milanoWomen - resigned - before2022);
            Add(Kind.ElsewhereMan, elsewhereMen);
            Add(Kind.ElsewhereWoman, elsewhere - elsewhereMen);
            Add(Kind.NearReEmployed, near / 3);
            Add(Kind.NearNoMobile, near / 3);
            Add(Kind.NearRecent, near - 2 * (near / 3));
            return kinds;
        }

        void Person(Kind kind)
        {
            var cohortFirst = CohortEndedFrom.AddDays(Margin);
            var cohortLast = Min(CohortEndedTo, sixMonthsBack).AddDays(-Margin);
            var man = kind is Kind.MilanoMan or Kind.ElsewhereMan;
            var milano = kind is not (Kind.ElsewhereMan or Kind.ElsewhereWoman);
            var (comune, comuneName) = milano ? (Milano, "Milano") : OtherComune();

            var age = kind switch
            {
                Kind.MilanoWomanOtherAge => random.Next(2) == 0 ? random.Next(19, CohortAgeMin) : random.Next(CohortAgeMax + 1, 65),
                Kind.MilanoMan or Kind.ElsewhereMan or Kind.ElsewhereWoman => random.Next(19, 65),
                _ => random.Next(CohortAgeMin, CohortAgeMax + 1),
            };
            // Born a whole number of years plus 7..358 days before the day: aged `age`, a week from either birthday.
            var birth = day.AddYears(-age).AddDays(-random.Next(Margin, 366 - Margin));

            var recentFirst = sixMonthsBack.AddDays(Margin);
            var recentLast = Min(CohortEndedTo, day).AddDays(-Margin);
            var end = kind switch
            {
                Kind.MilanoEndedBefore2022 => Between(new DateOnly(2020, 3, 1), CohortEndedFrom.AddDays(-Margin)),
                Kind.NearRecent => Between(recentFirst, recentLast),
                // The rest of the pool lost their job mostly in the cohort's period, a fifth of them earlier.
                Kind.MilanoMan or Kind.ElsewhereMan or Kind.ElsewhereWoman or Kind.MilanoWomanOtherAge when random.NextDouble() < 0.2 =>
                    Between(new DateOnly(2020, 3, 1), cohortFirst),
                _ => Between(cohortFirst, cohortLast),
            };
            var cause = kind switch
            {
                Kind.MilanoResigned => "DV",
                Kind.Cohort or Kind.MilanoEndedBefore2022 or Kind.NearReEmployed or Kind.NearNoMobile or Kind.NearRecent => "LI",
                // Dismissals and resignations (docs/domain.md §1.4), resignations the more common (OML: 87,896 against
                // 25,674 individual dismissals in the Città metropolitana, 2022, docs/demo.md).
                _ => random.NextDouble() < 0.4 ? "LI" : "DV",
            };

            var sex = man ? 'M' : 'F';
            string surname, name, place, cf;
            do
            {
                surname = Pick(NoticeGenerator.Surnames);
                name = man ? Pick(NoticeGenerator.MaleNames) : Pick(NoticeGenerator.FemaleNames);
                place = random.NextDouble() < 0.3 ? Pick(NoticeGenerator.ForeignBirthPlaces) : Pick(NoticeGenerator.ItalianBirthPlaces);
                cf = CodiceFiscale.Compose(surname, name, sex, birth, place);
            } while (!cfs.Add(cf));
            var mobile = kind == Kind.NearNoMobile ? null : Mobile();

            // The lost job: started 1 to 30 months before its end (never before the person was 16).
            var (contract, _, fixedTerm) = PickContract();
            var earliest = birth.AddYears(16);
            var start = end.AddDays(-random.Next(30, 900));
            if (start < earliest) start = earliest.AddDays(random.Next(0, Math.Max(1, end.DayNumber - earliest.DayNumber - 1)));
            if (start > end) start = end;
            DateOnly? planned = fixedTerm ? end.AddDays(random.Next(15, 240)) : null;
            var employer = contract == ContractTypes.FixedTerm && random.NextDouble() < 0.2 ? Pick(agencies) : Pick(companies);
            var lost = new Job(employer, Workplace(), Pick(NoticeGenerator.Occupations), start, planned, contract,
                SentAt(start.AddDays(-1)), SentAt(end.AddDays(random.Next(1, 6))));

            Job? rehired = null;
            if (kind == Kind.NearReEmployed)
            {
                // Hired again, permanently, between two weeks after the loss and two weeks before the selection day.
                var again = Between(end.AddDays(14), day.AddDays(-14));
                rehired = new Job(Pick(companies), Workplace(), Pick(NoticeGenerator.Occupations), again, null, ContractTypes.Permanent,
                    SentAt(again.AddDays(-1)), null);
            }

            var inPool = kind is not (Kind.NearReEmployed or Kind.NearNoMobile or Kind.NearRecent);
            // The first cohort rule failed, in the order of the selection's cascade (docs/selection.md).
            string? why = kind switch
            {
                Kind.Cohort => null,
                Kind.NearReEmployed => "re-employed",
                Kind.NearRecent => $"ended {MonthsBetween(end, day)} months ago",
                Kind.NearNoMobile => "no mobile",
                _ when comune != Milano => $"lives in {comuneName}",
                _ when man => "man",
                _ when age is < CohortAgeMin or > CohortAgeMax => $"aged {age}",
                _ when end < CohortEndedFrom => $"ended in {end.Year}",
                _ when cause != "LI" => "resigned",
                _ => null,
            };
            var inCohort = why is null;
            population.people.Add(new DemoPerson(cf, surname, name, sex, birth, place, comune, mobile, end, cause,
                inPool, inCohort, why, employer.Cf, employer.SectorCode));
            population.jobs.Add((lost, rehired));
        }

        (string Code, string Name) OtherComune()
        {
            var roll = random.Next(otherWeight);
            foreach (var c in OtherComuni)
            {
                if (roll < c.Weight) return (c.Code, c.Name);
                roll -= c.Weight;
            }
            throw new InvalidOperationException("unreachable");
        }

        // Where the job was: the Comune di Milano for most, else a comune of the territory.
        string Workplace() => random.NextDouble() < 0.6 ? Milano : OtherComune().Code;

        (string, double, bool) PickContract()
        {
            var roll = random.NextDouble();
            foreach (var c in LostContracts)
            {
                if (roll < c.Share) return c;
                roll -= c.Share;
            }
            return LostContracts[0];
        }

        string Mobile()
        {
            while (true)
            {
                var mobile = "+39" + Pick(MobilePrefixes) + random.Next(1_000_000, 10_000_000).ToString(CultureInfo.InvariantCulture);
                if (mobiles.Add(mobile)) return mobile;
            }
        }

        string EmployerCf()
        {
            var digits = random.NextInt64(1_000_000_000, 9_999_999_999).ToString(CultureInfo.InvariantCulture);
            return digits + CodiceFiscale.NumericCheckDigit(digits);
        }

        DateOnly Between(DateOnly first, DateOnly last) => first.AddDays(random.Next(0, last.DayNumber - first.DayNumber + 1));

        DateTime SentAt(DateOnly on) => on.ToDateTime(new TimeOnly(random.Next(8, 18), random.Next(60), random.Next(60)));

        T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

        static int MonthsBetween(DateOnly from, DateOnly to)
        {
            var months = (to.Year - from.Year) * 12 + to.Month - from.Month;
            return from.AddMonths(months) > to ? months - 1 : months;
        }
    }
}
