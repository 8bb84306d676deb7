using System.Text.RegularExpressions;
using Dialer.Core.Database;
using Microsoft.AspNetCore.Identity;

namespace Dialer.Core.Accounts;

/// <summary>What a signed-in user may do: operators work the queue, supervisors watch, admins manage (docs/accounts.md).</summary>
public enum UserRole
{
    Operator,
    Supervisor,
    Admin,
}

/// <summary>
/// A local account (table user_accounts, migration 0500); the password hash never leaves the store. The security stamp
/// changes with the role, the password or deactivation, which ends the sessions issued before (docs/accounts.md).
/// </summary>
public sealed record UserAccount(long Id, string Username, string DisplayName, UserRole Role, bool Active, DateTimeOffset? LockedUntil,
    Guid SecurityStamp, string Language = "it");

public enum SignInOutcome
{
    Succeeded,
    /// <summary>Unknown user or wrong password: the caller cannot tell which.</summary>
    Failed,
    LockedOut,
    Inactive,
}

/// <summary>A sign-in attempt's outcome; <see cref="User"/> only when it succeeded, <see cref="LockedUntil"/> when locked out.</summary>
public sealed record SignInResult(SignInOutcome Outcome, UserAccount? User = null, DateTimeOffset? LockedUntil = null);

/// <summary>An account that cannot be saved as given; <see cref="Errors"/> names each field.</summary>
public sealed class UserAccountException(IReadOnlyList<string> errors) : Exception(string.Join(" ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// Local accounts: passwords hashed by ASP.NET Core's <see cref="PasswordHasher{TUser}"/> (PBKDF2-HMAC-SHA512, 100,000
/// iterations, a salt per password), and a lockout of <see cref="LockoutPeriod"/> after <see cref="MaxFailedSignIns"/>
/// failures in a row. A wrong password and an unknown user answer alike (docs/accounts.md).
/// </summary>
public sealed partial class UserAccounts(NpgsqlDataSource db, TimeProvider time)
{
    public const int MinPasswordLength = 12;
    public const int MaxPasswordLength = 256;
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockoutPeriod = TimeSpan.FromMinutes(15);

    // The hasher's format does not depend on the user object: one instance for every account.
    static readonly PasswordHasher<string> Hasher = new();

    // A hash computed once, verified against when the user is unknown, so that an unknown name costs the same time.
    static readonly string DecoyHash = Hasher.HashPassword("", Guid.NewGuid().ToString("N"));

    const string Columns = """
        id AS Id, username AS Username, display_name AS DisplayName, role AS Role, active AS Active, locked_until AS LockedUntil,
        security_stamp AS SecurityStamp, language AS Language
        """;

    /// <summary>Creates an account; refuses an existing username (an account is never replaced by accident).</summary>
    /// <exception cref="UserAccountException">A field is invalid, or the username is taken.</exception>
    public async Task<UserAccount> AddAsync(string username, string displayName, UserRole role, string password, CancellationToken ct)
    {
        var errors = Validate(username, displayName).Concat(ValidatePassword(password, "password")).ToList();
        if (errors.Count > 0) throw new UserAccountException(errors);
        const string sql = $"""
            INSERT INTO user_accounts (username, display_name, role, password_hash, created_at, password_set_at)
            VALUES (@username, @displayName, @role, @hash, @now, @now)
            ON CONFLICT (username) DO NOTHING
            RETURNING {Columns}
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, new
        {
            username, displayName = displayName.Trim(), role = RoleCode(role), hash = Hasher.HashPassword(username, password), now = time.GetUtcNow(),
        }, cancellationToken: ct));
        return row?.ToAccount() ?? throw new UserAccountException([Text.T($"username: l'account \"{username}\" esiste già.", $"username: the account \"{username}\" already exists.")]);
    }

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM user_accounts ORDER BY username", cancellationToken: ct));
        return rows.Select(r => r.ToAccount()).ToList();
    }

    /// <summary>
    /// Checks a password. A failure counts towards the lockout; the <see cref="MaxFailedSignIns"/>-th in a row locks the
    /// account for <see cref="LockoutPeriod"/>, during which even the right password is refused. A success resets the
    /// count (and upgrades the hash if the hasher's format moved on).
    /// </summary>
    public async Task<SignInResult> SignInAsync(string username, string password, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<HashRow>(new CommandDefinition(
            "SELECT id AS Id, password_hash AS Hash, active AS Active, locked_until AS LockedUntil FROM user_accounts WHERE username = @username FOR UPDATE",
            new { username }, tx, cancellationToken: ct));
        if (row is null)
        {
            Hasher.VerifyHashedPassword("", DecoyHash, password);
            return new SignInResult(SignInOutcome.Failed);
        }
        if (row.LockedUntil.AsUtc() is { } locked && locked > now) return new SignInResult(SignInOutcome.LockedOut, LockedUntil: locked);

        var verdict = Hasher.VerifyHashedPassword(username, row.Hash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            const string fail = """
                UPDATE user_accounts
                SET    failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= @max THEN 0 ELSE failed_sign_ins + 1 END,
                       locked_until    = CASE WHEN failed_sign_ins + 1 >= @max THEN @until ELSE locked_until END
                WHERE  id = @id
                RETURNING locked_until
                """;
            var until = (await conn.ExecuteScalarAsync<DateTime?>(new CommandDefinition(fail,
                new { id = row.Id, max = MaxFailedSignIns, until = now + LockoutPeriod }, tx, cancellationToken: ct))).AsUtc();
            await tx.CommitAsync(ct);
            return until is { } u && u > now ? new SignInResult(SignInOutcome.LockedOut, LockedUntil: u) : new SignInResult(SignInOutcome.Failed);
        }
        if (!row.Active)
        {
            await tx.CommitAsync(ct);
            return new SignInResult(SignInOutcome.Inactive);
        }
        var rehash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? Hasher.HashPassword(username, password) : null;
        var account = await conn.QuerySingleAsync<Row>(new CommandDefinition($"""
            UPDATE user_accounts SET failed_sign_ins = 0, locked_until = NULL, password_hash = coalesce(@rehash, password_hash)
            WHERE  id = @id
            RETURNING {Columns}
            """, new { id = row.Id, rehash }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new SignInResult(SignInOutcome.Succeeded, account.ToAccount());
    }

    /// <summary>The user changes their own password, proving the current one (which counts as a sign-in attempt).</summary>
    /// <exception cref="UserAccountException">The current password is wrong, the account is locked, or the new one is too weak.</exception>
    /// <summary>The language the person reads the pages in: "it" or "en". The session keeps its stamp (nothing to end).</summary>
    public async Task<UserAccount> SetLanguageAsync(string username, string language, CancellationToken ct)
    {
        if (language is not ("it" or "en")) throw new UserAccountException([Text.T("language: \"" + language + "\" non è una lingua; it o en.",
            "language: \"" + language + "\" is not a language; it or en.")]);
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"UPDATE user_accounts SET language = @language WHERE username = @username RETURNING {Columns}", new { username, language },
            cancellationToken: ct));
        return row?.ToAccount() ?? throw new UserAccountException([Text.T($"username: nessun account \"{username}\".", $"username: no account \"{username}\".")]);
    }

    public async Task ChangePasswordAsync(string username, string currentPassword, string newPassword, CancellationToken ct)
    {
        var errors = ValidatePassword(newPassword, "newPassword").ToList();
        if (newPassword == currentPassword) errors.Add(Text.T("newPassword: la nuova password è uguale a quella attuale.", "newPassword: the new password is the same as the current one."));
        if (errors.Count > 0) throw new UserAccountException(errors);
        var check = await SignInAsync(username, currentPassword, ct);
        if (check.Outcome != SignInOutcome.Succeeded)
            throw new UserAccountException([check.Outcome == SignInOutcome.LockedOut
                ? Text.T("currentPassword: troppi tentativi non riusciti; l'account è bloccato per qualche minuto.", "currentPassword: too many failed attempts; the account is locked for a few minutes.")
                : Text.T("currentPassword: non è la password attuale.", "currentPassword: this is not the current password.")]);
        const string sql = "UPDATE user_accounts SET password_hash = @hash, password_set_at = @now, security_stamp = gen_random_uuid() WHERE username = @username";
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { username, hash = Hasher.HashPassword(username, newPassword), now = time.GetUtcNow() },
            cancellationToken: ct));
    }

    public static string RoleCode(UserRole role) => role.ToString().ToLowerInvariant();

    /// <summary>The role as the pages name it.</summary>
    public static string RoleLabel(UserRole role) => role switch
    {
        UserRole.Operator => Text.T("Operatore", "Operator"),
        UserRole.Supervisor => Text.T("Supervisore", "Supervisor"),
        _ => Text.T("Amministratore", "Administrator"),
    };

    /// <summary>The one wording of a missing or unknown role, for the API, the pages and the command line.</summary>
    public static string UnknownRole(string field, string? code) => string.IsNullOrWhiteSpace(code)
        ? Text.T($"{field}: scegliere un ruolo (operator, supervisor, admin).", $"{field}: choose a role (operator, supervisor, admin).")
        : Text.T($"{field}: \"{code}\" non è un ruolo; uno tra operator, supervisor, admin.", $"{field}: \"{code}\" is not a role; one of operator, supervisor, admin.");

    /// <summary>What the audit log keeps of an account change: never the password, only whether it was set.</summary>
    public static object AuditDetail(UserAccount account, string change, bool passwordSet) =>
        new { change, role = RoleCode(account.Role), account.Active, passwordSet };

    /// <summary>A role from its code (operator, supervisor, admin); null for anything else.</summary>
    public static UserRole? ParseRole(string? code) =>
        Enum.GetValues<UserRole>().Cast<UserRole?>().FirstOrDefault(r => RoleCode(r!.Value) == code?.Trim().ToLowerInvariant());

    public async Task<UserAccount?> FindAsync(string username, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM user_accounts WHERE username = @username", new { username }, cancellationToken: ct));
        return row?.ToAccount();
    }

    /// <summary>
    /// An admin changes an account: its name, role, whether it may sign in, and (optionally) a new password the user
    /// will be asked to replace. A change of role, activity or password ends the account's open sessions.
    /// </summary>
    /// <exception cref="UserAccountException">A field is invalid, or there is no such account.</exception>
    public async Task<UserAccount> UpdateAsync(string username, string displayName, UserRole role, bool active, string? newPassword, CancellationToken ct)
    {
        var errors = Validate(username, displayName).ToList();
        if (newPassword is not null) errors.AddRange(ValidatePassword(newPassword, "password"));
        if (errors.Count > 0) throw new UserAccountException(errors);
        const string sql = $"""
            UPDATE user_accounts
            SET    display_name = @displayName, role = @role, active = @active,
                   password_hash = coalesce(@hash, password_hash),
                   password_set_at = CASE WHEN @hash IS NULL THEN password_set_at ELSE @now END,
                   failed_sign_ins = CASE WHEN @hash IS NULL THEN failed_sign_ins ELSE 0 END,
                   locked_until = CASE WHEN @hash IS NULL THEN locked_until END,
                   security_stamp = CASE WHEN role <> @role OR active <> @active OR @hash IS NOT NULL THEN gen_random_uuid() ELSE security_stamp END
            WHERE  username = @username
            RETURNING {Columns}
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, new
        {
            username, displayName = displayName.Trim(), role = RoleCode(role), active,
            hash = newPassword is null ? null : Hasher.HashPassword(username, newPassword), now = time.GetUtcNow(),
        }, cancellationToken: ct));
        return row?.ToAccount() ?? throw new UserAccountException([Text.T($"username: non esiste l'account \"{username}\".", $"username: there is no account \"{username}\".")]);
    }

    static IEnumerable<string> Validate(string username, string displayName)
    {
        if (!UsernamePattern().IsMatch(username ?? ""))
            yield return Text.T($"username: \"{username}\" deve avere da 3 a 64 caratteri tra lettere minuscole, cifre e . _ @ -, e iniziare con una lettera o una cifra.", $"username: \"{username}\" must have 3 to 64 characters among lower-case letters, digits and . _ @ -, and start with a letter or a digit.");
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Trim().Length > 200) yield return Text.T("name: obbligatorio, al massimo 200 caratteri.", "name: required, at most 200 characters.");
    }

    static IEnumerable<string> ValidatePassword(string password, string field)
    {
        if ((password ?? "").Length < MinPasswordLength) yield return Text.T($"{field}: almeno {MinPasswordLength} caratteri.", $"{field}: at least {MinPasswordLength} characters.");
        else if (password!.Length > MaxPasswordLength) yield return Text.T($"{field}: al massimo {MaxPasswordLength} caratteri.", $"{field}: at most {MaxPasswordLength} characters.");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._@-]{2,63}$")]
    private static partial Regex UsernamePattern();

    sealed record HashRow(long Id, string Hash, bool Active, DateTime? LockedUntil);

    sealed record Row(long Id, string Username, string DisplayName, string Role, bool Active, DateTime? LockedUntil, Guid SecurityStamp,
        string Language)
    {
        public UserAccount ToAccount() =>
            new(Id, Username, DisplayName, ParseRole(Role) ?? throw new InvalidDataException($"Unknown role {Role}."), Active, LockedUntil.AsUtc(),
                SecurityStamp, Language);
    }
}
