using System.Net.Sockets;
using System.Net;
using Dialer.Core.Database;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Database;

/// <summary>A cluster of its own in a temporary folder, on a free port, so the shared test cluster is untouched.</summary>
public sealed class EmbeddedPostgresTests
{
    string root = "";
    EmbeddedPostgresOptions options = new();

    [SetUp]
    public void NewClusterFolder()
    {
        // Under /var/tmp rather than the checkout: as root the server runs as 'postgres', which must reach the folder.
        root = Path.Combine("/var/tmp", $"dialer-embedded-test-{Guid.NewGuid():N}");
        options = new EmbeddedPostgresOptions { DataDirectory = root, Port = FreePort(), Database = "dialer_embedded" };
    }

    [TearDown]
    public async Task RemoveClusterAsync()
    {
        await Cluster().StopAsync(CancellationToken.None);
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Test]
    public async Task Start_initialises_a_loopback_cluster_with_the_application_database()
    {
        var cluster = Cluster();

        var cs = await cluster.StartAsync(CancellationToken.None);

        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        var (database, address) = await conn.QuerySingleAsync<(string, string)>("SELECT current_database(), current_setting('listen_addresses')");
        var status = await cluster.StatusAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(database, Is.EqualTo("dialer_embedded"));
            Assert.That(address, Is.EqualTo("127.0.0.1"));
            Assert.That(status.Running, Is.True);
            Assert.That(status.Port, Is.EqualTo(options.Port));
            Assert.That(new NpgsqlConnectionStringBuilder(cs).Host, Is.EqualTo("127.0.0.1"));
        });
    }

    [Test]
    public async Task A_second_process_reuses_the_running_cluster_and_does_not_stop_it()
    {
        var owner = Cluster();
        await owner.StartAsync(CancellationToken.None);
        var pid = (await owner.StatusAsync(CancellationToken.None)).Pid;
        var reuser = Cluster();

        var cs = await reuser.StartAsync(CancellationToken.None);
        await reuser.StopIfOwnedAsync(CancellationToken.None);

        var status = await owner.StatusAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(status.Running, Is.True, "the reuser did not start it, so it must not stop it");
            Assert.That(status.Pid, Is.EqualTo(pid));
            Assert.That(cs, Is.Not.Empty);
        });
    }

    [Test]
    public async Task The_owner_stops_it_on_exit_and_the_data_survives_a_restart()
    {
        var owner = Cluster();
        var cs = await owner.StartAsync(CancellationToken.None);
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await conn.ExecuteAsync("CREATE TABLE kept (n int); INSERT INTO kept VALUES (42);");
        }

        await owner.StopIfOwnedAsync(CancellationToken.None);
        var stopped = await owner.StatusAsync(CancellationToken.None);
        var again = Cluster();
        var cs2 = await again.StartAsync(CancellationToken.None);
        await using var conn2 = new NpgsqlConnection(cs2);
        await conn2.OpenAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(stopped.Running, Is.False);
            Assert.That(stopped.Initialised, Is.True);
            Assert.That(await conn2.ExecuteScalarAsync<int>("SELECT n FROM kept"), Is.EqualTo(42));
        });
    }

    [Test]
    public async Task The_owner_leaves_it_running_while_another_process_is_connected()
    {
        var owner = Cluster();
        var cs = await owner.StartAsync(CancellationToken.None);
        // Another process's connection carries another application name.
        var other = new NpgsqlConnectionStringBuilder(cs) { ApplicationName = "dialer:someone-else", Pooling = false };
        await using var conn = new NpgsqlConnection(other.ConnectionString);
        await conn.OpenAsync();

        await owner.StopIfOwnedAsync(CancellationToken.None);

        Assert.That((await owner.StatusAsync(CancellationToken.None)).Running, Is.True);
    }

    [Test]
    public void A_busy_port_gets_an_error_that_says_what_to_change()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        options.Port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var ex = Assert.ThrowsAsync<EmbeddedPostgresException>(() => Cluster().StartAsync(CancellationToken.None));

        Assert.That(ex!.Message, Does.Contain($"Port {options.Port}").And.Contain("Database:Embedded:Port"));
    }

    [Test]
    public void A_configured_folder_without_binaries_is_named_in_the_error()
    {
        var ex = Assert.Throws<EmbeddedPostgresException>(() => EmbeddedPostgres.FindBinaries("/nonexistent/pg/bin"));

        Assert.That(ex!.Message, Does.Contain("/nonexistent/pg/bin").And.Contain("initdb"));
    }

    EmbeddedPostgres Cluster() => new(options, NullLogger<EmbeddedPostgres>.Instance);

    static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
