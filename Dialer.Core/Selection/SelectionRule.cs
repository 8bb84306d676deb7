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
        SelectionRule.StillEmployed => Text.T("still_employed", "Has a job in progress or a new hire"),
        SelectionRule.EndedTooRecently => Text.T("ended_too_recently", "Last job ended too recently"),
        SelectionRule.EndedTooLongAgo => Text.T("ended_too_long_ago", "Last job ended too long ago"),
        SelectionRule.NoItalianMobile => Text.T("no_italian_mobile", "No valid Italian mobile number"),
        SelectionRule.OutsideTerritory => Text.T("outside_territory", "Lives outside the campaign's territory"),
        SelectionRule.CohortSex => Text.T("cohort_sex", "Sex other than the campaign's"),
        SelectionRule.CohortAge => Text.T("cohort_age", "Age outside the campaign's range"),
        SelectionRule.CohortEndPeriod => Text.T("cohort_end_period", "Job ended outside the campaign's period"),
        SelectionRule.CohortContractType => Text.T("cohort_contract_type", "Contract type not in the campaign"),
        SelectionRule.CohortCessationCause => Text.T("cohort_cessation_cause", "Cessation cause not in the campaign"),
        SelectionRule.Objected => Text.T("objected", "Objected to being contacted (GDPR art. 21)"),
        SelectionRule.TakenInCharge => Text.T("taken_in_charge", "Already taken in charge by a CPI"),
        SelectionRule.ContactedRecently => Text.T("contacted_recently", "Contacted recently"),
        SelectionRule.InAnotherCampaign => Text.T("in_another_campaign", "Already on another campaign's list"),
        SelectionRule.AlreadyListed => Text.T("already_listed", "Already on this campaign's list"),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, null),
    };

    /// <summary>What supervisors read, in their language (Italian unless they chose English).</summary>
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

    /// <summary>The label of a rule's code (as a stored cascade carries it); an unknown code is shown as itself.</summary>
    public static string LabelOf(string code) => InOrder.FirstOrDefault(r => r.Code() == code) is var rule && rule.Code() == code ? rule.Label() : code;

    public static SelectionRule FromCode(string code)
    {
        foreach (var rule in InOrder)
            if (rule.Code() == code) return rule;
        throw new ArgumentException($"Unknown selection rule code '{code}'.", nameof(code));
    }
}
