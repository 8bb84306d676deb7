namespace Dialer.Core.Selection;

/// <summary>
/// The eligibility rules, in the order they are applied: a person left out is counted under the first
/// rule they fail, so the report reads as a cascade from everyone known to those selected.
/// The snake_case code is what the SQL in <see cref="Eligibility"/> produces and what reports and CSV files carry.
/// </summary>
public enum SelectionRule
{
    /// <summary>Has an open employment, a job still running on the selection date, or a hire after the last end.</summary>
    StillEmployed,
    /// <summary>The last job ended fewer than the campaign's minimum months before the selection date.</summary>
    EndedTooRecently,
    /// <summary>The last job ended more than the campaign's maximum months before the selection date.</summary>
    EndedTooLongAgo,
    NoItalianMobile,
    OutsideTerritory,
    CohortSex,
    CohortAge,
    CohortEndPeriod,
    CohortContractType,
    CohortCessationCause,
    /// <summary>In the objection register (GDPR art. 21).</summary>
    Objected,
    /// <summary>Already taken in charge by a CPI.</summary>
    TakenInCharge,
    /// <summary>Contacted by any campaign within the cool-off.</summary>
    ContactedRecently,
    /// <summary>On another campaign's live contact list.</summary>
    InAnotherCampaign,
    /// <summary>Already on this campaign's contact list from an earlier day.</summary>
    AlreadyListed,
}

public static class SelectionRules
{
    /// <summary>The rules in cascade order.</summary>
    public static IReadOnlyList<SelectionRule> InOrder { get; } = Enum.GetValues<SelectionRule>();

    public const string SelectedCode = "selected";

    public static string Code(this SelectionRule rule) => rule switch
    {
        SelectionRule.StillEmployed => "still_employed",
        SelectionRule.EndedTooRecently => "ended_too_recently",
        SelectionRule.EndedTooLongAgo => "ended_too_long_ago",
        SelectionRule.NoItalianMobile => "no_italian_mobile",
        SelectionRule.OutsideTerritory => "outside_territory",
        SelectionRule.CohortSex => "cohort_sex",
        SelectionRule.CohortAge => "cohort_age",
        SelectionRule.CohortEndPeriod => "cohort_end_period",
        SelectionRule.CohortContractType => "cohort_contract_type",
        SelectionRule.CohortCessationCause => "cohort_cessation_cause",
        SelectionRule.Objected => "objected",
        SelectionRule.TakenInCharge => "taken_in_charge",
        SelectionRule.ContactedRecently => "contacted_recently",
        SelectionRule.InAnotherCampaign => "in_another_campaign",
        SelectionRule.AlreadyListed => "already_listed",
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, null),
    };

    /// <summary>What supervisors read, in Italian.</summary>
    public static string Label(this SelectionRule rule) => rule switch
    {
        SelectionRule.StillEmployed => "Ha un lavoro in corso o una nuova assunzione",
        SelectionRule.EndedTooRecently => "Ultimo lavoro terminato da troppo poco",
        SelectionRule.EndedTooLongAgo => "Ultimo lavoro terminato da troppo tempo",
        SelectionRule.NoItalianMobile => "Nessun cellulare italiano valido",
        SelectionRule.OutsideTerritory => "Domicilio fuori dal territorio della campagna",
        SelectionRule.CohortSex => "Sesso diverso da quello della campagna",
        SelectionRule.CohortAge => "Età fuori dalla fascia della campagna",
        SelectionRule.CohortEndPeriod => "Fine del lavoro fuori dal periodo della campagna",
        SelectionRule.CohortContractType => "Tipo di contratto non previsto dalla campagna",
        SelectionRule.CohortCessationCause => "Causa di cessazione non prevista dalla campagna",
        SelectionRule.Objected => "Opposizione al contatto (art. 21 GDPR)",
        SelectionRule.TakenInCharge => "Già preso in carico da un CPI",
        SelectionRule.ContactedRecently => "Già contattato di recente",
        SelectionRule.InAnotherCampaign => "Già nella lista di un'altra campagna",
        SelectionRule.AlreadyListed => "Già nella lista di questa campagna",
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, null),
    };

    public static SelectionRule FromCode(string code)
    {
        foreach (var rule in InOrder)
            if (rule.Code() == code) return rule;
        throw new ArgumentException($"Unknown selection rule code '{code}'.", nameof(code));
    }
}
