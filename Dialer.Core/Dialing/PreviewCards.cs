using System.Globalization;
using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;

namespace Dialer.Core.Dialing;

/// <summary>The card a previewing operator reads before deciding to call: the person, the last job, the script.</summary>
public sealed class PreviewCards(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>The card for the operator <paramref name="operatorName"/> (merged into the script as {operatore}).</summary>
    public async Task<PreviewContact> CardAsync(long attemptId, DialingCampaign campaign, ClaimedContact contact, bool isCallback, string operatorName,
        CancellationToken ct)
    {
        const string sql = """
            SELECT coalesce(initcap(p.name) || ' ' || initcap(p.surname), '') AS Name, coalesce(initcap(p.name), '') AS FirstName,
                   coalesce(initcap(p.surname), '') AS Surname, p.birth_on AS BirthOn,
                   coalesce((SELECT m.name FROM comuni m WHERE m.code = p.domicile_comune), p.domicile_comune) AS Comune, p.last_contract_type AS LastContractType, p.last_end_on AS LastEndOn,
                   (SELECT min(o.name) FROM cpi_comuni cc JOIN cpi_offices o ON o.code = cc.cpi_code
                    WHERE cc.comune_code = coalesce(p.domicile_comune, @comune)) AS Cpi
            FROM   people p
            WHERE  p.cf = @cf
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var person = await conn.QuerySingleOrDefaultAsync<PersonRow>(new CommandDefinition(sql, new { cf = contact.PersonCf, comune = contact.ComuneCode },
                cancellationToken: ct))
            ?? new PersonRow("", "", "", null, contact.ComuneCode, null, null, null);
        var today = CallingCalendar.LocalDate(time.GetUtcNow());
        int? age = person.BirthOn is { } b ? today.Year - b.Year - (today < b.AddYears(today.Year - b.Year) ? 1 : 0) : null;
        var (opening, notice) = (campaign.Campaign.Definition.Script ?? new CampaignScript())
            .Render(new ScriptFields(person.FirstName, person.Surname, operatorName, person.Cpi));
        return new PreviewContact(attemptId, campaign.Campaign.Slug, campaign.Campaign.Name, person.Name, age, person.Comune ?? contact.ComuneCode,
            MaskPhone(contact.PhoneE164), person.LastContractType, person.LastEndOn, isCallback, opening + "\n" + notice,
            contact.LeaseExpiresAt, opening, notice);
    }

    /// <summary>The number as an operator sees it before calling: country, operator prefix and the last two digits.</summary>
    public static string MaskPhone(string e164) =>
        e164.Length < 8 ? "••••" : string.Create(CultureInfo.InvariantCulture, $"{e164[..3]} {e164[3..6]} ••• ••{e164[^2..]}");

    sealed record PersonRow(string Name, string FirstName, string Surname, DateOnly? BirthOn, string? Comune, string? LastContractType,
        DateOnly? LastEndOn, string? Cpi);
}
