using Dialer.Core.Accounts;
using Dialer.Core.PhoneNumbers;

namespace Dialer.Core.Operators;

/// <summary>Operators as administrators define them: created or changed by identity, listed, found.</summary>
public sealed class OperatorDirectory(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>
    /// Creates the operator (signed out) or changes the one with this identity; its campaigns are replaced by the
    /// profile's (none: every campaign). Returns the operator and whether it was new.
    /// </summary>
    public async Task<(Operator Operator, bool Created)> SaveAsync(OperatorProfile profile, CancellationToken ct)
    {
        var errors = profile.Validate();
        if (errors.Count > 0) throw new OperatorValidationException(errors);
        const string upsert = """
            INSERT INTO operators (identity, display_name, cpi_code, phone_e164, active, created_at, updated_at)
            VALUES (@Identity, @DisplayName, @CpiCode, @Phone, @Active, @now, @now)
            ON CONFLICT (identity) DO UPDATE
            SET    display_name = excluded.display_name, cpi_code = excluded.cpi_code, phone_e164 = excluded.phone_e164,
                   active = excluded.active, updated_at = excluded.updated_at
            RETURNING id, (xmax = 0) AS created
            """;
        const string presence = """
            WITH added AS (
                INSERT INTO operator_presence (operator_id, state, since) VALUES (@id, 'signed_out', @now)
                ON CONFLICT (operator_id) DO NOTHING
                RETURNING operator_id, since
            )
            INSERT INTO operator_presence_history (operator_id, state, at) SELECT operator_id, 'signed_out', since FROM added
            """;
        const string campaigns = """
            DELETE FROM operator_campaigns WHERE operator_id = @id;
            INSERT INTO operator_campaigns (operator_id, campaign_id) SELECT @id, id FROM campaigns WHERE slug = ANY(@slugs);
            """;
        const string known = "SELECT slug FROM campaigns WHERE slug = ANY(@slugs)";
        var slugs = (profile.Campaigns ?? []).Select(s => s.Trim()).Distinct().ToArray();
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var (id, created) = await conn.QuerySingleAsync<(long, bool)>(new CommandDefinition(upsert, new
        {
            profile.Identity,
            DisplayName = profile.DisplayName!.Trim(),
            CpiCode = profile.CpiCode?.Trim().ToUpperInvariant(),
            Phone = profile.Phone is null ? null : PhoneNumber.Parse(profile.Phone).E164,
            profile.Active,
            now,
        }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(presence, new { id, now }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(campaigns, new { id, slugs }, tx, cancellationToken: ct));
        var linked = (await conn.QueryAsync<string>(new CommandDefinition(known, new { slugs }, tx, cancellationToken: ct))).ToHashSet();
        var unknown = slugs.Where(s => !linked.Contains(s)).ToList();
        if (unknown.Count > 0)
            throw new OperatorValidationException(unknown.Select(s => Text.T($"campaigns: nessuna campagna \"{s}\".", $"campaigns: no campaign \"{s}\".")).ToList());
        await tx.CommitAsync(ct);
        return ((await FindAsync(profile.Identity, ct))!, created);
    }

    /// <summary>
    /// An operator account's profile (docs/accounts.md): created signed out, for every campaign, with the account's
    /// name, when the account is made an operator; an existing profile is left as it is. The one place this rule lives,
    /// for the admin pages, <c>PUT /api/users</c>, <c>dialer users add</c> and an operator's sign-in through the
    /// identity provider (<paramref name="identity"/> and <paramref name="displayName"/> then come from its token).
    /// </summary>
    public async Task<Operator> EnsureProfileAsync(string identity, string displayName, CancellationToken ct) =>
        await FindAsync(identity, ct) ?? (await SaveAsync(new OperatorProfile(identity, displayName), ct)).Operator;

    /// <inheritdoc cref="EnsureProfileAsync(string, string, CancellationToken)"/>
    public Task<Operator> EnsureProfileAsync(UserAccount account, CancellationToken ct) => EnsureProfileAsync(account.Username, account.DisplayName, ct);

    public async Task<Operator?> FindAsync(string identity, CancellationToken ct) =>
        (await QueryAsync("WHERE o.identity = @identity", new { identity }, ct)).SingleOrDefault();

    public Task<IReadOnlyList<Operator>> ListAsync(CancellationToken ct) => QueryAsync("", null, ct);

    async Task<IReadOnlyList<Operator>> QueryAsync(string where, object? parameters, CancellationToken ct)
    {
        var sql = $"""
            SELECT o.id AS Id, o.identity AS Identity, o.display_name AS DisplayName, o.cpi_code AS CpiCode, o.phone_e164 AS PhoneE164,
                   o.active AS Active,
                   coalesce((SELECT string_agg(c.slug, ',' ORDER BY c.slug) FROM operator_campaigns oc JOIN campaigns c ON c.id = oc.campaign_id
                             WHERE oc.operator_id = o.id), '') AS Campaigns
            FROM   operators o
            {where}
            ORDER  BY o.identity
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(sql, parameters, cancellationToken: ct));
        return rows.Select(r => new Operator(r.Id, r.Identity, r.DisplayName, r.CpiCode, r.PhoneE164, r.Active,
            r.Campaigns.Split(',', StringSplitOptions.RemoveEmptyEntries))).ToList();
    }

    sealed record Row(long Id, string Identity, string DisplayName, string? CpiCode, string? PhoneE164, bool Active, string Campaigns);   // slugs (which never contain commas), comma-separated
}
