using System.Globalization;
using System.IO.Compression;
using Dialer.Core.Notices;
using Dialer.Worker.Notices;

namespace Dialer.Worker.Demo;

/// <summary>
/// The notices of the months after the calls (hirings and their cessations that employers would file), as UniLav XML
/// so that they are imported like any other notice (docs/demo.md "The synthetic population and territory").
/// </summary>
public static class DemoNotices
{
    /// <summary>
    /// A notice code for the demo's later notices: <c>038</c> + the seed's last 3 digits + <paramref name="n"/> in 10
    /// digits (16 digits, the shape of <c>dialer generate</c>'s codes); the history notices of
    /// <see cref="DemoPopulation.HistoryNotices"/> start with <c>039</c>, so the two never meet.
    /// </summary>
    public static string Code(int seed, long n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, 9_999_999_999);
        return "038" + Math.Abs(seed % 1000).ToString("000", CultureInfo.InvariantCulture) + n.ToString("0000000000", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A hiring (ASS, communication type 01) of <paramref name="person"/> by <paramref name="employer"/> from
    /// <paramref name="start"/>, sent the day before. A fixed-term contract (e.g. A.02.00) needs
    /// <paramref name="plannedEnd"/>; a notice the ingest would refuse throws <see cref="ArgumentException"/>.
    /// </summary>
    public static RawNotice Hiring(DemoPerson person, DemoEmployer employer, DateOnly start, string contractType, DateOnly? plannedEnd, string code)
    {
        var hash = Hash(code);
        var notice = Notice(person, employer, person.Comune, NoticeGenerator.Occupations[hash % NoticeGenerator.Occupations.Length], start,
            contractType, plannedEnd, code, start.AddDays(-1).ToDateTime(new TimeOnly(8 + (int)(hash % 10), (int)(hash / 10 % 60))));
        return Valid(notice);
    }

    /// <summary>
    /// The cessation (CES) of <paramref name="hiring"/>'s job on <paramref name="on"/> with a cause (e.g. "LI", "DV"),
    /// sent 1 to 5 days later.
    /// </summary>
    public static RawNotice Cessation(RawNotice hiring, DateOnly on, string cause, string code)
    {
        var hash = Hash(code);
        var cessation = hiring.Clone();
        cessation.Code = code;
        cessation.CommunicationType = "01";
        cessation.PreviousCode = null;
        cessation.Event = "CES";
        cessation.Mobile = null;
        cessation.CessationOn = Day(on);
        cessation.CessationCause = cause;
        cessation.SentAt = Timestamp(on.AddDays(1 + (int)(hash % 5)).ToDateTime(new TimeOnly(8 + (int)(hash / 5 % 10), (int)(hash / 50 % 60))));
        return Valid(cessation);
    }

    /// <summary>One UniLav XML document per notice, in a zip, as <c>dialer generate --format xml</c> writes them.</summary>
    public static void WriteXmlZip(string path, IEnumerable<RawNotice> notices)
    {
        using var zip = new ZipArchive(new FileStream(path, FileMode.Create), ZipArchiveMode.Create);
        long n = 0;
        foreach (var notice in notices) NoticeDatasetWriter.WriteXml(zip, $"{++n:00000000}.xml", notice);
    }

    internal static RawNotice Notice(DemoPerson person, DemoEmployer employer, string workplace, string occupation, DateOnly start,
        string contractType, DateOnly? plannedEnd, string code, DateTime sentAt) => new()
    {
        Code = code,
        CommunicationType = "01",
        Event = "ASS",
        SentAt = Timestamp(sentAt),
        WorkerCf = person.Cf,
        Surname = person.Surname,
        Name = person.Name,
        Sex = person.Sex.ToString(),
        BirthDate = Day(person.Birth),
        BirthPlace = person.BirthPlace,
        DomicileComune = person.Comune,
        EmployerCf = employer.Cf,
        EmployerName = employer.Name,
        SectorCode = employer.SectorCode,
        WorkplaceComune = workplace,
        StartOn = Day(start),
        PlannedEndOn = plannedEnd is { } p ? Day(p) : null,
        ContractType = contractType,
        OccupationCode = occupation,
    };

    internal static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string Timestamp(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    static RawNotice Valid(RawNotice notice) => NoticeRules.Validate(notice, out _) is { } rejection
        ? throw new ArgumentException($"The notice would be quarantined ({rejection.Reason}): {rejection.Message}")
        : notice;

    // A stable hash of the code (string.GetHashCode differs between processes): the same code, the same times.
    static uint Hash(string code)
    {
        var h = 2166136261u;
        foreach (var c in code) h = (h ^ c) * 16777619u;
        return h;
    }
}
