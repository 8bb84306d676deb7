using System.Text.Json.Serialization;
using Dialer.Core.PhoneNumbers;

namespace Dialer.Core.Notices;

/// <summary>The employment event a notice reports (docs/domain.md §1.4, "event type").</summary>
public enum NoticeEvent
{
    /// <summary>ASS: InizioRapporto.</summary>
    Hiring,
    /// <summary>PRO: Proroga.</summary>
    Extension,
    /// <summary>TRS: Trasformazione.</summary>
    Transformation,
    /// <summary>CES: Cessazione.</summary>
    Cessation,
}

/// <summary>
/// One validated comunicazione obbligatoria. Extensions, transformations and cessations carry the start date of the
/// relationship they refer to in <see cref="StartOn"/>: employer + worker + start date identify the job (§2.2).
/// </summary>
public sealed record Notice
{
    public required string Code { get; init; }
    public string? PreviousCode { get; init; }
    /// <summary>TipoComunicazione 01–09; 03 corrects and 04 cancels <see cref="PreviousCode"/>.</summary>
    public required string CommunicationType { get; init; }
    public required NoticeEvent Event { get; init; }
    public DateTime? SentAt { get; init; }

    public required string WorkerCf { get; init; }
    public string? Surname { get; init; }
    public string? Name { get; init; }
    public char? Sex { get; init; }
    public DateOnly? BirthDate { get; init; }
    public string? BirthPlace { get; init; }
    public string? DomicileComune { get; init; }

    public required string EmployerCf { get; init; }
    public string? EmployerName { get; init; }
    public string? WorkplaceComune { get; init; }

    public required DateOnly StartOn { get; init; }
    public DateOnly? PlannedEndOn { get; init; }
    public DateOnly? ExtensionEndOn { get; init; }
    public DateOnly? TransformationOn { get; init; }
    public string? TransformationCode { get; init; }
    public DateOnly? CessationOn { get; init; }
    public string? CessationCause { get; init; }
    /// <summary>For a transformation, the contract type after it.</summary>
    public required string ContractType { get; init; }
    public bool PermanentContract { get; init; }
    public string? OccupationCode { get; init; }
    /// <summary>The employer's ATECO code, normalised (<see cref="AtecoCode"/>); null when absent or malformed.</summary>
    public string? SectorCode { get; init; }

    public PhoneNumber Phone { get; init; } = PhoneNumber.None;
    public string? Email { get; init; }

    /// <summary>
    /// Defects in secondary fields (docs/notices-input.md): the notice is imported, the field as the warning says, and
    /// the warnings are kept in <c>notice_warnings</c>. Null when there are none.
    /// </summary>
    public IReadOnlyList<NoticeWarning>? Warnings { get; init; }

    public static string EventCode(NoticeEvent e) => e switch
    {
        NoticeEvent.Hiring => "ASS",
        NoticeEvent.Extension => "PRO",
        NoticeEvent.Transformation => "TRS",
        _ => "CES",
    };
}

/// <summary>Where the mobile of a contact-enrichment row comes from; the order is the source priority (first wins).</summary>
public enum ContactSource
{
    /// <summary>Recorded by a Centro per l'Impiego operator with the person: the most verified.</summary>
    CPI = 1,
    /// <summary>The person's Scheda anagrafico-professionale.</summary>
    SAP = 2,
    /// <summary>Passed by INPS with a NASpI/DIS-COLL claim.</summary>
    SIISL = 3,
    /// <summary>A regional extension of the CO form, filled in by the employer: the least reliable.</summary>
    CO = 4,
}

/// <summary>One row of a contact-enrichment file.</summary>
public sealed record Contact(string Cf, PhoneNumber Phone, ContactSource Source, DateOnly SeenOn);

/// <summary>Why a record was quarantined. The names are the codes stored in <c>notice_quarantine.reason</c>.</summary>
public enum QuarantineReason
{
    /// <summary>Not readable as a record: wrong number of columns, broken XML, unknown file format.</summary>
    Malformed,
    InvalidCode,
    InvalidCommunicationType,
    MissingPreviousCode,
    UnexpectedPreviousCode,
    InvalidEvent,
    InvalidWorkerCf,
    InvalidEmployerCf,
    InvalidDate,
    MissingDate,
    DatesOutOfOrder,
    MissingPlannedEnd,
    UnknownContractType,
    ContractTypeNotValidOnDate,
    InvalidComune,
    /// <summary>An employer's sector that is not an ATECO code: a warning only, the sector dropped (<see cref="AtecoCode"/>).</summary>
    InvalidSector,
    InvalidCessationCause,
    InvalidPhone,
    InvalidSource,
    /// <summary>A control character (C0 other than tab, CR and LF; DEL; C1) in a field: PostgreSQL refuses NUL.</summary>
    InvalidCharacters,
    /// <summary>A field longer than its documented maximum (docs/notices-input.md).</summary>
    FieldTooLong,
    /// <summary>A CSV line longer than <see cref="NoticeCsvReader.MaxLineChars"/>: skipped without being held in memory.</summary>
    LineTooLong,
    /// <summary>A CSV line that is not valid in the encoding chosen for its file.</summary>
    InvalidEncoding,
}

/// <summary>
/// A defect in a field that selection, linking and placement do not depend on: the notice is imported anyway.
/// <see cref="Field"/> is the CSV column name (docs/notices-input.md), <see cref="Reason"/> a quarantine reason's code.
/// </summary>
public sealed record NoticeWarning(string Field, QuarantineReason Reason, string Message);

/// <summary>A record that was not imported, with enough to find and fix it.</summary>
public sealed record Rejection(QuarantineReason Reason, string Message);

/// <summary>What one import did. Re-importing the same files gives duplicates and nothing else.</summary>
public sealed record ImportSummary
{
    public int Files { get; init; }
    public long Read { get; init; }
    public long Imported { get; init; }
    public long Corrected { get; init; }
    public long Cancelled { get; init; }
    public long Duplicates { get; init; }
    public long Contacts { get; init; }
    public long Quarantined { get; init; }
    public IReadOnlyDictionary<string, long> QuarantinedByReason { get; init; } = new Dictionary<string, long>();
    /// <summary>Rows of <c>people</c> written: <see cref="People"/> plus <see cref="SupersededProvisional"/>.</summary>
    public long PeopleUpdated { get; init; }
    /// <summary>People written (codici fiscali without a successor): the ones selection counts.</summary>
    public long People { get; init; }
    /// <summary>
    /// Provisional codes written that are linked to their definitive successor (<c>people.successor_cf</c>): kept so
    /// that what was recorded under them follows the person, never selected themselves.
    /// </summary>
    public long SupersededProvisional { get; init; }
    /// <summary>Whether this was a first load (into an empty store, derived in memory) rather than a merge.</summary>
    public bool FirstLoad { get; init; }
    [JsonIgnore]
    public TimeSpan Elapsed { get; init; }
    public double ElapsedSeconds => Math.Round(Elapsed.TotalSeconds, 3);
    /// <summary>Seconds spent in each stage (parse+stage, merge, spells), for the benchmark and the logs.</summary>
    public IReadOnlyDictionary<string, double> StageSeconds { get; init; } = new Dictionary<string, double>();
}
