using System.Security.Cryptography;
using System.Text;
using Dialer.Core.Database;

namespace Dialer.Core.Accounts;

/// <summary>A personal API token as an admin sees it; the secret is shown once, at creation, and never again.</summary>
public sealed record ApiToken(long Id, string Username, string Name, UserRole Role, string CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>A token just created: <see cref="Secret"/> is the only copy (the store keeps its SHA-256).</summary>
public sealed record CreatedApiToken(ApiToken Token, string Secret);

/// <summary>Who a valid token acts as.</summary>
public sealed record TokenBearer(long TokenId, string Username, string DisplayName, UserRole Role, string TokenName, string Language = "it");

/// <summary>
/// Personal API tokens for IT's scripts (a nightly <c>POST /api/notices</c>): created by an admin for an account, scoped
/// to a role that account holds, revocable, optionally expiring (docs/accounts.md). The secret is 256 random bits with a
/// <c>dlr_</c> prefix, so that secret scanners recognise it; only its SHA-256 is stored.
/// </summary>
public sealed class ApiTokens(NpgsqlDataSource db, TimeProvider time)
{
    public const string Prefix = "dlr_";

    /// <summary>What the audit log keeps of a token: never its secret.</summary>
    public static object AuditDetail(ApiToken token) =>
        new { token.Username, token.Name, role = UserAccounts.RoleCode(token.Role), token.ExpiresAt };

    // A token's last use is written at most this often, so that a script's calls do not each cost a write.
    static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    const string Columns = """
        t.id AS Id, u.username AS Username, t.name AS Name, t.role AS Role, t.created_by AS CreatedBy, t.created_at AS CreatedAt,
        t.expires_at AS ExpiresAt, t.revoked_at AS RevokedAt, t.last_used_at AS LastUsedAt
        """;

    /// <exception cref="UserAccountException">No such account, a role the account does not hold, a bad name or expiry.</exception>
    public async Task<CreatedApiToken> CreateAsync(string username, string name, UserRole role, DateTimeOffset? expiresAt, string createdBy,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100) errors.Add(Text.T("name: obbligatorio, al massimo 100 caratteri (dire a che cosa serve il token).", "name: required, at most 100 characters (say what the token is for)."));
        if (expiresAt is { } e && e <= now) errors.Add(Text.T("expiresAt: deve essere nel futuro.", "expiresAt: must be in the future."));
        await using var conn = await db.OpenConnectionAsync(ct);
        var user = await conn.QuerySingleOrDefaultAsync<(long Id, string Role, bool Active)>(new CommandDefinition(
            "SELECT id, role, active FROM user_accounts WHERE username = @username", new { username }, cancellationToken: ct));
        if (user.Id == 0) errors.Add(Text.T($"username: non esiste l'account \"{username}\".", $"username: there is no account \"{username}\"."));
        else if (!Covers(UserAccounts.ParseRole(user.Role)!.Value, role))
            errors.Add(Text.T($"role: l'account \"{username}\" ha il ruolo {user.Role}; un suo token può avere solo quel ruolo (quello di un admin anche supervisor).", $"role: the account \"{username}\" has the role {user.Role}; its tokens can only have that role (an admin's also supervisor)."));
        else if (!user.Active) errors.Add(Text.T($"username: l'account \"{username}\" è disattivato.", $"username: the account \"{username}\" is deactivated."));
        if (errors.Count > 0) throw new UserAccountException(errors);

        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        const string sql = $"""
            WITH t AS (
                INSERT INTO api_tokens (user_id, name, role, secret_sha256, created_by, created_at, expires_at)
                VALUES (@userId, @name, @role, @hash, @createdBy, @now, @expiresAt)
                RETURNING *
            )
            SELECT {Columns} FROM t JOIN user_accounts u ON u.id = t.user_id
            """;
        var row = await conn.QuerySingleAsync<Row>(new CommandDefinition(sql, new
        {
            userId = user.Id, name = name.Trim(), role = UserAccounts.RoleCode(role), hash = Hash(secret), createdBy, now, expiresAt,
        }, cancellationToken: ct));
        return new CreatedApiToken(row.ToToken(), secret);
    }

    public async Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM api_tokens t JOIN user_accounts u ON u.id = t.user_id ORDER BY t.revoked_at IS NOT NULL, u.username, t.name",
            cancellationToken: ct));
        return rows.Select(r => r.ToToken()).ToList();
    }

    /// <summary>Revokes a token at once; false when there is no such token or it was already revoked.</summary>
    public async Task<bool> RevokeAsync(long id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL", new { id, now = time.GetUtcNow() },
            cancellationToken: ct)) == 1;
    }

    /// <summary>
    /// Who the secret acts as, or null: unknown, revoked, expired, or its account deactivated or no longer holding the
    /// role. Costs one indexed read, and a write at most once a minute per token.
    /// </summary>
    public async Task<TokenBearer?> AuthenticateAsync(string secret, CancellationToken ct)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal) || secret.Length > 100) return null;
        var now = time.GetUtcNow();
        const string sql = """
            SELECT t.id AS TokenId, u.username AS Username, u.display_name AS DisplayName, t.role AS Role, u.role AS AccountRole,
                   t.name AS TokenName, t.last_used_at AS LastUsedAt, u.language AS Language
            FROM   api_tokens t JOIN user_accounts u ON u.id = t.user_id
            WHERE  t.secret_sha256 = @hash AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > @now) AND u.active
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<BearerRow>(new CommandDefinition(sql, new { hash = Hash(secret), now }, cancellationToken: ct));
        if (row is null || UserAccounts.ParseRole(row.Role) is not { } role || UserAccounts.ParseRole(row.AccountRole) is not { } accountRole
            || !Covers(accountRole, role)) return null;
        if (row.LastUsedAt.AsUtc() is not { } used || now - used >= LastUseResolution)
            await conn.ExecuteAsync(new CommandDefinition("UPDATE api_tokens SET last_used_at = @now WHERE id = @id",
                new { id = row.TokenId, now }, cancellationToken: ct));
        return new TokenBearer(row.TokenId, row.Username, row.DisplayName, role, row.TokenName, row.Language);
    }

    /// <summary>An account may hold a token of its own role; an admin's may also be a supervisor's (read-only scripts).</summary>
    static bool Covers(UserRole account, UserRole token) => account == token || (account == UserRole.Admin && token == UserRole.Supervisor);

    static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    sealed record BearerRow(long TokenId, string Username, string DisplayName, string Role, string AccountRole, string TokenName, DateTime? LastUsedAt,
        string Language);

    sealed record Row(long Id, string Username, string Name, string Role, string CreatedBy, DateTime CreatedAt, DateTime? ExpiresAt,
        DateTime? RevokedAt, DateTime? LastUsedAt)
    {
        public ApiToken ToToken() => new(Id, Username, Name, UserAccounts.ParseRole(Role)!.Value, CreatedBy, CreatedAt.AsUtc(), ExpiresAt.AsUtc(),
            RevokedAt.AsUtc(), LastUsedAt.AsUtc());
    }
}
