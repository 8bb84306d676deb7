namespace Dialer.Core.Notices;

/// <summary>
/// A notice's fields as text, exactly as a parser found them (CSV columns or UniLav XML), before validation.
/// Both formats fill this one shape, so there is one set of rules.
/// </summary>
public sealed class RawNotice
{
    public string? Code { get; set; }
    public string? PreviousCode { get; set; }
    public string? CommunicationType { get; set; }
    public string? Event { get; set; }
    public string? SentAt { get; set; }
    public string? WorkerCf { get; set; }
    public string? Surname { get; set; }
    public string? Name { get; set; }
    public string? Sex { get; set; }
    public string? BirthDate { get; set; }
    public string? BirthPlace { get; set; }
    public string? DomicileComune { get; set; }
    public string? EmployerCf { get; set; }
    public string? EmployerName { get; set; }
    public string? WorkplaceComune { get; set; }
    public string? StartOn { get; set; }
    public string? PlannedEndOn { get; set; }
    public string? ExtensionEndOn { get; set; }
    public string? TransformationOn { get; set; }
    public string? TransformationCode { get; set; }
    public string? CessationOn { get; set; }
    public string? CessationCause { get; set; }
    public string? ContractType { get; set; }
    public string? OccupationCode { get; set; }
    /// <summary>The employer's ATECO code (DatoreLavoro/Settore, CSV column ateco).</summary>
    public string? SectorCode { get; set; }
    public string? Mobile { get; set; }
    public string? Email { get; set; }

    public RawNotice Clone() => (RawNotice)MemberwiseClone();
}
