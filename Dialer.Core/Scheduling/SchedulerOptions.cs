using System.ComponentModel.DataAnnotations;

namespace Dialer.Core.Scheduling;

/// <summary>
/// Hangfire on PostgreSQL: every worker replica runs a Hangfire server on the shared storage; the API reads the same
/// storage for the dashboard and runs no server. Defaults and the statement rates they give: docs/scheduling.md.
/// </summary>
public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>The server's name on the dashboard; empty: Hangfire's default (host name and process id).</summary>
    public string? ServerName { get; set; }

    /// <summary>Jobs run at once on one worker; the recurring jobs are few and long, so a small pool suffices.</summary>
    [Range(1, 64)]
    public int WorkerCount { get; set; } = 2;

    /// <summary>
    /// How often an idle server looks for enqueued and due jobs (the queue, delayed retries). The statement rate of an
    /// idle worker is about proportional to its inverse; the nightly jobs can wait this long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A job fetched by a worker that then vanished (killed, host lost) is fetched again after this long. The timeout is
    /// sliding: a live worker renews it every fifth of it, so a selection longer than this is never fetched twice.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether the worker keeps a recurring nightly selection per active campaign (true in production). `dialer demo` sets
    /// it false: its scenario runs the nightly selection on the demo clock, which Hangfire's real-time cron knows nothing of.
    /// </summary>
    public bool SyncCampaigns { get; set; } = true;

    /// <summary>How often the worker reconciles the recurring jobs with the campaigns table.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CampaignSyncInterval { get; set; } = TimeSpan.FromMinutes(1);
}
