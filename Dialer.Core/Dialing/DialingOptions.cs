using System.ComponentModel.DataAnnotations;

namespace Dialer.Core.Dialing;

/// <summary>Settings of the dialing engine (section <c>Dialing</c>); per-campaign rules live in the campaign's <c>dialing</c> document.</summary>
public sealed class DialingOptions
{
    public const string Section = "Dialing";

    /// <summary>Whether this process runs the progressive dialing loop (workers: true; the API never dials on its own).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The Twilio account's calls-per-second budget, shared by all replicas (Twilio's default is 1).</summary>
    [Range(0.1, 1000)]
    public double CallsPerSecond { get; set; } = 1;

    /// <summary>How long a claimed contact stays leased to the worker dialing it; a crashed worker's claims return after it.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a preview stays leased to the operator reading it before it returns to the queue.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan PreviewLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The safety poll of the dialing loop, besides LISTEN/NOTIFY and events (lost events, lease expiries, windows opening).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An attempt whose create was sent this long ago and is still unconfirmed (a crash, a lost response) is reconciled by the sweep.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(2);
}
