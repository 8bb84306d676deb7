using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Dialer.Core.Database;

/// <summary>
/// A private PostgreSQL cluster started from the machine's installed server binaries, the default
/// database when no connection string is configured.
/// </summary>
/// <remarks>
/// Lifecycle: the cluster is initialised on first use, listens on 127.0.0.1 only, and is found again
/// by its data directory. <see cref="StartAsync"/> reuses a running cluster or starts a stopped one;
/// the process that started it owns it and stops it on exit (<see cref="StopIfOwnedAsync"/>), unless
/// another process is still connected, in which case it is left for that process. A cluster left by
/// a process that was killed is simply reused next time; <c>dialer db stop</c> stops it by hand.
/// As root, every PostgreSQL tool runs as the <c>postgres</c> system user, since initdb refuses root.
/// </remarks>
public sealed class EmbeddedPostgres(EmbeddedPostgresOptions options, ILogger<EmbeddedPostgres> logger)
{
    const string SystemUser = "postgres";
    const string Superuser = "postgres";

    // The settings docs/performance-targets.md measured with, so that benchmarks here compare with its figures.
    static readonly string[] ServerSettings =
    [
        "listen_addresses = '127.0.0.1'",
        "shared_buffers = '1GB'",
        "work_mem = '64MB'",
        "maintenance_work_mem = '512MB'",
        "max_wal_size = '8GB'",
        "random_page_cost = 1.1",
        "max_connections = 200",
        "synchronous_commit = on",
        "fsync = on",
    ];

    readonly string root = options.ResolveDataDirectory();
    bool ownedByThisProcess;

    public string RootDirectory => root;
    string DataDirectory => Path.Combine(root, "data");
    string SocketDirectory => Path.Combine(root, "socket");
    string LogFile => Path.Combine(root, "server.log");
    string PasswordFile => Path.Combine(root, "password");
    string LockFile => Path.Combine(root, "dialer.lock");

    /// <summary>Starts the cluster, or finds it running, and makes sure the application database exists.</summary>
    /// <returns>The connection string of the application database.</returns>
    public async Task<string> StartAsync(CancellationToken ct)
    {
        var bin = FindBinaries(options.BinDirectory);
        Directory.CreateDirectory(root);
        await using (await LockAsync(ct))
        {
            if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION"))) await InitialiseAsync(bin, ct);
            var status = await StatusAsync(ct);
            if (!status.Running)
            {
                EnsurePortIsFree(options.Port);
                logger.LogInformation("Starting embedded PostgreSQL in {DataDirectory} on 127.0.0.1:{Port}", DataDirectory, options.Port);
                await RunToolAsync(bin, "pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60",
                    "-o", $"-p {options.Port} -k {SocketDirectory}", "start"], ct);
                ownedByThisProcess = true;
            }
            else
            {
                logger.LogInformation("Reusing embedded PostgreSQL (pid {Pid}) on 127.0.0.1:{Port}", status.Pid, status.Port);
            }
        }
        var cs = ConnectionString(options.Database);
        await EnsureDatabaseAsync(options.Database, ct);
        return cs;
    }

    /// <summary>The connection string of a database in this cluster (running or not).</summary>
    public string ConnectionString(string database)
    {
        var port = ReadPostmasterPort() ?? options.Port;
        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = Superuser,
            Password = File.Exists(PasswordFile) ? File.ReadAllText(PasswordFile).Trim() : null,
            Database = database,
            ApplicationName = ApplicationName,
        }.ConnectionString;
    }

    /// <summary>Creates a database in the cluster if it does not exist yet.</summary>
    public Task EnsureDatabaseAsync(string database, CancellationToken ct) =>
        DatabaseServer.EnsureDatabaseAsync(ConnectionString("postgres"), database, ct);

    public async Task<EmbeddedPostgresStatus> StatusAsync(CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
            return new EmbeddedPostgresStatus(false, false, null, null, DataDirectory);
        var bin = FindBinaries(options.BinDirectory);
        var exit = await RunToolAsync(bin, "pg_ctl", ["-D", DataDirectory, "status"], ct, allowFailure: true);
        var running = exit == 0;
        return new EmbeddedPostgresStatus(true, running, running ? ReadPostmasterPid() : null,
            running ? ReadPostmasterPort() : null, DataDirectory);
    }

    /// <summary>Stops the cluster if this process started it and no other process is connected.</summary>
    public async Task StopIfOwnedAsync(CancellationToken ct)
    {
        if (!ownedByThisProcess) return;
        ownedByThisProcess = false;
        NpgsqlConnection.ClearAllPools();
        var others = await CountOtherClientsAsync(ct);
        if (others > 0)
        {
            logger.LogInformation("Leaving embedded PostgreSQL running: {Clients} other client connection(s)", others);
            return;
        }
        await StopAsync(ct);
    }

    /// <summary>Stops the cluster whoever started it (fast shutdown: clients are disconnected).</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (!(await StatusAsync(ct)).Running) return;
        var bin = FindBinaries(options.BinDirectory);
        await using (await LockAsync(ct))
        {
            if (!(await StatusAsync(ct)).Running) return;
            logger.LogInformation("Stopping embedded PostgreSQL in {DataDirectory}", DataDirectory);
            await RunToolAsync(bin, "pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], ct);
        }
    }

    static string ApplicationName => $"dialer:{Environment.ProcessId}";

    async Task<long> CountOtherClientsAsync(CancellationToken ct)
    {
        try
        {
            await using var conn = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
            await conn.OpenAsync(ct);
            const string sql = """
                SELECT count(*)
                FROM   pg_stat_activity
                WHERE  backend_type = 'client backend'
                  AND  pid <> pg_backend_pid()
                  AND  application_name <> @mine
                """;
            return await conn.ExecuteScalarAsync<long>(new CommandDefinition(sql, new { mine = ApplicationName }, cancellationToken: ct));
        }
        catch (NpgsqlException)
        {
            return 0;
        }
    }

    async Task InitialiseAsync(string bin, CancellationToken ct)
    {
        logger.LogInformation("Initialising embedded PostgreSQL cluster in {DataDirectory}", DataDirectory);
        Directory.CreateDirectory(SocketDirectory);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(18)).ToLowerInvariant();
        var pwfile = Path.Combine(root, "initdb.pw");
        await File.WriteAllTextAsync(pwfile, password, ct);
        try
        {
            if (UnixUser.IsRoot) await ChownToPostgresAsync(ct, root, SocketDirectory, pwfile);
            // Host connections need the password; local socket connections (only pg_ctl's) use peer auth.
            await RunToolAsync(bin, "initdb", ["-D", DataDirectory, "-U", Superuser, "--pwfile", pwfile,
                "--auth-host=scram-sha-256", "--auth-local=peer", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], ct);
        }
        finally
        {
            File.Delete(pwfile);
        }
        await File.WriteAllTextAsync(PasswordFile, password, ct);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var conf = Path.Combine(DataDirectory, "postgresql.auto.conf");
        await File.AppendAllLinesAsync(conf,
            ["# Written by Dialer's embedded PostgreSQL (Dialer.Core/Database/EmbeddedPostgres.cs)", .. ServerSettings], ct);
    }

    static async Task ChownToPostgresAsync(CancellationToken ct, params string[] paths)
    {
        var psi = new ProcessStartInfo("chown") { RedirectStandardError = true };
        psi.ArgumentList.Add($"{SystemUser}:");
        foreach (var p in paths) psi.ArgumentList.Add(p);
        using var process = Process.Start(psi)!;
        var stderr = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new EmbeddedPostgresException(
                $"Could not hand {paths[0]} to the '{SystemUser}' user: {stderr.Trim()}. " +
                $"If the user is missing, create it with: useradd --system --home-dir /var/lib/postgresql --shell /bin/bash {SystemUser}");
    }

    async Task<int> RunToolAsync(string bin, string tool, IReadOnlyList<string> args, CancellationToken ct, bool allowFailure = false)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        var exe = Path.Combine(bin, tool);
        if (UnixUser.IsRoot)
        {
            psi.FileName = "runuser";
            foreach (var a in new[] { "-u", SystemUser, "--", exe }) psi.ArgumentList.Add(a);
        }
        else
        {
            psi.FileName = exe;
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        // pg_ctl's child server inherits our stdout/stderr unless they are redirected to files, and an
        // inherited pipe would keep ReadToEnd waiting for the server's lifetime: -l sends it to the log.
        using var process = Process.Start(psi) ?? throw new EmbeddedPostgresException($"Could not start {exe}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0 && !allowFailure)
        {
            var log = File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(15)) : "";
            throw new EmbeddedPostgresException(
                $"{tool} failed with exit code {process.ExitCode}: {(await stderr).Trim()} {(await stdout).Trim()}\n" +
                (log.Length > 0 ? $"Last lines of {LogFile}:\n{log}" : ""));
        }
        return process.ExitCode;
    }

    async Task<IAsyncDisposable> LockAsync(CancellationToken ct)
    {
        // A file lock serialises init, start and stop between processes sharing the cluster.
        Directory.CreateDirectory(root);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                return new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (ex is not (DirectoryNotFoundException or FileNotFoundException) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, ct);
            }
        }
    }

    int? ReadPostmasterPid() => ReadPostmasterLine(0);
    int? ReadPostmasterPort() => ReadPostmasterLine(3);

    int? ReadPostmasterLine(int index)
    {
        // postmaster.pid: pid, data directory, start time, port, socket directory, listen address, ...
        var path = Path.Combine(DataDirectory, "postmaster.pid");
        try
        {
            var lines = File.ReadAllLines(path);
            return lines.Length > index && int.TryParse(lines[index].Trim(), CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    static void EnsurePortIsFree(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect("127.0.0.1", port);
        }
        catch (SocketException)
        {
            return;
        }
        throw new EmbeddedPostgresException(
            $"Port {port} on 127.0.0.1 is already used by another program, so the embedded PostgreSQL cannot start there. " +
            "Set Database:Embedded:Port (environment variable Database__Embedded__Port) to a free port, " +
            "or point ConnectionStrings:Dialer at an existing server.");
    }

    /// <summary>The folder holding initdb, pg_ctl and postgres, or an error that says what to install.</summary>
    public static string FindBinaries(string configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(Path.Combine(configured, "initdb"))
                ? configured
                : throw new EmbeddedPostgresException($"Database:Embedded:BinDirectory is '{configured}', but it has no initdb.");
        }
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => (dir: Path.Combine(d, "bin"), version: int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(x => File.Exists(Path.Combine(x.dir, "initdb")))
                .OrderByDescending(x => x.version)
                .Select(x => x.dir)
                .FirstOrDefault();
            if (newest is not null) return newest;
        }
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        return onPath ?? throw new EmbeddedPostgresException(
            "No ConnectionStrings:Dialer is configured, so Dialer would start its embedded PostgreSQL, but the PostgreSQL " +
            "server binaries (initdb, pg_ctl, postgres) are not installed. Install them with:\n" +
            "    sudo apt-get install -y postgresql\n" +
            "or set ConnectionStrings:Dialer (environment variable ConnectionStrings__Dialer) to an existing server.");
    }
}

public sealed record EmbeddedPostgresStatus(bool Initialised, bool Running, int? Pid, int? Port, string DataDirectory);

public sealed class EmbeddedPostgresException(string message) : DatabaseNotReadyException(message);
