using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Operators;

namespace Dialer.Core.Dialing;

/// <summary>
/// The steps every dial takes, in both modes. <see cref="OpenAsync"/>: a claimed contact passes the contact policy and
/// its attempt is written. Then an operator is reserved (by the mode: whoever is free, or the operator who previews);
/// without one, <see cref="GiveBackAsync"/>. <see cref="DialAsync"/>: the lease is stretched for the call, exactly one
/// create is sent, and a call that was not placed is settled at once.
/// </summary>
public sealed class DialSequence(ContactScreening screening, CallAttempts attempts, CallQueue queue, OperatorRoster roster, CallPlacer placer,
    AttemptSettlement settlement)
{
    /// <summary>How long a placed call keeps its queue lease: the longest call Twilio allows (4 hours).</summary>
    public static readonly TimeSpan CallLease = TimeSpan.FromHours(4);

    /// <summary>
    /// The attempt for a claimed contact the policy lets through, with the facts it was decided on; null when the
    /// contact was put back or finished.
    /// </summary>
    public async Task<(CallAttempt Attempt, ContactFacts Facts)?> OpenAsync(DialingCampaign campaign, ClaimedContact contact, string mode,
        DateTimeOffset now, CancellationToken ct)
    {
        if (await screening.ScreenAsync(campaign, contact, now, ct) is not { } facts) return null;
        var attempt = await attempts.CreateAsync(new NewAttempt(campaign.Id, contact.QueueId, contact.LeaseToken, contact.PersonCf, contact.PhoneE164,
            mode, null, facts.CallbackAt is not null), ct);
        return (attempt, facts);
    }

    /// <summary>
    /// No operator could be reserved (another worker took the one counted, or the previewing operator is not available):
    /// nothing was sent, so the attempt never happened, and the contact goes straight back to the queue.
    /// </summary>
    public async Task GiveBackAsync(CallAttempt attempt, ClaimedContact contact, DateTimeOffset now, CancellationToken ct)
    {
        await attempts.DiscardAsync(attempt.Id, ct);
        await queue.CompleteAsync([QueueCompletion.Release(contact, now)], ct);
    }

    /// <summary>
    /// Places the attempt for the operator reserved for it. Null when the contact's lease had run out first (a stall
    /// longer than the claim's lease, or a preview card left open past its lease): another worker may hold the person
    /// now, so nothing is sent and the operator is free again (docs/dialing-safety.md).
    /// </summary>
    public async Task<PlacementResult?> DialAsync(DialingCampaign campaign, CallAttempt attempt, long operatorId, string? operatorTarget, CancellationToken ct)
    {
        // The call may outlast the claim's lease; the lease is stretched so no other worker can claim the person meanwhile.
        if (!await queue.ExtendLeaseAsync(attempt.QueueId!.Value, attempt.QueueLease!.Value, CallLease, ct))
        {
            await attempts.MarkNotPlacedAsync(attempt.Id, ct);
            await roster.ReleaseAsync(operatorId, attempt.Id, ct);
            return null;
        }
        var current = await attempts.FindAsync(attempt.Id, ct) ?? attempt;
        var result = await placer.PlaceAsync(current, operatorTarget, campaign.Campaign.Definition.CallerId,
            TimeSpan.FromSeconds(campaign.Settings.RingTimeoutSeconds), ct);
        if (!result.Placed) await settlement.NotPlacedAsync(result, ct);
        return result;
    }
}
