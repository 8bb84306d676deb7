using System.Text;
using Dialer.Core.Notices;

namespace Dialer.Tests.Notices;

/// <summary>A row of the notices CSV with valid defaults; tests change what they are about with <c>with</c>.</summary>
public sealed record CsvNotice
{
    public static readonly string Worker = CodiceFiscale.Compose("ROSSI", "GIULIA", 'F', new DateOnly(1988, 4, 12), "F205");
    public const string Employer = "01234567897";

    public string? Code { get; init; } = "0300024000000001";
    public string? Previous { get; init; }
    public string? Type { get; init; } = "01";
    public string? Event { get; init; } = "ASS";
    public string? SentAt { get; init; } = "2024-01-08T16:02:11";
    public string? Cf { get; init; } = Worker;
    public string? Surname { get; init; } = "ROSSI";
    public string? Name { get; init; } = "GIULIA";
    public string? Sex { get; init; } = "F";
    public string? BirthDate { get; init; } = "1988-04-12";
    public string? BirthPlace { get; init; } = "F205";
    public string? Domicile { get; init; } = "F205";
    public string? EmployerCf { get; init; } = Employer;
    public string? EmployerName { get; init; } = "ESEMPIO RISTORAZIONE SRL";
    public string? Workplace { get; init; } = "F205";
    public string? Start { get; init; } = "2024-01-09";
    public string? End { get; init; } = "2024-06-30";
    public string? ExtensionEnd { get; init; }
    public string? TransformationOn { get; init; }
    public string? TransformationCode { get; init; }
    public string? CessationOn { get; init; }
    public string? Cause { get; init; }
    public string? Contract { get; init; } = "A.02.00";
    public string? Occupation { get; init; } = "5.2.2.3.6";
    public string? Mobile { get; init; }
    public string? Email { get; init; }
    public string? Sector { get; init; } = "56.10.11";

    public string ToLine() => string.Join(";", new[]
    {
        Code, Previous, Type, Event, SentAt, Cf, Surname, Name, Sex, BirthDate, BirthPlace, Domicile, EmployerCf, EmployerName,
        Workplace, Start, End, ExtensionEnd, TransformationOn, TransformationCode, CessationOn, Cause, Contract, Occupation, Mobile, Email, Sector,
    });

    public static string Header => string.Join(";", NoticeCsvReader.NoticeColumns);

    public static string File(params CsvNotice[] rows) => Header + "\n" + string.Join("\n", rows.Select(r => r.ToLine())) + "\n";

    public static NoticeInput Input(string name, string content, Encoding? encoding = null)
    {
        var bytes = (encoding ?? new UTF8Encoding(false)).GetBytes(content);
        return new NoticeInput(name, () => new MemoryStream(bytes, writable: false));
    }

    public static NoticeInput Input(string name, params CsvNotice[] rows) => Input(name, File(rows));

    public RawNotice ToRaw()
    {
        var fields = new List<string?>();
        NoticeCsvReader.Split(ToLine(), fields);
        return ToRawFrom(fields);
    }

    static RawNotice ToRawFrom(List<string?> f) => new()
    {
        Code = f[0], PreviousCode = f[1], CommunicationType = f[2], Event = f[3], SentAt = f[4], WorkerCf = f[5], Surname = f[6],
        Name = f[7], Sex = f[8], BirthDate = f[9], BirthPlace = f[10], DomicileComune = f[11], EmployerCf = f[12], EmployerName = f[13],
        WorkplaceComune = f[14], StartOn = f[15], PlannedEndOn = f[16], ExtensionEndOn = f[17], TransformationOn = f[18],
        TransformationCode = f[19], CessationOn = f[20], CessationCause = f[21], ContractType = f[22], OccupationCode = f[23],
        Mobile = f[24], Email = f[25], SectorCode = f[26],
    };
}
