using Dialer.Core.Messaging;
using Dialer.Core;
using Dialer.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Dialer.Tests;

/// <summary>A worker host as `dialer run` composes it, on the test database, as one node of the Quartz cluster.</summary>
public static class TestWorkerHost
{
    /// <param name="instanceId">The Quartz node id.</param>
    /// <param name="jobs">Extra Quartz jobs.</param>
    /// <param name="settings">Extra configuration (e.g. Twilio:* for the emulator, Dialing:Enabled=true for the dialing loop, off by default).</param>
    /// <param name="services">Replacements registered after the worker's own (e.g. a test clock).</param>
    public static IHost Create(string instanceId, Action<IQuartzBuilder>? jobs = null, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        // Development, as the tests' API is: in Production the worker refuses the emulator (StartupRefusalTests).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dialer"] = TestDatabase.ConnectionString,
            ["Scheduler:InstanceId"] = instanceId,
            // Short check-ins, so that a stopped node is noticed within a test's time.
            ["Scheduler:CheckinInterval"] = "00:00:02",
            // Tests about other capabilities must not have their contact lists moved into the call queue.
            ["Dialing:Enabled"] = "false",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddDialerCore(builder.Configuration);
        builder.Services.AddDialerMessaging(builder.Configuration);
        builder.AddDialerWorker(jobs);
        // Last, so that a replacement wins over the worker's own registration (e.g. a decorated telephony client).
        services?.Invoke(builder.Services);
        return builder.Build();
    }
}
