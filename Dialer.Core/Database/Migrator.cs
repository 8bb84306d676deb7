using System.Reflection;
using Dialer.Core.Scheduling;
using Microsoft.Extensions.Logging;

namespace Dialer.Core.Database;

/// <summary>
/// Applies the numbered <c>Database/Migrations/NNNN_name.sql</c> scripts embedded in this assembly, in order,
/// each in its own transaction, recording each in <c>schema_migrations</c>; then installs or upgrades the scheduler's
/// schema (<c>hangfire</c>) with Hangfire.PostgreSql's own installer, which keeps its version in <c>hangfire.schema</c>.
/// </summary>
/// <remarks>
/// Runs under a session advisory lock, so the worker, the CLI and the tests can all call it at once.
/// A database holding a version this build does not know was migrated by a newer build: it is refused.
/// </remarks>
public sealed class Migrator(NpgsqlDataSource db, ILogger<Migrator> logger)
{
    // Any constant unique to Dialer; pg_advisory_lock takes a bigint key.
    const long LockKey = 0x4469616C6572_01;

    public static IReadOnlyList<Migration> Embedded { get; } = LoadEmbedded();

    /// <summary>How <see cref="StatusAsync"/> lists a scheduler schema that is missing or older than this build's.</summary>
    public static string SchedulerSchemaPending { get; } = $"{SchedulerStorage.Schema} schema v{SchedulerStorage.SchemaVersion}";

    /// <summary>Applies every pending migration; returns the versions applied.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(IProgress<MigrationProgress>? progress = null, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@LockKey)", new { LockKey }, cancellationToken: ct));
        try
        {
            await conn.ExecuteAsync(new CommandDefinition("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    text        PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken: ct));
            var applied = (await conn.QueryAsync<string>(new CommandDefinition(
                "SELECT version FROM schema_migrations", cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);
            EnsureNoUnknownVersions(applied);

            var pending = Embedded.Where(m => !applied.Contains(m.Version)).ToList();
            var done = new List<string>(pending.Count);
            foreach (var migration in pending)
            {
                progress?.Report(new MigrationProgress(migration.Version, done.Count, pending.Count));
                await using var tx = await conn.BeginTransactionAsync(ct);
                await conn.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: tx, cancellationToken: ct));
                await conn.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version) VALUES (@Version)", new { migration.Version }, tx, cancellationToken: ct));
                await tx.CommitAsync(ct);
                done.Add(migration.Version);
                logger.LogInformation("Applied migration {Version}", migration.Version);
            }
            if (await SchedulerStorage.InstalledSchemaVersionAsync(conn, ct) < SchedulerStorage.SchemaVersion)
            {
                SchedulerStorage.InstallSchema(conn);
                logger.LogInformation("Installed the scheduler's schema {Schema} v{Version}", SchedulerStorage.Schema, SchedulerStorage.SchemaVersion);
            }
            progress?.Report(new MigrationProgress(null, done.Count, pending.Count));
            return done;
        }
        finally
        {
            await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@LockKey)", new { LockKey }, cancellationToken: CancellationToken.None));
        }
    }

    /// <summary>What is applied, what is pending, and what this build does not know.</summary>
    public async Task<MigrationStatus> StatusAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var journalExists = await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT to_regclass('schema_migrations') IS NOT NULL", cancellationToken: ct));
        var applied = journalExists
            ? (await conn.QueryAsync<AppliedMigration>(new CommandDefinition(
                "SELECT version AS Version, applied_at AS AppliedAt FROM schema_migrations ORDER BY version", cancellationToken: ct))).ToList()
            : [];
        var known = Embedded.Select(m => m.Version).ToHashSet(StringComparer.Ordinal);
        var appliedSet = applied.Select(a => a.Version).ToHashSet(StringComparer.Ordinal);
        var pending = Embedded.Where(m => !appliedSet.Contains(m.Version)).Select(m => m.Version).ToList();
        if (await SchedulerStorage.InstalledSchemaVersionAsync(conn, ct) < SchedulerStorage.SchemaVersion)
            pending.Add(SchedulerSchemaPending);
        return new MigrationStatus(
            applied,
            pending,
            applied.Where(a => !known.Contains(a.Version)).Select(a => a.Version).ToList());
    }

    static void EnsureNoUnknownVersions(IReadOnlySet<string> applied)
    {
        var known = Embedded.Select(m => m.Version).ToHashSet(StringComparer.Ordinal);
        var unknown = applied.Where(v => !known.Contains(v)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            throw new UnknownMigrationsException(unknown);
    }

    static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(Migrator).Assembly;
        const string prefix = "Dialer.Core.Database.Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => new Migration(n[prefix.Length..^".sql".Length], Read(assembly, n)))
            .OrderBy(m => m.Version, StringComparer.Ordinal)
            .ToList();
    }

    static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

public sealed record Migration(string Version, string Sql);

public sealed record AppliedMigration(string Version, DateTime AppliedAt);

public sealed record MigrationStatus(IReadOnlyList<AppliedMigration> Applied, IReadOnlyList<string> Pending, IReadOnlyList<string> Unknown)
{
    public bool IsCurrent => Pending.Count == 0 && Unknown.Count == 0;
}

/// <summary>Progress of a migration run: the version being applied (null when finished), how many are done, of how many.</summary>
public sealed record MigrationProgress(string? Current, int Done, int Total);

public sealed class UnknownMigrationsException(IReadOnlyList<string> versions) : DatabaseNotReadyException(
    $"The database has migration(s) this build does not know: {string.Join(", ", versions)}. " +
    "It was migrated by a newer Dialer; run that version (or a newer one), never an older one, against it.")
{
    public IReadOnlyList<string> Versions { get; } = versions;
}

/// <summary>The database cannot be used by this build as it is; the message says what to do.</summary>
public class DatabaseNotReadyException(string message) : Exception(message);
