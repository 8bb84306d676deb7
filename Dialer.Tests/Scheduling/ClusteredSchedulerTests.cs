using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Dialer.Tests.Scheduling;

public sealed class ClusteredSchedulerTests : DatabaseTest
{
    const int Fires = 8;

    [Test]
    public async Task Each_trigger_fires_exactly_once_across_two_worker_hosts()
    {
        await using (var conn = await Db.OpenConnectionAsync())
            await conn.ExecuteAsync("CREATE TABLE IF NOT EXISTS test_job_runs (scheduled_at timestamptz NOT NULL, instance_id text NOT NULL)");
        using var first = WorkerHost("node-a");
        using var second = WorkerHost("node-b");
        await first.StartAsync();
        await second.StartAsync();
        // Scheduled once both nodes are up, through the shared store: whichever node acquires each fire runs it.
        var scheduler = await first.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.ScheduleJob(TriggerBuilder.Create().ForJob(Job).WithIdentity("counting-every-second", "tests")
            .StartAt(DateTimeOffset.UtcNow.AddSeconds(2))
            .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(1)).WithRepeatCount(Fires - 1)).Build(), default);
        await Eventually.TrueAsync(async () => (await RunsAsync()).Count >= Fires, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var runs = await RunsAsync();
        await first.StopAsync();
        await second.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(runs.Select(r => r.ScheduledAt), Is.Unique, "never two runs for one fire time");
            Assert.That(runs, Has.Count.EqualTo(Fires), "every fire time ran");
            Assert.That(runs.Select(r => r.InstanceId), Has.All.AnyOf("node-a", "node-b"));
        });
    }

    static readonly JobKey Job = new("counting", "tests");

    // Every node knows the job, as replicas with one configuration do.
    static IHost WorkerHost(string instanceId) =>
        TestWorkerHost.Create(instanceId, q => q.AddJob<CountingJob>(j => j.WithIdentity(Job).StoreDurably()));

    static async Task<List<Run>> RunsAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<Run>("SELECT scheduled_at, instance_id FROM test_job_runs ORDER BY scheduled_at")).ToList();
    }

    sealed record Run(DateTime ScheduledAt, string InstanceId);

    sealed class CountingJob(NpgsqlDataSource db) : IJob
    {
        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            await using var conn = await db.OpenConnectionAsync(cancellationToken);
            await conn.ExecuteAsync(new CommandDefinition(
                "INSERT INTO test_job_runs (scheduled_at, instance_id) VALUES (@at, @instance)",
                new { at = context.ScheduledFireTimeUtc!.Value.UtcDateTime, instance = context.Scheduler.SchedulerInstanceId },
                cancellationToken: cancellationToken));
        }
    }
}
