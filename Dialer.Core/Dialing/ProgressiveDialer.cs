using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using Dialer.Core.Telephony;
using Microsoft.Extensions.Options;

namespace Dialer.Core.Dialing;

/// <summary>
/// Progressive mode: one call per available operator, the operator reserved before the create, so an answered call
/// always has someone to take it (no abandoned calls by design). Any number of replicas may run rounds at once: the
/// queue's claim (SKIP LOCKED, leases), the operator reservation (one conditional UPDATE) and the CPS budget (one row)
/// are each shared through PostgreSQL.
/// </summary>
public sealed class ProgressiveDialer(CallQueue queue, OperatorRoster roster, CallAttempts attempts, ContactHistory history, ContactScreening screening,
    CallPlacer placer,
    AttemptOutcomes outcomes, DialingCampaigns campaigns, TelephonyHealth health, IOptions<DialingOptions> options,
    TimeProvider time)
{
    /// <summary>How long a placed call keeps its queue lease: the longest call Twilio allows (4 hours).</summary>
    public static readonly TimeSpan CallLease = TimeSpan.FromHours(4);

    /// <summary>
    /// One round for the campaign: claims as many contacts as there are available operators, and for each that the policy
    /// lets through reserves an operator and places the call. Returns how many calls were placed.
    /// </summary>
    public async Task<int> RunRoundAsync(DialingCampaign campaign, string workerId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!campaign.Campaign.Active || campaign.Settings.Mode != DialingMode.Progressive) return 0;
        if (!campaign.Policy.Calendar.IsOpen(now, null) || health.IsOpen) return 0;
        var available = await roster.CountAvailableAsync(campaign.Id, ct);
        if (available == 0) return 0;

        var guards = campaign.Guards(await campaigns.PatronComuniTodayAsync(now, ct));
        var claimed = await queue.ClaimAsync(new ClaimRequest(campaign.Id, workerId, available, options.Value.ClaimLease, guards), ct);
        var placed = 0;
        foreach (var contact in claimed)
        {
            if (await DialAsync(campaign, contact, ct)) placed++;
        }
        return placed;
    }

    async Task<bool> DialAsync(DialingCampaign campaign, ClaimedContact contact, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (await screening.ScreenAsync(campaign, contact, now, ct) is not { } facts) return false;

        var attempt = await attempts.CreateAsync(new NewAttempt(campaign.Id, contact.QueueId, contact.LeaseToken, contact.PersonCf, contact.PhoneE164,
            "progressive", null, facts.CallbackAt is not null), ct);
        var reserved = await ReserveAsync(campaign, contact, attempt, ct);
        if (reserved is null)
        {
            // Another worker took the operator between the count and now: nothing was sent, so the attempt never happened,
            // and the contact goes straight back to the queue for the next free operator.
            await attempts.DiscardAsync(attempt.Id, ct);
            await queue.CompleteAsync([QueueCompletion.Release(contact, now)], ct);
            return false;
        }
        // The call may outlast the claim's lease; the lease is stretched so no other worker can claim the person meanwhile.
        if (!await queue.ExtendLeaseAsync(contact.QueueId, contact.LeaseToken, CallLease, ct))
        {
            // The claim's lease ran out before the dial (a stall longer than Dialing:ClaimLease): another worker may hold
            // the person now and dial them. Nothing is sent; the operator is free again, and the queue row is left to
            // whoever holds it (docs/dialing-safety.md).
            await attempts.MarkNotPlacedAsync(attempt.Id, ct);
            await roster.ReleaseAsync(reserved.OperatorId, attempt.Id, ct);
            return false;
        }
        attempt = await attempts.FindAsync(attempt.Id, ct) ?? attempt;

        var result = await placer.PlaceAsync(attempt, reserved.Target, campaign.Campaign.Definition.CallerId,
            TimeSpan.FromSeconds(campaign.Settings.RingTimeoutSeconds), ct);
        if (!result.Placed) await outcomes.NotPlacedAsync(result, ct);
        else await history.CallbacksDoneAsync(campaign.Id, contact.PersonCf, ct);
        return result.Placed;
    }

    /// <summary>A personal call-back goes to the operator the person spoke to; anything else to whoever is free.</summary>
    async Task<ReservedOperator?> ReserveAsync(DialingCampaign campaign, ClaimedContact contact, CallAttempt attempt, CancellationToken ct)
    {
        if (await history.PersonalCallbackOperatorAsync(campaign.Id, contact.PersonCf, time.GetUtcNow(), ct) is { } identity)
            return await roster.TryReserveAsync(identity, campaign.Id, attempt.Id, ct);
        return await roster.TryReserveAsync(campaign.Id, attempt.Id, ct);
    }
}
