using Dialer.Core.Audit;
using Dialer.Core.Outcomes;
using Dialer.Core.Scheduling;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Dialer.Worker.Scheduling;

/// <summary>
/// Registers the nightly housekeeping jobs at start (the audit log's purge, the outcomes ledger's pass); retries while the
/// database is unreachable.
/// </summary>
sealed class HousekeepingSchedule(IRecurringJobManagerV2 recurringJobs, IOptions<SchedulerOptions> options, TimeProvider time,
    ILogger<HousekeepingSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                AuditRetention.Schedule(recurringJobs);
                logger.LogInformation("Scheduled the audit log's retention purge at '{Cron}' Europe/Rome", AuditRetention.Cron);
                OutcomesNightly.Schedule(recurringJobs);
                logger.LogInformation("Scheduled the outcomes ledger's nightly pass at '{Cron}' Europe/Rome", OutcomesNightly.Cron);
                return;
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Scheduling the nightly housekeeping jobs failed; retrying in {Interval}", options.Value.CampaignSyncInterval);
            }
            try
            {
                await Task.Delay(options.Value.CampaignSyncInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
