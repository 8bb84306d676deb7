using System.Text.Json;
using Dialer.Core.Campaigns;
using Dialer.Core.Notices;

namespace Dialer.Core.Selection;

/// <summary>A CPI and the comuni (Belfiore codes) it serves, as IT loads them from Sintesi.</summary>
public sealed record CpiOffice(string Code, string Name, string Address, string Phone, IReadOnlyList<string> Comuni);

/// <summary>The CPI → comuni table behind campaign territories given as <c>{"cpi": "…"}</c>.</summary>
public sealed class Territories(NpgsqlDataSource db)
{
    sealed record Document(IReadOnlyList<CpiOffice> Cpis);

    /// <summary>Parses <c>{"cpis": [{"code", "name", "address", "phone", "comuni": [...]}]}</c>.</summary>
    public static IReadOnlyList<CpiOffice> Parse(string json)
    {
        Document? doc;
        try
        {
            doc = JsonSerializer.Deserialize<Document>(json, CampaignDefinition.Json);
        }
        catch (JsonException ex)
        {
            throw new CampaignValidationException([$"The territory document is not valid: {ex.Message}"]);
        }
        var errors = new List<string>();
        foreach (var cpi in doc?.Cpis ?? [])
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(cpi.Code ?? "", "^[A-Z0-9_]+$")) errors.Add($"cpis: code \"{cpi.Code}\" must be upper-case letters, digits and underscores.");
            if (cpi.Comuni is null or { Count: 0 }) errors.Add($"cpis.{cpi.Code}.comuni: list at least one Belfiore code.");
            foreach (var c in cpi.Comuni ?? [])
                if (!BelfioreCode.IsValid(c)) errors.Add($"cpis.{cpi.Code}.comuni: \"{c}\" is not a Belfiore code.");
        }
        if (doc?.Cpis is null or { Count: 0 }) errors.Add("cpis: list at least one CPI.");
        return errors.Count == 0 ? doc!.Cpis : throw new CampaignValidationException(errors);
    }

    /// <summary>Replaces each listed CPI's details and comuni; CPIs not listed are left alone.</summary>
    public async Task ApplyAsync(IReadOnlyList<CpiOffice> cpis, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        foreach (var cpi in cpis)
        {
            await conn.ExecuteAsync(new CommandDefinition("""
                INSERT INTO cpi_offices (code, name, address, phone) VALUES (@Code, @Name, coalesce(@Address, ''), coalesce(@Phone, ''))
                ON CONFLICT (code) DO UPDATE SET name = excluded.name, address = excluded.address, phone = excluded.phone
                """, new { cpi.Code, cpi.Name, cpi.Address, cpi.Phone }, tx, cancellationToken: ct));
            await conn.ExecuteAsync(new CommandDefinition("DELETE FROM cpi_comuni WHERE cpi_code = @Code",
                new { cpi.Code }, tx, cancellationToken: ct));
            await conn.ExecuteAsync(new CommandDefinition("""
                INSERT INTO cpi_comuni (cpi_code, comune_code) SELECT @Code, unnest(@Comuni) ON CONFLICT DO NOTHING
                """, new { cpi.Code, Comuni = cpi.Comuni.ToArray() }, tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
    }
}
