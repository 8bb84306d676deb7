namespace Dialer.Core.Database;

/// <summary>
/// Where and how the embedded PostgreSQL cluster runs when no <c>ConnectionStrings:Dialer</c> is configured.
/// </summary>
public sealed class EmbeddedPostgresOptions
{
    public const string Section = "Database:Embedded";

    /// <summary>
    /// Folder that holds the cluster (<c>data/</c>, <c>server.log</c>, the socket, the password).
    /// Empty means the default: <c>/var/tmp/dialer/postgres</c> for root (the <c>postgres</c> user must be
    /// able to reach it, which a home folder with mode 700 is not), else <c>$XDG_DATA_HOME/dialer/postgres</c>.
    /// </summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Folder with initdb, pg_ctl and postgres. Empty means the newest /usr/lib/postgresql/N/bin, else PATH.</summary>
    public string BinDirectory { get; set; } = "";

    /// <summary>Loopback port; 55432 keeps clear of a system PostgreSQL on 5432.</summary>
    public int Port { get; set; } = 55432;

    /// <summary>The application database created in the cluster.</summary>
    public string Database { get; set; } = "dialer";

    public string ResolveDataDirectory()
    {
        if (!string.IsNullOrWhiteSpace(DataDirectory)) return Path.GetFullPath(DataDirectory);
        if (UnixUser.IsRoot) return "/var/tmp/dialer/postgres";
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome))
            dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(dataHome, "dialer", "postgres");
    }
}
