using Dialer.Core;
using Dialer.Core.Audit;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dialer.Tests.Audit;

public sealed class AuditRetentionTests : DatabaseTest
{
    static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task The_nightly_pass_purges_what_is_older_than_the_retention_period()
    {
        var clock = new FakeTimeProvider(Now - TimeSpan.FromDays(731));
        var audit = new AuditLog(Db, clock);
        await audit.RecordAsync(new AuditEntry("m.rossi", AuditActions.SignIn, Subject: "731 days ago"), default);
        clock.SetUtcNow(Now - TimeSpan.FromDays(729));
        await audit.RecordAsync(new AuditEntry("m.rossi", AuditActions.SignIn, Subject: "729 days ago"), default);
        clock.SetUtcNow(Now);
        var retention = new AuditRetention(audit, Options.Create(new AuditOptions()), clock, NullLogger<AuditRetention>.Instance);

        var purged = await retention.RunAsync(default);
        var page = await audit.PageAsync(new AuditQuery(), default);

        Assert.Multiple(() =>
        {
            Assert.That(purged, Is.EqualTo(1), "two years by default: 730 days");
            Assert.That(page.Entries.Select(e => e.Subject ?? e.Action), Is.EqualTo(new[] { AuditActions.AuditPurged, "729 days ago" }));
        });
    }

    [TestCase(null, 730)]
    [TestCase("30", 30)]
    [TestCase("3650", 3650)]
    public void The_retention_setting_defaults_to_two_years(string? setting, int days) =>
        Assert.That(Resolve(setting).RetentionDays, Is.EqualTo(days));

    [TestCase("29")]
    [TestCase("0")]
    [TestCase("-1")]
    public void A_retention_shorter_than_30_days_is_refused_with_the_setting_named(string setting)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Resolve(setting));

        Assert.That(refused!.Message, Does.Contain("Audit:RetentionDays must be between 30 and 36500 days"));
    }

    [Test]
    public async Task The_worker_schedules_the_purge_at_half_past_three_in_rome_and_hangfire_runs_it()
    {
        using var worker = TestWorkerHost.Create("node-a");
        await worker.StartAsync();
        var scheduled = await Eventually.TrueAsync(async () => await RecurringFieldAsync("Cron") is not null, TimeSpan.FromSeconds(30));
        var job = worker.Services.GetRequiredService<IRecurringJobManagerV2>().TriggerJob(AuditRetention.JobId);
        var ran = await Eventually.TrueAsync(async () => await PurgesRecordedAsync() == 1, TimeSpan.FromSeconds(60));
        await worker.StopAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(scheduled, Is.True);
            Assert.That(await RecurringFieldAsync("Cron"), Is.EqualTo(AuditRetention.Cron));
            Assert.That(await RecurringFieldAsync("TimeZoneId"), Is.EqualTo(ItalianTime.Rome.Id));
            Assert.That(job, Is.Not.Null);
            Assert.That(ran, Is.True, "the triggered job purged and recorded its purge");
        });
    }

    static AuditOptions Resolve(string? retentionDays)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(retentionDays is null ? [] : [new KeyValuePair<string, string?>("Audit:RetentionDays", retentionDays)])
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddAudit();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<AuditOptions>>().Value;
    }

    static async Task<string?> RecurringFieldAsync(string field)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.QuerySingleOrDefaultAsync<string?>("SELECT value FROM hangfire.hash WHERE key = @key AND field = @field",
            new { key = $"recurring-job:{AuditRetention.JobId}", field });
    }

    static async Task<long> PurgesRecordedAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'audit_purged' AND actor = 'system'");
    }
}
