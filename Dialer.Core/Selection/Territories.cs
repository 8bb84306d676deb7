using System.Text.Json;
using Dialer.Core.Campaigns;
using Dialer.Core.Notices;

namespace Dialer.Core.Selection;

/// <summary>
/// A CPI and the comuni (Belfiore codes) it serves, as IT loads them from Sintesi, with its opening hours
/// (<c>{"monday": ["09:00-12:30", "14:00-16:00"], …}</c>, local Italian time) and appointment slots (length in minutes,
/// appointments per slot; defaults 30 and 4).
/// </summary>
public sealed record CpiOffice(string Code, string Name, string Address, string Phone, IReadOnlyList<string> Comuni,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? OpeningHours = null, int? SlotMinutes = null, int? SlotCapacity = null,
    IReadOnlyDictionary<string, string>? ComuneNames = null);

/// <summary>The CPI → comuni table behind campaign territories given as <c>{"cpi": "…"}</c>.</summary>
public sealed class Territories(NpgsqlDataSource db)
{
    sealed record Document(IReadOnlyList<CpiOffice> Cpis);

    /// <summary>
    /// Parses <c>{"cpis": [{"code", "name", "address", "phone", "comuni": [...], "comuneNames": {"F205": "Milano"},
    /// "openingHours", "slotMinutes", "slotCapacity"}]}</c>.
    /// </summary>
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
            CpiHours.Parse(cpi.OpeningHours, cpi.SlotMinutes, cpi.SlotCapacity, $"cpis.{cpi.Code}", errors);
            foreach (var (code, name) in cpi.ComuneNames ?? new Dictionary<string, string>())
            {
                if (!(cpi.Comuni ?? []).Contains(code)) errors.Add($"cpis.{cpi.Code}.comuneNames: \"{code}\" is not in the CPI's comuni.");
                if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100) errors.Add($"cpis.{cpi.Code}.comuneNames.{code}: a name of 1 to 100 characters.");
            }
        }
        if (doc?.Cpis is null or { Count: 0 }) errors.Add("cpis: list at least one CPI.");
        return errors.Count == 0 ? doc!.Cpis : throw new CampaignValidationException(errors);
    }

    /// <summary>Replaces each listed CPI's details, hours and comuni; CPIs not listed are left alone.</summary>
    public async Task ApplyAsync(IReadOnlyList<CpiOffice> cpis, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        foreach (var cpi in cpis)
        {
            var hours = CpiHours.Parse(cpi.OpeningHours, cpi.SlotMinutes, cpi.SlotCapacity, cpi.Code, []);
            await conn.ExecuteAsync(new CommandDefinition("""
                INSERT INTO cpi_offices (code, name, address, phone, opening_hours, slot_minutes, slot_capacity)
                VALUES (@Code, @Name, coalesce(@Address, ''), coalesce(@Phone, ''), @OpeningHours::jsonb, @SlotMinutes, @SlotCapacity)
                ON CONFLICT (code) DO UPDATE
                SET    name = excluded.name, address = excluded.address, phone = excluded.phone, opening_hours = excluded.opening_hours,
                       slot_minutes = excluded.slot_minutes, slot_capacity = excluded.slot_capacity
                """, new
            {
                cpi.Code, cpi.Name, cpi.Address, cpi.Phone, OpeningHours = JsonSerializer.Serialize(hours.ToDocument()), hours.SlotMinutes, hours.SlotCapacity,
            }, tx, cancellationToken: ct));
            await conn.ExecuteAsync(new CommandDefinition("DELETE FROM cpi_comuni WHERE cpi_code = @Code",
                new { cpi.Code }, tx, cancellationToken: ct));
            await conn.ExecuteAsync(new CommandDefinition("""
                INSERT INTO cpi_comuni (cpi_code, comune_code) SELECT @Code, unnest(@Comuni) ON CONFLICT DO NOTHING
                """, new { cpi.Code, Comuni = cpi.Comuni.ToArray() }, tx, cancellationToken: ct));
            foreach (var (code, name) in cpi.ComuneNames ?? new Dictionary<string, string>())
                await conn.ExecuteAsync(new CommandDefinition("""
                    INSERT INTO comuni (code, name) VALUES (@code, @name) ON CONFLICT (code) DO UPDATE SET name = excluded.name
                    """, new { code, name = name.Trim() }, tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
    }
}

/// <summary>A CPI's opening hours and slots as stored (cpi_offices).</summary>
public sealed record CpiSchedule(string Code, string Name, CpiHours Hours)
{
    /// <summary>The CPI's name and hours; null when there is no CPI with this code.</summary>
    public static async Task<CpiSchedule?> FindAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string code, CancellationToken ct)
    {
        const string sql = """
            SELECT code AS Code, name AS Name, opening_hours::text AS OpeningHours, slot_minutes AS SlotMinutes, slot_capacity AS SlotCapacity
            FROM   cpi_offices
            WHERE  code = @code
            """;
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, new { code }, tx, cancellationToken: ct));
        if (row is null) return null;
        var week = JsonSerializer.Deserialize<Dictionary<string, IReadOnlyList<string>>>(row.OpeningHours);
        return new CpiSchedule(row.Code, row.Name, CpiHours.Parse(week, row.SlotMinutes, row.SlotCapacity, row.Code, []));
    }

    sealed record Row(string Code, string Name, string OpeningHours, int SlotMinutes, int SlotCapacity);
}
