using System.Net;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Dialer.Core.Accounts;

namespace Dialer.Tests;

/// <summary>
/// The real API (its own Program.cs) on the real Kestrel, on a free loopback port, against the test database
/// or another connection string. <see cref="Client"/> talks to it over real HTTP.
/// </summary>
public sealed class DialerApp : WebApplicationFactory<Dialer.Api.ApiAssembly>
{
    readonly string connectionString;
    readonly IReadOnlyDictionary<string, string?> settings;
    readonly Action<IServiceCollection>? services;
    readonly string environment;

    /// <param name="connectionString">The database; the test database when null.</param>
    /// <param name="settings">Extra configuration, e.g. Twilio:* pointing at an emulator.</param>
    /// <param name="port">A fixed loopback port, for when the address must be known before start (Twilio:PublicBaseUrl); 0 for any.</param>
    /// <param name="services">Replacements registered after the API's own (e.g. a test clock).</param>
    /// <param name="environment">The hosting environment; Development unless a test is about another.</param>
    public DialerApp(string? connectionString = null, IReadOnlyDictionary<string, string?>? settings = null, int port = 0,
        Action<IServiceCollection>? services = null, string environment = "Development")
    {
        this.environment = environment;
        this.services = services;
        this.connectionString = connectionString ?? TestDatabase.ConnectionString;
        this.settings = settings ?? new Dictionary<string, string?>();
        UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public Uri BaseAddress { get; }

    /// <summary>An anonymous client: only health, the webhooks and the sign-in page answer it.</summary>
    public HttpClient Client { get; }

    /// <summary>The password every account made by <see cref="ClientAsync"/> has.</summary>
    public const string Password = "password-di-prova";

    readonly List<HttpClient> signedIn = [];

    /// <summary>
    /// A client acting as <paramref name="username"/> with <paramref name="role"/> through a personal API token, the way
    /// IT's scripts call the API. The account is created when missing (with <see cref="Password"/>); for an operator it
    /// is the operator identity, whose profile the test still defines.
    /// </summary>
    public async Task<HttpClient> ClientAsync(string username, UserRole role)
    {
        await AccountAsync(username, role);
        var token = await Services.GetRequiredService<ApiTokens>().CreateAsync(username, "test", role, null, "test", CancellationToken.None);
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Secret);
        signedIn.Add(client);
        return client;
    }

    /// <summary>The account <paramref name="username"/> with <see cref="Password"/>, created when missing (to sign in through a page).</summary>
    public async Task AccountAsync(string username, UserRole role)
    {
        var accounts = Services.GetRequiredService<UserAccounts>();
        if (await accounts.FindAsync(username, CancellationToken.None) is null)
            await accounts.AddAsync(username, username, role, Password, CancellationToken.None);
    }

    /// <summary>An admin's client (users, campaigns, notices, and every supervisor route).</summary>
    public Task<HttpClient> AdminAsync() => ClientAsync("admin", UserRole.Admin);

    /// <summary>The same admin's client, made at first use: for tests about something else than who may call.</summary>
    public HttpClient Admin => admin ??= AdminAsync().GetAwaiter().GetResult();

    HttpClient? admin;

    /// <summary>An operator's client: the API's <c>/api/me</c> routes act as <paramref name="identity"/>.</summary>
    public Task<HttpClient> OperatorAsync(string identity) => ClientAsync(identity, UserRole.Operator);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("ConnectionStrings:Dialer", connectionString);
        builder.UseSetting("Logging:Level", "Warning");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        if (services is not null) builder.ConfigureTestServices(services);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Client.Dispose();
            foreach (var client in signedIn) client.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>Free loopback ports for servers whose address must be known before they start.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
