using Dialer.Core.Telephony;
using Dialer.Worker.Scheduling;
using Quartz;

namespace Dialer.Worker;

/// <summary>
/// The table of contents of the worker: one line per capability. The entry points register Core and
/// messaging first, so that `dialer demo` can compose the worker with the API in one process.
/// </summary>
public static class DialerWorker
{
    public static IHostApplicationBuilder AddDialerWorker(this IHostApplicationBuilder builder, Action<IQuartzBuilder>? jobs = null)
    {
        // Recurring, calendar-driven jobs on the clustered Quartz store (one run per trigger across replicas)
        builder.Services.AddDialerScheduler(builder.Configuration, jobs);

        // Outgoing calls to Twilio (or the emulator): typed client, never re-sends a create
        builder.Services.AddTelephony(builder.Configuration);
        return builder;
    }
}
