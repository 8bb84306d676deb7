using Dialer.Api;
using Dialer.Api.Operators;
using Dialer.Core;
using Dialer.Core.Database;
using Dialer.Core.Messaging;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Worker.CommandLine;

/// <summary>
/// What the benches that drive the real API share (docs/benchmarks.md): a scratch database beside the configured one,
/// the API on Kestrel over it (loopback, a free port, in-memory bus, the emulator, Production's pipeline), the load
/// average they print, and the percentile they read from sorted latencies.
/// </summary>
static class BenchApiHost
{
    /// <summary>Recreates <c>&lt;database&gt;_&lt;suffix&gt;</c> on the same server, migrated; returns its connection string.</summary>
    public static async Task<string> CreateScratchAsync(string connectionString, string suffix, CancellationToken ct, int? maxPoolSize = null)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var name = $"{target.Database}_{suffix}";
        await DatabaseServer.RecreateDatabaseAsync(connectionString, name, ct);
        target.Database = name;
        if (maxPoolSize is { } size) target.MaxPoolSize = size;
        await using var dataSource = NpgsqlDataSource.Create(target.ConnectionString);
        await new Migrator(dataSource, NullLogger<Migrator>.Instance).RunAsync(null, ct);
        return target.ConnectionString;
    }

    public static Task DropScratchAsync(string connectionString, string suffix, CancellationToken ct) =>
        DatabaseServer.DropDatabaseAsync(connectionString, $"{new NpgsqlConnectionStringBuilder(connectionString).Database}_{suffix}", ct);

    /// <summary>
    /// The API, started on <paramref name="connectionString"/> with <paramref name="settings"/> added to the bench's own;
    /// <paramref name="configure"/> may register more services before it is built. Returns the app and its address.
    /// </summary>
    public static async Task<(WebApplication App, Uri Address)> StartApiAsync(string connectionString, IReadOnlyDictionary<string, string?> settings,
        Action<WebApplicationBuilder>? configure, CancellationToken ct)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(DialerApi).Assembly.GetName().Name,
            // Production's pipeline; Production itself refuses the emulator (docs/security-and-configuration.md).
            EnvironmentName = Environments.Staging,
        });
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dialer"] = connectionString,
            ["Logging:Level"] = "Warning",
            ["Messaging:Transport"] = "InMemory",
            ["Telephony:Provider"] = "Emulator",
        };
        foreach (var (key, value) in settings) all[key] = value;
        builder.Configuration.AddInMemoryCollection(all);
        CommandHost.Apply(builder);   // after the settings above, so the bench logs warnings only
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddDialerCore(builder.Configuration);
        builder.Services.AddDialerMessaging(builder.Configuration, x => x.AddOperatorStreamConsumers());
        builder.AddDialerApi();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapDialerApi();
        await app.StartAsync(ct);
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }

    /// <summary>The value at quantile <paramref name="p"/> of ascending <paramref name="sorted"/> values (nearest rank); NaN when empty.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1))];

    /// <summary>The 1, 5 and 15 minute load averages, as the benches print them beside their figures.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
