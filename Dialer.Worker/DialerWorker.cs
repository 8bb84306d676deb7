using Dialer.Core.Telemetry;
using Dialer.Core.Telephony;
using Dialer.Worker.Dialing;
using Dialer.Worker.Scheduling;
using Dialer.Worker.Selection;
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
        builder.Services.AddDialerScheduler(builder.Configuration, q =>
        {
            // Nightly selection per active campaign, cron in the campaign's time zone
            SelectionJobs.Configure(q);
            jobs?.Invoke(q);
        });

        // Outgoing calls to Twilio (or the emulator): typed client, never re-sends a create
        builder.Services.AddTelephony(builder.Configuration);

        // The dialing loop: contact lists into the queue, progressive dialing, wrap-up limits, the sweep of unsettled attempts
        builder.Services.AddHostedService<DialingLoop>();

        // dialer.queue.depth per campaign, read from the queue's side tables when metrics are collected
        builder.Services.AddHostedService<QueueDepthGauge>();
        return builder;
    }
}
