namespace Dialer.Core.Campaigns;

/// <summary>Campaign documents: applied (created or replaced) by slug, listed, found.</summary>
public sealed class CampaignStore(NpgsqlDataSource db)
{
    /// <summary>Creates or replaces the campaign with this document's slug; returns it and whether it was new.</summary>
    public async Task<(Campaign Campaign, bool Created)> ApplyAsync(CampaignDefinition definition, CancellationToken ct)
    {
        var errors = definition.Validate();
        if (errors.Count > 0) throw new CampaignValidationException(errors);
        const string sql = """
            INSERT INTO campaigns (slug, name, active, caller_id, definition)
            VALUES (@Slug, @Name, @Active, @CallerId, @Definition::jsonb)
            ON CONFLICT (slug) DO UPDATE
            SET    name = excluded.name, active = excluded.active, caller_id = excluded.caller_id,
                   definition = excluded.definition, updated_at = now()
            RETURNING id, (xmax = 0) AS created
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var (id, created) = await conn.QuerySingleAsync<(long, bool)>(new CommandDefinition(sql,
            new { definition.Slug, definition.Name, definition.Active, definition.CallerId, Definition = definition.ToJson() },
            cancellationToken: ct));
        return ((await FindAsync(definition.Slug, ct))!, created);
    }

    /// <summary>
    /// Sets whether the campaign dials, in the column and in the kept document alike (so that the document shown back,
    /// and applied again, says the same); returns whether it was active before, or null when there is no such campaign.
    /// </summary>
    public async Task<bool?> SetActiveAsync(string slug, bool active, CancellationToken ct)
    {
        const string sql = """
            WITH before AS (SELECT id, active FROM campaigns WHERE slug = @slug FOR UPDATE)
            UPDATE campaigns c
            SET    active = @active, definition = jsonb_set(c.definition, '{active}', to_jsonb(@active)),
                   updated_at = CASE WHEN before.active = @active THEN c.updated_at ELSE now() END
            FROM   before
            WHERE  c.id = before.id
            RETURNING before.active
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition(sql, new { slug, active }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Campaign>> ListAsync(CancellationToken ct)
    {
        const string sql = $"{SelectCampaign} ORDER BY slug";
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => r.ToCampaign()).ToList();
    }

    const string SelectCampaign =
        "SELECT id AS Id, slug AS Slug, name AS Name, active AS Active, definition::text AS Definition, updated_at AS UpdatedAt FROM campaigns";

    public Task<Campaign?> FindAsync(string slug, CancellationToken ct) => FindOneAsync($"{SelectCampaign} WHERE slug = @slug", new { slug }, ct);

    /// <summary>By id: the dialing engine knows an attempt's campaign by its id.</summary>
    public Task<Campaign?> FindAsync(long id, CancellationToken ct) => FindOneAsync($"{SelectCampaign} WHERE id = @id", new { id }, ct);

    async Task<Campaign?> FindOneAsync(string sql, object args, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, args, cancellationToken: ct));
        return row?.ToCampaign();
    }

    // Columns are aliased to the parameter names: positional records do not rely on Dapper's global underscore setting.
    sealed record Row(long Id, string Slug, string Name, bool Active, string Definition, DateTime UpdatedAt)
    {
        public Campaign ToCampaign() => new(Id, Slug, Name, Active,
            System.Text.Json.JsonSerializer.Deserialize<CampaignDefinition>(Definition, CampaignDefinition.Json)!,
            new DateTimeOffset(DateTime.SpecifyKind(UpdatedAt, DateTimeKind.Utc)));
    }
}
