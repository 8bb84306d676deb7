using Dialer.Core.Campaigns;
using Dialer.Core.Selection;
using Quartz;

namespace Dialer.Worker.Selection;

/// <summary>
/// Quartz wiring of the nightly selection: one cron trigger per active campaign, in the campaign's time
/// zone (Europe/Rome by default), kept in step with the campaigns table by <see cref="CampaignScheduleSyncJob"/>.
/// </summary>
public static class SelectionJobs
{
    public static readonly JobKey Nightly = new("nightly-selection", "selection");
    public static readonly JobKey Sync = new("campaign-schedule-sync", "selection");
    public const string TriggerGroup = "selection-campaigns";
    public const string SlugKey = "campaign";

    public static void Configure(IQuartzBuilder q)
    {
        q.AddJob<NightlySelectionJob>(j => j.WithIdentity(Nightly).StoreDurably());
        q.AddJob<CampaignScheduleSyncJob>(j => j.WithIdentity(Sync).StoreDurably());
        // A campaign applied (or paused) from the API or the CLI reaches the schedule within a minute.
        q.AddTrigger(t => t.ForJob(Sync).WithIdentity("campaign-schedule-sync-every-minute", "selection").StartNow()
            .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
    }

    public static TriggerKey TriggerFor(string slug) => new($"selection-{slug}", TriggerGroup);
}

/// <summary>Runs one campaign's selection for the day of its scheduled fire time, in the campaign's time zone.</summary>
[DisallowConcurrentExecution]
sealed class NightlySelectionJob(NightlySelection selection, CampaignStore campaigns, ILogger<NightlySelectionJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var slug = context.MergedJobDataMap.GetString(SelectionJobs.SlugKey)!;
        var campaign = await campaigns.FindAsync(slug, cancellationToken);
        if (campaign is not { Active: true })
        {
            logger.LogInformation("Skipping the selection of {Campaign}: paused or removed", slug);
            return;
        }
        var schedule = campaign.Definition.Schedule;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone);
        var scheduled = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        var runOn = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(scheduled, zone).DateTime);
        // A fire time the cron does not name is Quartz's misfire recovery: a night missed while every worker was down.
        var trigger = new CronExpression(schedule.Cron, zone).IsSatisfiedBy(scheduled)
            ? SelectionTrigger.Schedule
            : SelectionTrigger.CatchUp;
        await selection.RunAsync(slug, runOn, trigger, cancellationToken);
    }
}

/// <summary>Makes the cron triggers match the active campaigns: adds, reschedules and removes them.</summary>
[DisallowConcurrentExecution]
sealed class CampaignScheduleSyncJob(CampaignStore campaigns, ILogger<CampaignScheduleSyncJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var scheduler = context.Scheduler;
        var active = (await campaigns.ListAsync(cancellationToken)).Where(c => c.Active).ToDictionary(c => SelectionJobs.TriggerFor(c.Slug));
        var existing = await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(SelectionJobs.TriggerGroup), cancellationToken);

        foreach (var key in existing.Where(k => !active.ContainsKey(k)))
        {
            await scheduler.UnscheduleJob(key, cancellationToken);
            logger.LogInformation("Unscheduled the selection trigger {Trigger}", key.Name);
        }
        foreach (var (key, campaign) in active)
        {
            var schedule = campaign.Definition.Schedule;
            var current = await scheduler.GetTrigger(key, cancellationToken) as ICronTrigger;
            if (current is not null && current.CronExpressionString == schedule.Cron && current.TimeZone.Id == schedule.TimeZone) continue;
            var trigger = TriggerBuilder.Create()
                .WithIdentity(key)
                .ForJob(SelectionJobs.Nightly)
                .UsingJobData(SelectionJobs.SlugKey, campaign.Slug)
                .WithCronSchedule(schedule.Cron, c => c
                    .InTimeZone(TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone))
                    // Missed while every worker was down: run once as soon as one is back (the run is keyed by day).
                    .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .Build();
            if (current is null) await scheduler.ScheduleJob(trigger, default, cancellationToken);
            else await scheduler.RescheduleJob(key, trigger, cancellationToken);
            logger.LogInformation("Scheduled the selection of {Campaign} at '{Cron}' {TimeZone}", campaign.Slug, schedule.Cron, schedule.TimeZone);
        }
    }
}
