using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Dialer.Core.Database;

/// <summary>
/// Makes sure <c>ConnectionStrings:Dialer</c> is set before a host is built: when it is not configured,
/// starts (or finds) the embedded PostgreSQL and sets it; disposing stops the cluster if this process started it.
/// </summary>
public sealed class DatabaseAttachment : IAsyncDisposable
{
    public const string ConnectionStringName = "Dialer";

    readonly EmbeddedPostgres? embedded;

    DatabaseAttachment(string connectionString, EmbeddedPostgres? embedded)
    {
        ConnectionString = connectionString;
        this.embedded = embedded;
    }

    public string ConnectionString { get; }

    /// <summary>True when the database is the embedded cluster rather than a configured server.</summary>
    public bool IsEmbedded => embedded is not null;

    public static async Task<DatabaseAttachment> AttachAsync(IConfigurationManager configuration, ILoggerFactory loggers, CancellationToken ct = default)
    {
        var configured = configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(configured)) return new DatabaseAttachment(configured, null);

        var options = configuration.GetSection(EmbeddedPostgresOptions.Section).Get<EmbeddedPostgresOptions>() ?? new();
        var embedded = new EmbeddedPostgres(options, loggers.CreateLogger<EmbeddedPostgres>());
        var connectionString = await embedded.StartAsync(ct);
        configuration[$"ConnectionStrings:{ConnectionStringName}"] = connectionString;
        return new DatabaseAttachment(connectionString, embedded);
    }

    public async ValueTask DisposeAsync()
    {
        if (embedded is not null) await embedded.StopIfOwnedAsync(CancellationToken.None);
    }
}
