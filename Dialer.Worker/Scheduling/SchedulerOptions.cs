using System.ComponentModel.DataAnnotations;

namespace Dialer.Worker.Scheduling;

/// <summary>Quartz on its clustered PostgreSQL store: every worker replica is a node of one cluster.</summary>
public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>Name shared by every node of the cluster; nodes with another name do not see these jobs.</summary>
    [Required]
    public string Name { get; set; } = "Dialer";

    /// <summary>Distinct per node; AUTO makes one from the host name and the time.</summary>
    [Required]
    public string InstanceId { get; set; } = "AUTO";

    /// <summary>
    /// How often a node records that it is alive. 7.5 s is Quartz's default: a dead node's jobs are
    /// recovered within about twice this, which is ample for nightly jobs.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);

    /// <summary>Jobs run at once on one node; the recurring jobs are few and long, so a small pool suffices.</summary>
    [Range(1, 64)]
    public int MaxConcurrency { get; set; } = 4;
}
