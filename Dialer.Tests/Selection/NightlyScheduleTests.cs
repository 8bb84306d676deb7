using Dialer.Core.Campaigns;
using Microsoft.Extensions.Hosting;

namespace Dialer.Tests.Selection;

/// <summary>The nightly selection as the worker runs it: Quartz cron triggers on the clustered store.</summary>
public sealed class NightlyScheduleTests : DatabaseTest
{
    [Test]
    public async Task Two_workers_firing_the_same_campaign_repeatedly_select_once_per_day()
    {
        await Population.ImportAsync(Population.Eligible("ALFA", end: "2024-06-30"), Population.Eligible("BETA", end: "2024-03-31"));
        // Every two seconds instead of nightly: many fires on the same day, from whichever node takes each.
        await new CampaignStore(Db).ApplyAsync(Population.Campaign() with
        {
            Cohort = new Cohort { Sex = "F" },
            Schedule = new CampaignSchedule { Cron = "0/2 * * * * ?" },
        }, default);

        NightlyRuns.Count = 0;
        using var a = WorkerHost("node-a");
        using var b = WorkerHost("node-b");
        await a.StartAsync();
        await b.StartAsync();
        var fired = await Eventually.TrueAsync(() => Volatile.Read(ref NightlyRuns.Count) >= 3, TimeSpan.FromSeconds(45));
        await a.StopAsync();
        await b.StopAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(fired, Is.True, "the nightly job fired at least three times");
            Assert.That(await ScalarAsync("SELECT count(*) FROM selection_runs"), Is.EqualTo(await ScalarAsync("SELECT count(DISTINCT run_on) FROM selection_runs")),
                "one run per campaign and day");
            Assert.That(await ScalarAsync("SELECT count(*) FROM contact_list_entries"), Is.EqualTo(2));
            Assert.That(await ScalarAsync("SELECT count(DISTINCT person_cf) FROM contact_list_entries"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_night_missed_while_every_worker_was_down_is_caught_up_when_one_returns()
    {
        await Population.ImportAsync(Population.Eligible("ALFA"));
        await new CampaignStore(Db).ApplyAsync(Population.Campaign() with { Cohort = new Cohort { Sex = "F" } }, default);
        using (var first = WorkerHost("node-a"))
        {
            await first.StartAsync();
            Assert.That(await Eventually.TrueAsync(async () => await ScalarAsync("SELECT count(*) FROM qrtz_cron_triggers WHERE trigger_name = 'selection-donne-milano'") == 1,
                TimeSpan.FromSeconds(30)), "the schedule sync created the campaign's 02:00 trigger");
            await first.StopAsync();
        }
        // While nobody runs, tonight's 02:00 passes: the stored next fire time is now ten minutes in the past.
        await using (var conn = await Db.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE qrtz_triggers SET next_fire_time = @past WHERE trigger_name = 'selection-donne-milano'",
                new { past = DateTimeOffset.UtcNow.AddMinutes(-10).UtcTicks });

        using var returning = WorkerHost("node-b");
        await returning.StartAsync();
        var caughtUp = await Eventually.TrueAsync(async () => await ScalarAsync("SELECT count(*) FROM selection_runs") == 1, TimeSpan.FromSeconds(45));
        await returning.StopAsync();

        var rome = TimeZoneInfo.FindSystemTimeZoneById("Europe/Rome");
        await using var check = await Db.OpenConnectionAsync();
        var run = await check.QuerySingleOrDefaultAsync<(string Trigger, DateTime RunOn)>("SELECT trigger, run_on FROM selection_runs");
        Assert.Multiple(() =>
        {
            Assert.That(caughtUp, Is.True, "the missed night ran once the worker returned");
            Assert.That(run.Trigger, Is.EqualTo("catch_up"));
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, rome).DateTime);
            Assert.That(DateOnly.FromDateTime(run.RunOn), Is.AnyOf(today, today.AddDays(-1)), "the day of the catch-up in Rome (yesterday only across midnight)");
        });
    }

    static IHost WorkerHost(string instanceId) => TestWorkerHost.Create(instanceId, q => q.AddJobListener(new NightlyRuns()));

    /// <summary>Counts executions of the nightly selection job on every node of the test.</summary>
    sealed class NightlyRuns : Quartz.IJobListener
    {
        public static int Count;

        public string Name => "test-nightly-runs";

        public ValueTask JobToBeExecuted(Quartz.IJobExecutionContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask JobExecutionVetoed(Quartz.IJobExecutionContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask JobWasExecuted(Quartz.IJobExecutionContext context, Quartz.JobExecutionException? jobException, CancellationToken cancellationToken)
        {
            if (context.JobDetail.Key.Name == "nightly-selection" && jobException is null) Interlocked.Increment(ref Count);
            return ValueTask.CompletedTask;
        }

        public ValueTask JobProgressChanged(Quartz.IJobExecutionContext context, Quartz.Extensibility.FireInstanceProgress progress, CancellationToken cancellationToken) =>
            ValueTask.CompletedTask;
    }

    static async Task<long> ScalarAsync(string sql)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>(sql);
    }
}
