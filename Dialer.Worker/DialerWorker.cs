using Dialer.Core.Telemetry;
using Dialer.Core.Telephony;
using Dialer.Worker.Dialing;
using Dialer.Worker.Scheduling;
using Dialer.Worker.Selection;

namespace Dialer.Worker;

/// <summary>
/// The table of contents of the worker: one line per capability. The entry points register Core and
/// messaging first, so that `dialer demo` can compose the worker with the API in one process.
/// </summary>
public static class DialerWorker
{
    public static IHostApplicationBuilder AddDialerWorker(this IHostApplicationBuilder builder)
    {
        // Recurring, calendar-driven jobs: a Hangfire server on the shared storage (each job fetched by one replica at a time)
        builder.Services.AddDialerScheduler();

        // Nightly selection per active campaign: its recurring job follows the campaigns table, cron in Europe/Rome
        builder.Services.AddHostedService<CampaignScheduleSync>();

        // The audit log's nightly retention purge (audit-retention, 03:30 Europe/Rome)
        builder.Services.AddHostedService<HousekeepingSchedule>();

        // Outgoing calls to Twilio (or the emulator): typed client, never re-sends a create
        builder.Services.AddTelephony(builder.Configuration);

        // The dialing loop: contact lists into the queue, progressive dialing, wrap-up limits, the sweep of unsettled attempts
        builder.Services.AddHostedService<DialingLoop>();

        // dialer.queue.depth per campaign, read from the queue's side tables when metrics are collected
        builder.Services.AddHostedService<QueueDepthGauge>();
        return builder;
    }
}
