using Dialer.Core;
using Dialer.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Dialer.Tests;

/// <summary>A worker host as `dialer run` composes it, on the test database, as one node of the Quartz cluster.</summary>
public static class TestWorkerHost
{
    public static IHost Create(string instanceId, Action<IQuartzBuilder>? jobs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dialer"] = TestDatabase.ConnectionString,
            ["Scheduler:InstanceId"] = instanceId,
            // Short check-ins, so that a stopped node is noticed within a test's time.
            ["Scheduler:CheckinInterval"] = "00:00:02",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddDialerCore(builder.Configuration);
        builder.AddDialerWorker(jobs);
        return builder.Build();
    }
}
