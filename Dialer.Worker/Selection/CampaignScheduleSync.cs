using Dialer.Core.Scheduling;
using Dialer.Core.Selection;
using Microsoft.Extensions.Options;

namespace Dialer.Worker.Selection;

/// <summary>Keeps the nightly selection's recurring jobs in step with the campaigns table: one pass at start, then every interval.</summary>
sealed class CampaignScheduleSync(NightlySchedule schedule, IOptions<SchedulerOptions> options, TimeProvider time, ILogger<CampaignScheduleSync> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SyncCampaigns)
        {
            logger.LogInformation("Campaign schedules are not kept on this worker (Scheduler:SyncCampaigns=false)");
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await schedule.SyncAsync(stoppingToken);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping (or a start that failed, e.g. on a port in use): the host may be disposing the data source
                // under this pass; nothing to report, the entry point reports why the host stops.
                return;
            }
            catch (Exception ex)
            {
                // The database may be restarting: the next pass tries again.
                logger.LogWarning(ex, "The campaign schedule sync failed; retrying in {Interval}", options.Value.CampaignSyncInterval);
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
