using System.ComponentModel.DataAnnotations;
using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialer.Core.Audit;

/// <summary>How long the audit log keeps a row (docs/audit.md, "Retention").</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>
    /// Days a row is kept before the nightly purge deletes it: two years by default. At least 30 (the database function
    /// refuses to purge anything younger than 29 days whatever this says).
    /// </summary>
    [Range(30, 36_500, ErrorMessage = "Audit:RetentionDays must be between 30 and 36500 days (default 730, two years).")]
    public int RetentionDays { get; set; } = 730;
}

/// <summary>
/// The audit log's retention: every night the rows older than <see cref="AuditOptions.RetentionDays"/> are purged, and
/// the purge records itself. <see cref="RunAsync"/> is the one pass; <see cref="Schedule"/> makes it the Hangfire
/// recurring job <see cref="JobId"/>, which the worker registers at start.
/// </summary>
public sealed class AuditRetention(AuditLog audit, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditRetention> logger)
{
    public const string JobId = "audit-retention";

    /// <summary>03:30 in Europe/Rome: after the nightly selections, before the first calls.</summary>
    public const string Cron = "30 3 * * *";

    /// <summary>Purges the rows older than the retention period; returns how many went.</summary>
    public async Task<long> RunAsync(CancellationToken ct)
    {
        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(options.Value.RetentionDays);
        var count = await audit.PurgeAsync(cutoff, ct);
        logger.LogInformation("Purged {Count} audit rows older than {Cutoff:o} ({RetentionDays} days)", count, cutoff, options.Value.RetentionDays);
        return count;
    }

    /// <summary>Adds (or updates) the recurring job; an existing one with the same cron is left as it is.</summary>
    public static void Schedule(IRecurringJobManagerV2 recurringJobs) =>
        recurringJobs.AddOrUpdate<AuditRetentionJob>(JobId, job => job.RunAsync(CancellationToken.None), Cron,
            new RecurringJobOptions { TimeZone = ItalianTime.Rome, MisfireHandling = MisfireHandlingMode.Relaxed });
}

/// <summary>
/// The nightly purge as Hangfire performs it. At least once is harmless: a second delivery finds nothing older than the
/// cutoff left, and records a purge of 0 rows.
/// </summary>
public sealed class AuditRetentionJob(AuditRetention retention)
{
    [AutomaticRetry(Attempts = 6, DelaysInSeconds = [60, 300, 900, 1800, 3600, 7200], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [JobDisplayName("Audit log retention purge")]
    public Task RunAsync(CancellationToken ct) => retention.RunAsync(ct);
}
