using System.Diagnostics.Metrics;

namespace Dialer.Core.Telemetry;

/// <summary>
/// The dialer's own metrics, on the <c>Dialer</c> meter: what an ops team charts beside the framework's (names, units and
/// meanings in docs/observability.md). Tags are identifiers and outcome codes, never a person.
/// </summary>
/// <remarks>
/// Counters add up across processes: each event is counted once, by the process that handled it (see
/// <see cref="CallMetrics"/>), so a chart sums over every API and worker instance.
/// </remarks>
public sealed class DialerMetrics
{
    public const string MeterName = "Dialer";

    readonly Counter<long> callsPlaced;
    readonly Counter<long> callsAnswered;
    readonly Counter<long> callsAbandoned;
    readonly Counter<long> callsCompleted;
    readonly Counter<long> cpsSlots;
    readonly Histogram<double> cpsWait;
    readonly Counter<long> importRows;

    public DialerMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        callsPlaced = Meter.CreateCounter<long>("dialer.calls.placed", "{call}", "Calls Twilio accepted: one per attempt placed.");
        callsAnswered = Meter.CreateCounter<long>("dialer.calls.answered", "{call}", "Calls a person (not a machine) answered.");
        callsAbandoned = Meter.CreateCounter<long>("dialer.calls.abandoned", "{call}",
            "Answered calls that ended with no operator connected (the regulated abandonment rate is this over answered).");
        callsCompleted = Meter.CreateCounter<long>("dialer.calls.completed", "{call}", "Attempts ended, by provider outcome.");
        cpsSlots = Meter.CreateCounter<long>("dialer.cps.slots", "{call}",
            "Slots taken from the shared calls-per-second budget: one per create sent; its rate is the CPS used.");
        cpsWait = Meter.CreateHistogram<double>("dialer.cps.wait", "s",
            "How long a create waited for its CPS slot; near zero while the budget is not the limit.");
        importRows = Meter.CreateCounter<long>("dialer.import.rows", "{row}", "Notice rows read by imports, accepted or quarantined.");
    }

    /// <summary>The meter itself, for instruments that live with what they observe (<see cref="QueueDepthGauge"/>).</summary>
    public Meter Meter { get; }

    public void CallPlaced(long campaignId, string mode) =>
        callsPlaced.Add(1, new KeyValuePair<string, object?>(CampaignTag, campaignId), new KeyValuePair<string, object?>("dialer.mode", mode));

    public void CallAnswered(long campaignId) => callsAnswered.Add(1, new KeyValuePair<string, object?>(CampaignTag, campaignId));

    public void CallCompleted(long campaignId, string outcome, bool abandoned)
    {
        callsCompleted.Add(1, new KeyValuePair<string, object?>(CampaignTag, campaignId), new KeyValuePair<string, object?>("dialer.outcome", outcome));
        if (abandoned) callsAbandoned.Add(1, new KeyValuePair<string, object?>(CampaignTag, campaignId));
    }

    public void CpsSlotTaken(TimeSpan wait)
    {
        cpsSlots.Add(1);
        cpsWait.Record(wait.TotalSeconds);
    }

    public void ImportedRows(long accepted, long quarantined)
    {
        importRows.Add(accepted, new KeyValuePair<string, object?>("dialer.import.result", "accepted"));
        importRows.Add(quarantined, new KeyValuePair<string, object?>("dialer.import.result", "quarantined"));
    }

    /// <summary>The campaign's id (campaigns.id): the same in every event, report and log line.</summary>
    public const string CampaignTag = "dialer.campaign.id";
}
