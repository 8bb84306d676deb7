using System.Text;
using System.Text.RegularExpressions;

namespace Dialer.Core.Campaigns;

/// <summary>
/// What the operator reads (docs/operators.md "Script"): the opening, and the information notice due at first contact
/// (GDPR art. 14: the data were not collected from the person). Both are templates with merge fields
/// <c>{nome}</c>, <c>{cognome}</c>, <c>{operatore}</c>, <c>{cpi}</c> and <c>{ente}</c>; absent, the default text is used,
/// which names no particular body: <see cref="Organisation"/> (the data controller, e.g. "Afol Metropolitana") is {ente}.
/// </summary>
public sealed partial record CampaignScript
{
    /// <summary>The body that runs the service and controls the data, merged as {ente}.</summary>
    public string? Organisation { get; init; }

    public string? Opening { get; init; }

    public string? PrivacyNotice { get; init; }

    public const int MaxLength = 4000;

    /// <summary>{ente} when the campaign names no organisation.</summary>
    public const string DefaultOrganisation = "l'ente titolare del Centro per l'Impiego";

    /// <summary>{cpi} when the person's comune has no CPI loaded.</summary>
    public const string DefaultCpi = "Centro per l'Impiego";

    public const string DefaultOpening =
        "Buongiorno, parlo con {nome} {cognome}? Sono {operatore} del {cpi}. " +
        "La chiamiamo perché dai dati delle comunicazioni obbligatorie risulta che il suo ultimo rapporto di lavoro si è concluso: " +
        "vorremmo offrirle, gratuitamente, i servizi per tornare al lavoro (orientamento, formazione, offerte). " +
        "Le interessa fissare un primo colloquio presso il Centro per l'Impiego?";

    public const string DefaultPrivacyNotice =
        "Informativa: i suoi dati provengono dalle comunicazioni obbligatorie dei datori di lavoro e sono trattati da {ente} " +
        "per i compiti di servizio pubblico (art. 6.1.e e art. 14 GDPR). Può opporsi in qualsiasi momento e non la richiameremo. " +
        "L'informativa completa è sul sito di {ente}.";

    /// <summary>The merge fields a template may use.</summary>
    public static readonly IReadOnlyList<string> Fields = ["nome", "cognome", "operatore", "cpi", "ente"];

    public IEnumerable<string> Validate()
    {
        if (Organisation is not null && (string.IsNullOrWhiteSpace(Organisation) || Organisation.Length > 200))
            yield return CampaignDefinition.Error("script.organisation", "da 1 a 200 caratteri, oppure omesso.", "1 to 200 characters, or omitted.");
        foreach (var error in ValidateTemplate("script.opening", Opening)) yield return error;
        foreach (var error in ValidateTemplate("script.privacyNotice", PrivacyNotice)) yield return error;
    }

    /// <summary>The opening and the notice for one call, with the fields merged.</summary>
    public (string Opening, string PrivacyNotice) Render(ScriptFields fields)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["nome"] = fields.Nome,
            ["cognome"] = fields.Cognome,
            ["operatore"] = fields.Operatore,
            ["cpi"] = string.IsNullOrWhiteSpace(fields.Cpi) ? DefaultCpi : fields.Cpi,
            ["ente"] = Organisation?.Trim() ?? DefaultOrganisation,
        };
        return (Merge(Opening ?? DefaultOpening, values), Merge(PrivacyNotice ?? DefaultPrivacyNotice, values));
    }

    static IEnumerable<string> ValidateTemplate(string field, string? template)
    {
        if (template is null) yield break;
        if (string.IsNullOrWhiteSpace(template))
        {
            yield return CampaignDefinition.Error(field, "vuoto; ometterlo per il testo predefinito.", "empty; omit it for the default text.");
            yield break;
        }
        if (template.Length > MaxLength) yield return CampaignDefinition.Error(field, $"al massimo {MaxLength} caratteri.", $"at most {MaxLength} characters.");
        foreach (Match m in FieldPattern().Matches(template))
        {
            var name = m.Groups[1].Value;
            if (!Fields.Contains(name))
                yield return CampaignDefinition.Error(field,
                    $"campo di unione sconosciuto {{{name}}}; usare {string.Join(", ", Fields.Select(f => "{" + f + "}"))}.",
                    $"unknown merge field {{{name}}}; use {string.Join(", ", Fields.Select(f => "{" + f + "}"))}.");
        }
        var rest = FieldPattern().Replace(template, "");
        if (rest.Contains('{') || rest.Contains('}'))
            yield return CampaignDefinition.Error(field, "una parentesi graffa che non racchiude un campo di unione (scrivere i campi come {nome}).",
                "a brace that does not enclose a merge field (write merge fields as {nome}).");
    }

    static string Merge(string template, Dictionary<string, string> values)
    {
        var merged = FieldPattern().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v.Trim() : m.Value);
        // A field with no value (a person without a name on file) leaves no double space behind.
        var text = new StringBuilder(merged.Length);
        foreach (var c in merged)
            if (!(c == ' ' && text.Length > 0 && text[^1] == ' ')) text.Append(c);
        return text.ToString().Replace(" ?", "?", StringComparison.Ordinal).Replace(" ,", ",", StringComparison.Ordinal).Trim();
    }

    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex FieldPattern();
}

/// <summary>The values of the merge fields for one call.</summary>
public sealed record ScriptFields(string Nome, string Cognome, string Operatore, string? Cpi);
