using Dialer.Core.Messaging;
using Dialer.Core;
using Dialer.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dialer.Tests;

/// <summary>A worker host as `dialer run` composes it, on the test database: one Hangfire server on the shared storage.</summary>
public static class TestWorkerHost
{
    /// <param name="instanceId">The Hangfire server's name.</param>
    /// <param name="settings">Extra configuration (e.g. Twilio:* for the emulator, Dialing:Enabled=true for the dialing loop, off by default).</param>
    /// <param name="services">Replacements registered after the worker's own (e.g. a test clock).</param>
    public static IHost Create(string instanceId, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        // Development, as the tests' API is: in Production the worker refuses the emulator (StartupRefusalTests).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dialer"] = TestDatabase.ConnectionString,
            ["Scheduler:ServerName"] = instanceId,
            // Polls every second and a short invisibility, so that a job is picked up, retried or taken over
            // from a vanished worker within a test's time.
            ["Scheduler:PollInterval"] = "00:00:01",
            ["Scheduler:InvisibilityTimeout"] = "00:00:05",
            // Tests about other capabilities must not have their contact lists moved into the call queue.
            ["Dialing:Enabled"] = "false",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddDialerCore(builder.Configuration);
        builder.Services.AddDialerMessaging(builder.Configuration);
        builder.AddDialerWorker();
        // Last, so that a replacement wins over the worker's own registration (e.g. a decorated telephony client).
        services?.Invoke(builder.Services);
        return builder.Build();
    }
}
