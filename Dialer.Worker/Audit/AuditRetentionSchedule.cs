using Dialer.Core.Audit;
using Dialer.Core.Scheduling;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Dialer.Worker.Audit;

/// <summary>Registers the audit log's nightly purge as a recurring job at start; retries while the database is unreachable.</summary>
sealed class AuditRetentionSchedule(IRecurringJobManagerV2 recurringJobs, IOptions<SchedulerOptions> options, TimeProvider time,
    ILogger<AuditRetentionSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                AuditRetention.Schedule(recurringJobs);
                logger.LogInformation("Scheduled the audit log's retention purge at '{Cron}' Europe/Rome", AuditRetention.Cron);
                return;
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Scheduling the audit log's retention purge failed; retrying in {Interval}", options.Value.CampaignSyncInterval);
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
