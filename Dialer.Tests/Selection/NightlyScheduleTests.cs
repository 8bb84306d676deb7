using System.Globalization;
using Dialer.Core;
using Dialer.Core.Campaigns;
using Dialer.Core.Selection;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Selection;

/// <summary>
/// The nightly selection as the workers run it: a Hangfire recurring job per campaign on the shared storage, with two
/// worker hosts on one database in every test. Jobs are triggered explicitly or by editing the stored schedule, never by waiting for a night.
/// </summary>
public sealed class NightlyScheduleTests : DatabaseTest
{
    static readonly string JobId = NightlySchedule.JobId("donne-milano");

    [Test]
    public async Task Two_workers_running_the_same_campaign_six_times_in_one_day_select_once()
    {
        await Population.ImportAsync(Population.Eligible("ALFA", end: "2024-06-30"), Population.Eligible("BETA", end: "2024-03-31"));
        await new CampaignStore(Db).ApplyAsync(Population.Campaign() with { Cohort = new Cohort { Sex = "F" } }, default);
        using var a = TestWorkerHost.Create("node-a");
        using var b = TestWorkerHost.Create("node-b");
        await a.StartAsync();
        await b.StartAsync();
        Assert.That(await Eventually.TrueAsync(async () => await RecurringFieldAsync("Cron") is not null, TimeSpan.FromSeconds(30)),
            "each worker's campaign sync created the recurring job");

        // Six deliveries of today's job, three created through each worker, run by whichever worker fetches each.
        var jobs = Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? a : b).Services.GetRequiredService<IRecurringJobManagerV2>().TriggerJob(JobId)).ToList();
        var done = await Eventually.TrueAsync(async () => await CountAsync("SELECT count(*) FROM hangfire.job WHERE statename = 'Succeeded'") == 6,
            TimeSpan.FromSeconds(60));
        await a.StopAsync();
        await b.StopAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(jobs.Distinct().Count(), Is.EqualTo(6));
            Assert.That(done, Is.True, "all six jobs succeeded");
            Assert.That(await CountAsync("SELECT count(*) FROM selection_runs"), Is.EqualTo(1), "one run for the campaign and day");
            Assert.That(await CountAsync("SELECT count(*) FROM contact_list_entries"), Is.EqualTo(2));
            Assert.That(await CountAsync("SELECT count(DISTINCT person_cf) FROM contact_list_entries"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Nights_missed_while_every_worker_was_down_are_caught_up_once_when_they_return()
    {
        await Population.ImportAsync(Population.Eligible("ALFA"));
        // On 1 January at 02:00: "now" is never within minutes after an occurrence, so the run cannot pass for an on-time one.
        await new CampaignStore(Db).ApplyAsync(Population.Campaign() with
        {
            Cohort = new Cohort { Sex = "F" },
            Schedule = new CampaignSchedule { Cron = "0 0 2 1 1 ?" },
        }, default);
        using (var first = TestWorkerHost.Create("node-a"))
        {
            await first.StartAsync();
            Assert.That(await Eventually.TrueAsync(async () => await RecurringFieldAsync("Cron") == "0 0 2 1 1 ?", TimeSpan.FromSeconds(30)),
                "the campaign sync created the recurring job");
            await first.StopAsync();
        }
        // While nobody runs, three New Year's nights pass: the job last ran three years ago and is due since ten minutes.
        await using (var conn = await Db.OpenConnectionAsync())
        {
            var key = $"recurring-job:{JobId}";
            await conn.ExecuteAsync("DELETE FROM hangfire.hash WHERE key = @key AND field = 'LastExecution'", new { key });
            await conn.ExecuteAsync("INSERT INTO hangfire.hash (key, field, value) VALUES (@key, 'LastExecution', @last)",
                new { key, last = DateTime.UtcNow.AddYears(-3).ToString("o", CultureInfo.InvariantCulture) });
            await conn.ExecuteAsync("UPDATE hangfire.set SET score = @due WHERE key = 'recurring-jobs' AND value = @JobId",
                new { due = (double)DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds(), JobId });
        }

        using var a = TestWorkerHost.Create("node-a");
        using var b = TestWorkerHost.Create("node-b");
        await a.StartAsync();
        await b.StartAsync();
        var caughtUp = await Eventually.TrueAsync(async () => await CountAsync("SELECT count(*) FROM selection_runs") == 1, TimeSpan.FromSeconds(60));
        // Rescheduled for the next New Year: from here on, no scheduler pass can create another job.
        var rescheduled = await Eventually.TrueAsync(async () => await CountAsync(
            "SELECT count(*) FROM hangfire.set WHERE key = 'recurring-jobs' AND value = @JobId AND score > extract(epoch FROM now())", new { JobId }) == 1,
            TimeSpan.FromSeconds(30));
        await a.StopAsync();
        await b.StopAsync();

        await using var check = await Db.OpenConnectionAsync();
        var run = await check.QuerySingleAsync<(string Trigger, DateTime RunOn)>("SELECT trigger, run_on FROM selection_runs");
        var times = (await check.QueryAsync<string>("""
            SELECT t.value FROM hangfire.jobparameter t
            JOIN   hangfire.jobparameter r ON r.jobid = t.jobid AND r.name = 'RecurringJobId' AND r.value = @id
            WHERE  t.name = 'Time'
            """, new { id = $"\"{JobId}\"" })).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(caughtUp, Is.True, "the missed nights ran once the workers returned");
            Assert.That(rescheduled, Is.True);
            Assert.That(times, Has.Count.EqualTo(1), "one job for three missed nights (relaxed misfire handling)");
            Assert.That(run.Trigger, Is.EqualTo("catch_up"));
            var scheduled = DateTimeOffset.FromUnixTimeSeconds(long.Parse(times.Single().Trim('"'), CultureInfo.InvariantCulture));
            Assert.That(DateOnly.FromDateTime(run.RunOn), Is.EqualTo(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(scheduled, ItalianTime.Rome).DateTime)),
                "the day selected is the date in Rome of the job's scheduled time");
        });
    }

    [Test]
    public async Task A_failing_selection_is_retried_with_growing_delays_and_then_runs_once()
    {
        await Population.ImportAsync(Population.Eligible("ALFA"));
        await new CampaignStore(Db).ApplyAsync(Population.Campaign() with { Cohort = new Cohort { Sex = "F" } }, default);
        using var a = TestWorkerHost.Create("node-a");
        using var b = TestWorkerHost.Create("node-b");
        await a.StartAsync();
        await b.StartAsync();
        Assert.That(await Eventually.TrueAsync(async () => await RecurringFieldAsync("Cron") is not null, TimeSpan.FromSeconds(30)));

        string job;
        await using (var conn = await Db.OpenConnectionAsync())
        {
            // The database refuses the selection for a while (as during a restart or a failover).
            await conn.ExecuteAsync("ALTER TABLE selection_runs RENAME TO selection_runs_away");
            try
            {
                job = a.Services.GetRequiredService<IRecurringJobManagerV2>().TriggerJob(JobId);
                Assert.That(await Eventually.TrueAsync(async () => await RetriesAsync(job) == 1, TimeSpan.FromSeconds(60)), "first failure, retry scheduled");
                // The retry is due in a minute; the test enqueues it at once, from the other worker, instead of waiting.
                b.Services.GetRequiredService<IBackgroundJobClient>().Requeue(job);
                Assert.That(await Eventually.TrueAsync(async () => await RetriesAsync(job) == 2, TimeSpan.FromSeconds(60)), "second failure, retry scheduled");
            }
            finally
            {
                await conn.ExecuteAsync("ALTER TABLE selection_runs_away RENAME TO selection_runs");
            }
        }
        a.Services.GetRequiredService<IBackgroundJobClient>().Requeue(job);
        var succeeded = await Eventually.TrueAsync(async () => await StateAsync(job) == "Succeeded", TimeSpan.FromSeconds(60));
        await a.StopAsync();
        await b.StopAsync();

        await using var check = await Db.OpenConnectionAsync();
        var delays = (await check.QueryAsync<double>("""
            SELECT ((data->>'EnqueueAt')::bigint - (data->>'ScheduledAt')::bigint) / 1000.0   -- Hangfire's millisecond timestamps
            FROM   hangfire.state WHERE jobid = @id AND name = 'Scheduled' ORDER BY id
            """, new { id = long.Parse(job, CultureInfo.InvariantCulture) })).ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(succeeded, Is.True, "the third attempt succeeded");
            Assert.That(delays, Is.EqualTo(new[] { 60.0, 300.0 }).Within(1.0), "back-off: one minute, then five");
            Assert.That(await CountAsync("SELECT count(*) FROM selection_runs"), Is.EqualTo(1));
            Assert.That(await CountAsync("SELECT count(*) FROM contact_list_entries"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_worker_killed_in_the_middle_of_the_selection_leaves_it_to_another_which_runs_it_once()
    {
        await Population.ImportAsync(Population.Eligible("ALFA"), Population.Eligible("BETA"));
        await new CampaignStore(Db).ApplyAsync(Population.Campaign() with { Cohort = new Cohort { Sex = "F" } }, default);
        // The other worker is built first, to create the job, and started only after the first is killed.
        using var b = TestWorkerHost.Create("node-b");

        await using var blocker = await Db.OpenConnectionAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        // The selection will stop inside its transaction, holding the campaign's advisory lock, at its first read of selection_runs.
        await blocker.ExecuteAsync("LOCK TABLE selection_runs IN ACCESS EXCLUSIVE MODE", transaction: hold);

        using var killed = DialerProcess.Start(new Dictionary<string, string?>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Scheduler__ServerName"] = "node-killed",
            ["Scheduler__PollInterval"] = "00:00:01",
            ["Scheduler__InvisibilityTimeout"] = "00:00:05",
            ["Dialing__Enabled"] = "false",
        }, "run");
        try
        {
            Assert.That(await Eventually.TrueAsync(async () => await RecurringFieldAsync("Cron") is not null, TimeSpan.FromSeconds(60)),
                "the first worker's campaign sync created the recurring job");
            var job = b.Services.GetRequiredService<IRecurringJobManagerV2>().TriggerJob(JobId);
            Assert.That(await Eventually.TrueAsync(async () => await CountAsync("""
                SELECT count(*) FROM pg_stat_activity
                WHERE  datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%selection_runs%'
                """) == 1, TimeSpan.FromSeconds(60)), "the first worker is in the middle of the selection");

            killed.Kill(entireProcessTree: true);
            await killed.WaitForExitAsync();
            await b.StartAsync();
            await hold.CommitAsync();
            var succeeded = await Eventually.TrueAsync(async () => await StateAsync(job) == "Succeeded", TimeSpan.FromSeconds(60));
            await b.StopAsync();

            await using var check = await Db.OpenConnectionAsync();
            var servers = (await check.QueryAsync<string>(
                "SELECT data->>'ServerId' FROM hangfire.state WHERE jobid = @id AND name = 'Processing' ORDER BY id",
                new { id = long.Parse(job, CultureInfo.InvariantCulture) })).ToList();
            Assert.Multiple(async () =>
            {
                Assert.That(succeeded, Is.True, "the job was taken over and finished");
                Assert.That(servers, Has.Count.EqualTo(2), "fetched by the killed worker, then again by the other");
                Assert.That(servers.First(), Does.StartWith("node-killed"));
                Assert.That(servers.Last(), Does.StartWith("node-b"));
                Assert.That(await CountAsync("SELECT count(*) FROM selection_runs"), Is.EqualTo(1), "the selection committed once");
                Assert.That(await CountAsync("SELECT count(*) FROM contact_list_entries"), Is.EqualTo(2));
            });
        }
        finally
        {
            if (!killed.HasExited) killed.Kill(entireProcessTree: true);
        }
    }

    [Test]
    public async Task Applying_changing_and_pausing_a_campaign_adds_changes_and_removes_its_recurring_job()
    {
        var campaigns = new CampaignStore(Db);
        using var host = TestWorkerHost.Create("node-a");
        var schedule = host.Services.GetRequiredService<NightlySchedule>();

        await campaigns.ApplyAsync(Population.Campaign(), default);
        await schedule.SyncAsync(default);
        var added = (Cron: await RecurringFieldAsync("Cron"), Zone: await RecurringFieldAsync("TimeZoneId"));

        await campaigns.ApplyAsync(Population.Campaign() with { Schedule = new CampaignSchedule { Cron = "30 1 * * *" } }, default);
        await schedule.SyncAsync(default);
        var changed = await RecurringFieldAsync("Cron");

        await campaigns.ApplyAsync(Population.Campaign() with { Active = false }, default);
        await schedule.SyncAsync(default);
        var paused = await RecurringFieldAsync("Cron");

        Assert.Multiple(() =>
        {
            Assert.That(added, Is.EqualTo(("0 0 2 * * ?", (string?)"Europe/Rome")));
            Assert.That(changed, Is.EqualTo("30 1 * * *"));
            Assert.That(paused, Is.Null, "a paused campaign has no recurring job");
        });
    }

    [TestCase("2026-03-10T01:00:00Z", "2026-03-10", "schedule", Description = "02:00 in Rome (CET), on time")]
    [TestCase("2026-03-10T01:04:59Z", "2026-03-10", "schedule", Description = "within the tolerance")]
    [TestCase("2026-03-10T07:30:00Z", "2026-03-10", "catch_up", Description = "the worker came back in the morning")]
    [TestCase("2026-07-10T00:00:00Z", "2026-07-10", "schedule", Description = "02:00 in Rome (CEST), 00:00 UTC")]
    [TestCase("2026-07-09T23:30:00Z", "2026-07-10", "catch_up", Description = "01:30 in Rome: the date is Rome's, not UTC's")]
    public void The_day_and_the_trigger_come_from_the_scheduled_time_in_Rome(string scheduled, string runOn, string trigger)
    {
        var (day, kind) = NightlySelectionJob.Occurrence(new CampaignSchedule(), DateTimeOffset.Parse(scheduled, CultureInfo.InvariantCulture));

        Assert.That((day, kind), Is.EqualTo((DateOnly.Parse(runOn, CultureInfo.InvariantCulture),
            trigger == "schedule" ? SelectionTrigger.Schedule : SelectionTrigger.CatchUp)));
    }

    static async Task<string?> RecurringFieldAsync(string field)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.QuerySingleOrDefaultAsync<string?>("SELECT value FROM hangfire.hash WHERE key = @key AND field = @field",
            new { key = $"recurring-job:{JobId}", field });
    }

    static async Task<string?> StateAsync(string job)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.QuerySingleOrDefaultAsync<string?>("SELECT statename FROM hangfire.job WHERE id = @id",
            new { id = long.Parse(job, CultureInfo.InvariantCulture) });
    }

    /// <summary>How many retries Hangfire scheduled for the job, once it sits in the Scheduled state.</summary>
    static async Task<long> RetriesAsync(string job) =>
        await StateAsync(job) == "Scheduled"
            ? await CountAsync("SELECT count(*) FROM hangfire.state WHERE jobid = @id AND name = 'Scheduled' AND reason LIKE 'Retry attempt%'",
                new { id = long.Parse(job, CultureInfo.InvariantCulture) })
            : -1;

    static async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>(sql, parameters);
    }
}
