using Dialer.Core.Scheduling;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Dialer.Worker.Scheduling;

public static class SchedulerRegistration
{
    /// <summary>
    /// A Hangfire server on the storage Core registered (schema <c>hangfire</c>, installed by <c>dialer migrate</c>).
    /// Every worker replica runs one; each job is fetched by one server at a time, and fetched again only if its
    /// server stops renewing it (docs/scheduling.md).
    /// </summary>
    public static IServiceCollection AddDialerScheduler(this IServiceCollection services)
    {
        services.AddHangfireServer((sp, server) =>
        {
            var options = sp.GetRequiredService<IOptions<SchedulerOptions>>().Value;
            if (!string.IsNullOrWhiteSpace(options.ServerName)) server.ServerName = options.ServerName;
            server.WorkerCount = options.WorkerCount;
            // Delayed jobs (retries) and recurring jobs are looked for as often as the queue.
            server.SchedulePollingInterval = options.PollInterval;
        });
        return services;
    }
}
