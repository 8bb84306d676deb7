using System.Globalization;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;

namespace Dialer.Core.Dialing;

/// <summary>The card a previewing operator reads before deciding to call: the person, the last job, the script.</summary>
public sealed class PreviewCards(NpgsqlDataSource db, TimeProvider time)
{
    public async Task<PreviewContact> CardAsync(long attemptId, DialingCampaign campaign, ClaimedContact contact, bool isCallback, CancellationToken ct)
    {
        const string sql = """
            SELECT coalesce(initcap(p.name) || ' ' || initcap(p.surname), '') AS Name, p.birth_on AS BirthOn,
                   p.domicile_comune AS Comune, p.last_contract_type AS LastContractType, p.last_end_on AS LastEndOn
            FROM   people p
            WHERE  p.cf = @cf
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var person = await conn.QuerySingleOrDefaultAsync<PersonRow>(new CommandDefinition(sql, new { cf = contact.PersonCf }, cancellationToken: ct))
            ?? new PersonRow("", null, contact.ComuneCode, null, null);
        var today = CallingCalendar.LocalDate(time.GetUtcNow());
        int? age = person.BirthOn is { } b ? today.Year - b.Year - (today < b.AddYears(today.Year - b.Year) ? 1 : 0) : null;
        return new PreviewContact(attemptId, campaign.Campaign.Slug, campaign.Campaign.Name, person.Name, age, person.Comune ?? contact.ComuneCode,
            MaskPhone(contact.PhoneE164), person.LastContractType, person.LastEndOn, isCallback, Script(campaign, person.Name),
            contact.LeaseExpiresAt);
    }

    /// <summary>The number as an operator sees it before calling: country, operator prefix and the last two digits.</summary>
    public static string MaskPhone(string e164) =>
        e164.Length < 8 ? "••••" : string.Create(CultureInfo.InvariantCulture, $"{e164[..3]} {e164[3..6]} ••• ••{e164[^2..]}");

    /// <summary>The opening the operator reads, with the information notice due at first contact (GDPR art. 14, docs/domain.md §4.1).</summary>
    static string Script(DialingCampaign campaign, string personName) => string.Create(CultureInfo.InvariantCulture, $"""
        Buongiorno{(personName.Length > 0 ? ", parlo con " + personName : "")}? Sono un operatore del Centro per l'Impiego della Città metropolitana di Milano (campagna "{campaign.Campaign.Name}").
        La chiamiamo perché dai dati delle comunicazioni obbligatorie risulta che il suo ultimo rapporto di lavoro si è concluso: vorremmo offrirle, gratuitamente, i servizi per tornare al lavoro (orientamento, formazione, offerte).
        Informativa: i suoi dati provengono dalle comunicazioni obbligatorie dei datori di lavoro e sono trattati dalla Città metropolitana per i compiti di servizio pubblico (art. 6.1.e e art. 14 GDPR). Può opporsi in qualsiasi momento e non la richiameremo. L'informativa completa è sul sito di Afol Metropolitana.
        Le interessa fissare un primo colloquio presso il Centro per l'Impiego?
        """);

    sealed record PersonRow(string Name, DateOnly? BirthOn, string? Comune, string? LastContractType, DateOnly? LastEndOn);
}
