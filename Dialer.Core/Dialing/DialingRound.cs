using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Operators;
using Dialer.Core.Telephony;
using Microsoft.Extensions.Options;

namespace Dialer.Core.Dialing;

/// <summary>
/// One round of progressive dialing for a campaign: claim, screen, attempt, reserve, place. One call per available
/// operator, the operator reserved before the create, so an answered call always has someone to take it (no abandoned
/// calls by design). Any number of replicas may run rounds at once: the queue's claim (SKIP LOCKED, leases), the
/// operator reservation (one conditional UPDATE) and the CPS budget (one row) are each shared through PostgreSQL.
/// </summary>
public sealed class DialingRound(CallQueue queue, OperatorRoster roster, DialSequence sequence, TelephonyHealth health, IOptions<DialingOptions> options,
    TimeProvider time)
{
    /// <summary>
    /// Claims as many contacts as there are available operators and, for each that the policy lets through, reserves an
    /// operator and places the call. Returns how many calls were placed.
    /// </summary>
    public async Task<int> RunAsync(DialingCampaign campaign, string workerId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!campaign.Campaign.Active || campaign.Settings.Mode != DialingMode.Progressive) return 0;
        if (!campaign.Policy.Calendar.IsOpen(now, null) || health.IsOpen) return 0;
        var available = await roster.CountAvailableAsync(campaign.Id, ct);
        if (available == 0) return 0;

        var claimed = await queue.ClaimAsync(new ClaimRequest(campaign.Id, workerId, available, options.Value.ClaimLease), ct);
        var placed = 0;
        foreach (var contact in claimed)
        {
            if (await DialAsync(campaign, contact, ct)) placed++;
        }
        return placed;
    }

    async Task<bool> DialAsync(DialingCampaign campaign, ClaimedContact contact, CancellationToken ct)
    {
        if (await sequence.OpenAsync(campaign, contact, "progressive", time.GetUtcNow(), ct) is not var (attempt, facts)) return false;
        // A personal call-back goes to the operator the person spoke to; anything else to whoever is free.
        var reserved = facts.CallbackOperator is { } identity
            ? await roster.TryReserveAsync(identity, campaign.Id, attempt.Id, ct)
            : await roster.TryReserveAsync(campaign.Id, attempt.Id, ct);
        if (reserved is null)
        {
            await sequence.GiveBackAsync(attempt, contact, time.GetUtcNow(), ct);
            return false;
        }
        return await sequence.DialAsync(campaign, attempt, reserved.OperatorId, reserved.Target, ct) is { Placed: true };
    }
}
