using System.Text.Json;
using Dialer.Core.Selection;

namespace Dialer.Core.Campaigns;

/// <summary>A campaign as the supervisor's list shows it: its state, where it calls, its last selection and its queue.</summary>
public sealed record CampaignSummary(Campaign Campaign, string Territory, DateOnly? LastRunOn, int? LastSelected, long Waiting);

/// <summary>The last nightly (or manual) selection of a campaign, with the cascade it recorded.</summary>
public sealed record LastSelection(DateOnly RunOn, DateOnly AsOf, string Trigger, DateTimeOffset FinishedAt, Cascade Cascade);

/// <summary>
/// What the supervisor's campaign pages read (docs/supervision.md, "Campagne"): the campaigns with their territory in
/// words, the last selection run and the people waiting in the call queue; a campaign's last recorded cascade.
/// </summary>
public sealed class CampaignOverview(CampaignStore campaigns, NpgsqlDataSource db)
{
    /// <summary>Every campaign, active ones first, then by name.</summary>
    public async Task<IReadOnlyList<CampaignSummary>> ListAsync(CancellationToken ct)
    {
        // Queued and leased rows are in call_queue_ready or call_queue_delayed (both keyed by campaign): done rows are in neither.
        const string sql = """
            SELECT c.id AS Id, r.run_on AS LastRunOn, r.selected AS LastSelected,
                   (SELECT count(*) FROM call_queue_ready q WHERE q.campaign_id = c.id)
                 + (SELECT count(*) FROM call_queue_delayed q WHERE q.campaign_id = c.id) AS Waiting
            FROM   campaigns c
            LEFT   JOIN LATERAL (SELECT run_on, selected FROM selection_runs s WHERE s.campaign_id = c.id ORDER BY run_on DESC LIMIT 1) r ON true
            """;
        var list = await campaigns.ListAsync(ct);
        await using var conn = await db.OpenConnectionAsync(ct);
        var stats = (await conn.QueryAsync<StatsRow>(new CommandDefinition(sql, cancellationToken: ct))).ToDictionary(s => s.Id);
        var names = await NamesAsync(conn, list.Select(c => c.Definition.Territory), ct);
        return list
            .Select(c => stats.TryGetValue(c.Id, out var s)
                ? new CampaignSummary(c, TerritoryText(c.Definition.Territory, names), s.LastRunOn, s.LastSelected, s.Waiting)
                : new CampaignSummary(c, TerritoryText(c.Definition.Territory, names), null, null, 0))
            .OrderByDescending(s => s.Campaign.Active).ThenBy(s => s.Campaign.Name, StringComparer.CurrentCulture)
            .ToList();
    }

    /// <summary>The territory in words: the CPI's name, or the comuni's names (a code only where no name is loaded).</summary>
    public async Task<string> TerritoryAsync(Territory territory, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return TerritoryText(territory, await NamesAsync(conn, [territory], ct));
    }

    /// <summary>The newest recorded selection run of the campaign, or null when it never ran.</summary>
    public async Task<LastSelection?> LastSelectionAsync(string slug, CancellationToken ct)
    {
        const string sql = """
            SELECT r.run_on AS RunOn, r.as_of AS AsOf, r.trigger AS Trigger, r.finished_at AS FinishedAt, r.cascade::text AS Cascade
            FROM   selection_runs r JOIN campaigns c ON c.id = r.campaign_id
            WHERE  c.slug = @slug
            ORDER  BY r.run_on DESC
            LIMIT  1
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(sql, new { slug }, cancellationToken: ct));
        return row is null ? null : new LastSelection(row.RunOn, row.AsOf, row.Trigger,
            new DateTimeOffset(DateTime.SpecifyKind(row.FinishedAt, DateTimeKind.Utc)),
            JsonSerializer.Deserialize<Cascade>(row.Cascade, CampaignDefinition.Json)!);
    }

    /// <summary>How a run was started, in words.</summary>
    public static string TriggerLabel(string trigger) => trigger switch
    {
        "schedule" => Text.T("notturna, pianificata", "nightly, scheduled"),
        "catch_up" => Text.T("di recupero, dopo un'interruzione", "catch-up, after an outage"),
        "manual" => Text.T("avviata a mano", "started by hand"),
        _ => trigger,
    };

    static string TerritoryText(Territory territory, Names names)
    {
        if (territory.Cpi is { } cpi)
            return names.Cpis.TryGetValue(cpi, out var name) ? $"CPI {name}" : Text.T($"CPI con codice {cpi} (non caricato)", $"CPI with code {cpi} (not loaded)");
        return string.Join(", ", (territory.Comuni ?? []).Select(c => names.Comuni.TryGetValue(c, out var name) ? name : c));
    }

    sealed record Names(IReadOnlyDictionary<string, string> Cpis, IReadOnlyDictionary<string, string> Comuni);

    static async Task<Names> NamesAsync(NpgsqlConnection conn, IEnumerable<Territory> territories, CancellationToken ct)
    {
        const string sql = """
            SELECT 'cpi' AS Kind, code AS Code, name AS Name FROM cpi_offices WHERE code = ANY(@cpis)
            UNION ALL
            SELECT 'comune', code, name FROM comuni WHERE code = ANY(@comuni)
            """;
        var list = territories.ToList();
        var cpis = list.Where(t => t.Cpi is not null).Select(t => t.Cpi!).Distinct().ToArray();
        var comuni = list.SelectMany(t => t.Comuni ?? []).Distinct().ToArray();
        var rows = (await conn.QueryAsync<(string Kind, string Code, string Name)>(new CommandDefinition(sql, new { cpis, comuni }, cancellationToken: ct))).ToList();
        return new Names(
            rows.Where(r => r.Kind == "cpi").ToDictionary(r => r.Code, r => r.Name),
            rows.Where(r => r.Kind == "comune").ToDictionary(r => r.Code, r => r.Name));
    }

    sealed record StatsRow(long Id, DateOnly? LastRunOn, int? LastSelected, long Waiting);

    sealed record RunRow(DateOnly RunOn, DateOnly AsOf, string Trigger, DateTime FinishedAt, string Cascade);
}
