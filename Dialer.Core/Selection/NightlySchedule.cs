using Dialer.Core.Campaigns;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;

namespace Dialer.Core.Selection;

/// <summary>
/// The nightly selection as Hangfire recurring jobs: one per active campaign, <c>nightly-selection:{slug}</c>, with the
/// campaign's cron in Europe/Rome. <see cref="SyncAsync"/> makes them match the campaigns table; the worker calls it
/// every minute, so a campaign applied, changed or paused from the API or the CLI reaches the schedule within one.
/// </summary>
public sealed class NightlySchedule(IRecurringJobManagerV2 recurringJobs, JobStorage storage, CampaignStore campaigns, ILogger<NightlySchedule> logger)
{
    public const string JobIdPrefix = "nightly-selection:";

    public static string JobId(string slug) => JobIdPrefix + slug;

    /// <summary>One pass: adds the recurring job of each active campaign, changes those whose cron changed, removes the rest.</summary>
    public async Task SyncAsync(CancellationToken ct)
    {
        var active = (await campaigns.ListAsync(ct)).Where(c => c.Active).ToDictionary(c => JobId(c.Slug));
        using var connection = storage.GetConnection();
        var existing = connection.GetAllItemsFromSet("recurring-jobs").Where(id => id.StartsWith(JobIdPrefix, StringComparison.Ordinal)).ToList();

        foreach (var id in existing.Where(id => !active.ContainsKey(id)))
        {
            recurringJobs.RemoveIfExists(id);
            logger.LogInformation("Removed the recurring job {RecurringJob}: its campaign is paused or gone", id);
        }
        foreach (var (id, campaign) in active)
        {
            var cron = campaign.Definition.Schedule.Cron;
            var current = connection.GetAllEntriesFromHash($"recurring-job:{id}");
            if (current is not null && current.GetValueOrDefault("Cron") == cron && current.GetValueOrDefault("TimeZoneId") == ItalianTime.Rome.Id) continue;
            try
            {
                var slug = campaign.Slug;
                // Relaxed (Hangfire's default, said here because the catch-up depends on it): nights missed while no
                // worker ran give one job, whose "Time" parameter is when the scheduler came back.
                recurringJobs.AddOrUpdate<NightlySelectionJob>(id, job => job.RunAsync(slug, null!, CancellationToken.None), cron,
                    new RecurringJobOptions { TimeZone = ItalianTime.Rome, MisfireHandling = MisfireHandlingMode.Relaxed });
                logger.LogInformation("Scheduled the selection of {Campaign} at '{Cron}' Europe/Rome", slug, cron);
            }
            catch (ArgumentException ex)
            {
                // A document stored before today's validation (e.g. a Quartz cron with a year): the others still get theirs.
                logger.LogError("The selection of {Campaign} cannot be scheduled: {Problem}", campaign.Slug, ex.InnerException?.Message ?? ex.Message);
            }
        }
    }
}

/// <summary>
/// One run of a campaign's nightly selection, as Hangfire performs it. Hangfire delivers at least once (a retry, a worker
/// killed mid-job): <see cref="NightlySelection"/> makes every delivery after the first a no-op for that day.
/// </summary>
public sealed class NightlySelectionJob(NightlySelection selection, CampaignStore campaigns, ILogger<NightlySelectionJob> logger)
{
    /// <summary>A job created this long after an occurrence of the cron is a catch-up: the night was missed.</summary>
    public static readonly TimeSpan OnTimeTolerance = TimeSpan.FromMinutes(5);

    // Transient failures (the database restarting, a lost connection) are retried with growing delays: 1 min, 5 min,
    // 15 min, 30 min, 1 h, 2 h; the day selected stays the one of the scheduled time, however late the retry.
    [AutomaticRetry(Attempts = 6, DelaysInSeconds = [60, 300, 900, 1800, 3600, 7200], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [JobDisplayName("Nightly selection of {0}")]
    public async Task RunAsync(string slug, PerformContext context, CancellationToken ct)
    {
        var campaign = await campaigns.FindAsync(slug, ct);
        if (campaign is not { Active: true })
        {
            logger.LogInformation("Skipping the selection of {Campaign}: paused or removed", slug);
            return;
        }
        var (runOn, trigger) = Occurrence(campaign.Definition.Schedule, ScheduledTime(context));
        await selection.RunAsync(slug, runOn, trigger, ct);
    }

    /// <summary>
    /// When the job was scheduled: the "Time" parameter the recurring job scheduler (or a trigger from the dashboard)
    /// gives each job it creates, never the clock of the worker that happens to run it; a job enqueued otherwise has its creation time.
    /// </summary>
    public static DateTimeOffset ScheduledTime(PerformContext context) =>
        context.GetJobParameter<long?>("Time") is { } seconds
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : new DateTimeOffset(DateTime.SpecifyKind(context.BackgroundJob.CreatedAt, DateTimeKind.Utc));

    /// <summary>
    /// The day to select (the scheduled time's date in Rome), and whether the job is the scheduled run (created within
    /// <see cref="OnTimeTolerance"/> of an occurrence of the cron) or the catch-up of a missed night.
    /// </summary>
    public static (DateOnly RunOn, SelectionTrigger Trigger) Occurrence(CampaignSchedule schedule, DateTimeOffset scheduled)
    {
        var runOn = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(scheduled, ItalianTime.Rome).DateTime);
        var due = schedule.ToCronExpression().GetNextOccurrence(scheduled.UtcDateTime - OnTimeTolerance, ItalianTime.Rome, inclusive: true);
        return (runOn, due <= scheduled.UtcDateTime ? SelectionTrigger.Schedule : SelectionTrigger.CatchUp);
    }
}
