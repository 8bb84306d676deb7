using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests;

/// <summary>
/// The real API (its own Program.cs) on the real Kestrel, on a free loopback port, against the test database
/// or another connection string. <see cref="Client"/> talks to it over real HTTP.
/// </summary>
public sealed class DialerApp : WebApplicationFactory<Dialer.Api.ApiAssembly>
{
    readonly string connectionString;

    public DialerApp(string? connectionString = null)
    {
        this.connectionString = connectionString ?? TestDatabase.ConnectionString;
        UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Dialer", connectionString);
        builder.UseSetting("Logging:Level", "Warning");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Client.Dispose();
        base.Dispose(disposing);
    }
}
