using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cronos;
using Dialer.Core.Notices;
using Dialer.Core.PhoneNumbers;

namespace Dialer.Core.Campaigns;

/// <summary>
/// A campaign as a supervisor writes it: one JSON document, applied with <c>dialer campaign apply FILE</c>
/// or <c>PUT /api/campaigns/{slug}</c>. See README "Campaigns" for every field.
/// </summary>
public sealed partial record CampaignDefinition
{
    public required string Slug { get; init; }
    public required string Name { get; init; }
    public bool Active { get; init; } = true;

    /// <summary>E.164 number shown to the person called (a CPI number they can call back).</summary>
    public required string CallerId { get; init; }

    public required Territory Territory { get; init; }
    public Cohort Cohort { get; init; } = new();

    /// <summary>The last job must have ended at least this many months before the selection date (Cob23: 6).</summary>
    public int MinMonthsSinceEnd { get; init; } = 6;

    /// <summary>Optional upper bound: older ends are left to other services.</summary>
    public int? MaxMonthsSinceEnd { get; init; }

    public SelectionPriority Priority { get; init; } = SelectionPriority.LongestWithoutWorkFirst;

    /// <summary>People contacted by any campaign within this many days are not selected again.</summary>
    public int CoolOffDays { get; init; } = 90;

    /// <summary>How long a selected person stays on the contact list before the entry expires.</summary>
    public int ContactListDays { get; init; } = 30;

    /// <summary>At most this many people are added per night (null: everyone eligible).</summary>
    public int? MaxPerNight { get; init; }

    public CampaignSchedule Schedule { get; init; } = new();

    /// <summary>How the campaign dials: mode, calling windows, caps, retry delays (README "Contact policy").</summary>
    public DialingSettings Dialing { get; init; } = new();

    /// <summary>
    /// Share of the selected people held out as a control group (0 to 0.5; 0 by default): chosen by a deterministic hash of
    /// the slug and the codice fiscale, recorded, never queued (docs/outcomes.md "Control group").
    /// </summary>
    public decimal ControlShare { get; init; }

    /// <summary>A hiring counts as the campaign's placement when it starts within this many months of the call (default 12).</summary>
    public int AttributionMonths { get; init; } = 12;

    /// <summary>What the operator reads: opening and privacy notice, with merge fields (docs/operators.md "Script"); absent: the default text.</summary>
    public CampaignScript? Script { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>
    /// Parses a document whose slug, when it has none, is <paramref name="slugIfMissing"/> (the API's address); text that
    /// is not a JSON object gets a <see cref="CampaignValidationException"/> too.
    /// </summary>
    public static CampaignDefinition Parse(string json, string slugIfMissing)
    {
        System.Text.Json.Nodes.JsonObject node;
        try
        {
            node = System.Text.Json.Nodes.JsonNode.Parse(json) as System.Text.Json.Nodes.JsonObject
                ?? throw new CampaignValidationException([Error(DocumentField, "il contenuto deve essere un oggetto JSON: il documento della campagna.", "the body must be a JSON object: the campaign document.")]);
        }
        catch (JsonException ex)
        {
            throw new CampaignValidationException([Error(DocumentField, "non è JSON valido: " + ex.Message, "the body is not JSON: " + ex.Message)]);
        }
        node.TryAdd("slug", slugIfMissing);
        return Parse(node.ToJsonString());
    }

    /// <summary>Parses a document; a malformed one gets a <see cref="CampaignValidationException"/> naming the problem.</summary>
    public static CampaignDefinition Parse(string json)
    {
        CampaignDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize<CampaignDefinition>(json, Json);
        }
        catch (JsonException ex)
        {
            // A value of the wrong type names its field ($.cohort.ageMin is cohort.ageMin), so that a form can show it there.
            var field = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : DocumentField;
            throw new CampaignValidationException([Error(field,
                $"il documento non è una campagna valida ({ex.Path}): {ex.Message}", $"the document is not a valid campaign ({ex.Path}): {ex.Message}")]);
        }
        if (definition is null) throw new CampaignValidationException([Error(DocumentField, "il documento è vuoto.", "the document is empty.")]);
        var errors = definition.Validate();
        return errors.Count == 0 ? definition : throw new CampaignValidationException(errors);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The field of problems that belong to the whole document (not JSON, empty), not to one of its fields.</summary>
    public const string DocumentField = "document";

    /// <summary>
    /// One problem as every validator here writes it: "field.path: message", the path machine-readable (the API's
    /// validation problem and the pages key errors by it), the message in the reader's language (Italian by default).
    /// </summary>
    internal static string Error(string field, string italian, string english) => $"{field}: {Text.T(italian, english)}";

    /// <summary>Every problem with the document, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!SlugPattern().IsMatch(Slug ?? "")) errors.Add(Error("slug", "lettere minuscole, cifre e trattini singoli, ad esempio \"cob23-donne-30-44\".", "lower-case letters, digits and single hyphens, e.g. \"cob23-donne-30-44\"."));
        if (string.IsNullOrWhiteSpace(Name)) errors.Add(Error("name", "obbligatorio.", "required."));
        if (!PhoneNumber.IsE164(CallerId)) errors.Add(Error("callerId", "un numero in formato E.164, ad esempio +390277404040.", "an E.164 number such as +390277404040."));
        if (Territory is null) errors.Add(Error("territory", "obbligatorio.", "required."));
        else errors.AddRange(Territory.Validate());
        errors.AddRange((Cohort ?? new Cohort()).Validate());
        if (MinMonthsSinceEnd is < 0 or > 120) errors.Add(Error("minMonthsSinceEnd", "tra 0 e 120.", "between 0 and 120."));
        if (MaxMonthsSinceEnd is { } max && max < MinMonthsSinceEnd) errors.Add(Error("maxMonthsSinceEnd", "non meno dei mesi minimi (minMonthsSinceEnd).", "not less than minMonthsSinceEnd."));
        if (CoolOffDays is < 0 or > 3650) errors.Add(Error("coolOffDays", "tra 0 e 3650.", "between 0 and 3650."));
        if (ContactListDays is < 1 or > 365) errors.Add(Error("contactListDays", "tra 1 e 365.", "between 1 and 365."));
        if (MaxPerNight is < 1) errors.Add(Error("maxPerNight", "almeno 1, oppure vuoto per nessun limite.", "at least 1, or omitted for no limit."));
        errors.AddRange((Schedule ?? new CampaignSchedule()).Validate());
        errors.AddRange((Dialing ?? new DialingSettings()).Validate());
        if (ControlShare is < 0 or > 0.5m)
            errors.Add(Error("controlShare", "tra 0 e 0,5 (la quota di persone selezionate tenute fuori, per esempio 0.1).",
                "between 0 and 0.5 (the share of selected people held out, e.g. 0.1)."));
        if (AttributionMonths is < 1 or > 36) errors.Add(Error("attributionMonths", "tra 1 e 36.", "between 1 and 36."));
        if (Script is not null) errors.AddRange(Script.Validate());
        return errors;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

}

/// <summary>Where the people live: a list of comuni (Belfiore codes), or a CPI whose comuni are loaded by IT.</summary>
public sealed partial record Territory
{
    public IReadOnlyList<string>? Comuni { get; init; }
    public string? Cpi { get; init; }

    public IEnumerable<string> Validate()
    {
        if ((Comuni is null or { Count: 0 }) == (Cpi is null))
            yield return CampaignDefinition.Error("territory", "indicare i comuni (codici Belfiore come F205) oppure un CPI, non entrambi.",
                "give either \"comuni\" (Belfiore codes such as F205) or \"cpi\" (a CPI code), not both.");
        foreach (var c in Comuni ?? [])
            if (!BelfioreCode.IsValid(c))
                yield return CampaignDefinition.Error("territory.comuni", $"\"{c}\" non è un codice Belfiore (una lettera e tre cifre, ad esempio F205).",
                    $"\"{c}\" is not a Belfiore code (a letter and three digits, e.g. F205).");
    }

}

/// <summary>Who, among those whose job ended, the campaign is for. Every filter is optional.</summary>
public sealed record Cohort
{
    /// <summary>"F" or "M", as in the codice fiscale.</summary>
    public string? Sex { get; init; }

    /// <summary>Age in whole years on the selection date, inclusive.</summary>
    public int? AgeMin { get; init; }
    public int? AgeMax { get; init; }

    /// <summary>The last job ended in this period (inclusive), e.g. dismissed in 2022.</summary>
    public DateOnly? EndedFrom { get; init; }
    public DateOnly? EndedTo { get; init; }

    /// <summary>Codes of the last job's contract type (docs/contract-types.txt).</summary>
    public IReadOnlyList<string>? ContractTypes { get; init; }

    /// <summary>Codes of the last job's cessation cause (docs/domain.md §1.4).</summary>
    public IReadOnlyList<string>? CessationCauses { get; init; }

    public IEnumerable<string> Validate()
    {
        if (Sex is not (null or "F" or "M")) yield return CampaignDefinition.Error("cohort.sex", "\"F\" o \"M\".", "\"F\" or \"M\".");
        if (AgeMin is < 15 or > 100) yield return CampaignDefinition.Error("cohort.ageMin", "tra 15 e 100.", "between 15 and 100.");
        if (AgeMax is < 15 or > 100) yield return CampaignDefinition.Error("cohort.ageMax", "tra 15 e 100.", "between 15 and 100.");
        if (AgeMin is { } lo && AgeMax is { } hi && hi < lo) yield return CampaignDefinition.Error("cohort.ageMax", "non meno dell'età minima.", "not less than ageMin.");
        if (EndedFrom is { } from && EndedTo is { } to && to < from) yield return CampaignDefinition.Error("cohort.endedTo", "non prima dell'inizio del periodo.", "not before endedFrom.");
        if (ContractTypes is { Count: 0 }) yield return CampaignDefinition.Error("cohort.contractTypes", "ometterlo, oppure indicare almeno un codice.", "omit it, or list at least one code.");
        if (CessationCauses is { Count: 0 }) yield return CampaignDefinition.Error("cohort.cessationCauses", "ometterlo, oppure indicare almeno un codice.", "omit it, or list at least one code.");
    }
}

/// <summary>
/// When the nightly selection runs: a cron expression as Hangfire accepts it, in Europe/Rome
/// (docs/scheduling.md "Campaign cron").
/// </summary>
public sealed record CampaignSchedule
{
    /// <summary>
    /// Five fields (minute hour day-of-month month day-of-week), or six with seconds first; <c>?</c>, <c>L</c>,
    /// <c>W</c> and <c>#</c> as in Quartz. 02:00 every night by default.
    /// </summary>
    public string Cron { get; init; } = "0 0 2 * * ?";

    /// <summary>Europe/Rome, the one zone of the Italian rules (<see cref="ItalianTime"/>); kept so that documents may say so.</summary>
    public string TimeZone { get; init; } = "Europe/Rome";

    public IEnumerable<string> Validate()
    {
        if (ParseCron(Cron, out var problem) is null)
            yield return CampaignDefinition.Error("schedule.cron",
                $"\"{Cron}\" non è un'espressione cron che lo scheduler accetta: {problem} " +
                "Scrivere cinque campi (minuto ora giorno-del-mese mese giorno-della-settimana) o sei con i secondi all'inizio, ad esempio \"0 0 2 * * ?\"; senza anno.",
                $"\"{Cron}\" is not a cron expression the scheduler accepts: {problem} " +
                "Write five fields (minute hour day-of-month month day-of-week) or six with seconds first, e.g. \"0 0 2 * * ?\"; no year field.");
        if (TimeZone != ItalianTime.Rome.Id)
            yield return CampaignDefinition.Error("schedule.timeZone",
                $"\"{TimeZone}\" non è ammesso: la selezione notturna gira sull'ora di Roma; omettere il campo o scrivere \"Europe/Rome\".",
                $"\"{TimeZone}\" is not allowed: the nightly selection runs in Europe/Rome; omit the field or write \"Europe/Rome\".");
    }

    /// <summary>The parsed cron; it throws on an invalid one, which <see cref="Validate"/> reports first.</summary>
    public CronExpression ToCronExpression() => ParseCron(Cron, out var problem) ?? throw new FormatException(problem);

    /// <summary>
    /// Parses as Hangfire 1.8 does (RecurringJobEntity.ParseCronExpression over the Cronos it embeds): five fields, or
    /// six with seconds, or a macro such as <c>@daily</c>; anything else, such as Quartz's seven fields with a year, is refused.
    /// </summary>
    static CronExpression? ParseCron(string? cron, out string problem)
    {
        problem = "";
        if (string.IsNullOrWhiteSpace(cron))
        {
            problem = Text.T("è vuota.", "it is empty.");
            return null;
        }
        var format = CronFormat.Standard;
        if (!cron.StartsWith('@'))
        {
            var fields = cron.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
            if (fields == 6) format |= CronFormat.IncludeSeconds;
            else if (fields != 5)
            {
                problem = Text.T($"ha {fields} campi, e se ne accettano solo 5, o 6 con i secondi.", $"it has {fields} fields, and only 5, or 6 with seconds, are accepted.");
                return null;
            }
        }
        try
        {
            return CronExpression.Parse(cron, format);
        }
        catch (CronFormatException ex)
        {
            problem = ex.Message.TrimEnd('.') + ".";
            return null;
        }
    }
}

/// <summary>
/// The order in which selected people are dialed (their priority on the contact list).
/// Ties are broken by codice fiscale, so the order is stable from one night to the next.
/// </summary>
public enum SelectionPriority
{
    /// <summary>Whoever has been without work longest first (the default: furthest from the labour market).</summary>
    LongestWithoutWorkFirst,
    /// <summary>Most recent job ends first (closest to the six-month threshold, easiest to re-activate).</summary>
    MostRecentEndFirst,
    /// <summary>Oldest people first.</summary>
    OldestFirst,
    /// <summary>Youngest people first.</summary>
    YoungestFirst,
}

public sealed class CampaignValidationException(IReadOnlyList<string> errors)
    : Exception("The campaign is not valid: " + string.Join(" ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>A stored campaign.</summary>
public sealed record Campaign(long Id, string Slug, string Name, bool Active, CampaignDefinition Definition, DateTimeOffset UpdatedAt)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Slug} ({(Active ? "active" : "paused")})");
}
