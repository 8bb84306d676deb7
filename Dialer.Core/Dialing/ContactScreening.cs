using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;

namespace Dialer.Core.Dialing;

/// <summary>
/// The check every claimed contact passes before it is dialed, in both modes: its contact-list entry has not expired
/// and the contact policy says Dial. Otherwise the decision is recorded on the queue row (held until a time, or
/// finished, with the reason the diagnostics count) and a failed number is flagged.
/// </summary>
public sealed class ContactScreening(ContactHistory history, CallAttempts attempts, CallQueue queue)
{
    /// <summary>The person's facts when the contact may be dialed now; null when it was put back or finished.</summary>
    public async Task<ContactFacts?> ScreenAsync(DialingCampaign campaign, ClaimedContact contact, DateTimeOffset now, CancellationToken ct)
    {
        var facts = await history.FactsAsync(campaign.Id, contact.PersonCf, contact.PhoneE164, contact.ComuneCode, now, ct);
        var decision = await history.ExpireIfPastAsync(contact.ContactListEntryId, now, ct)
            ? PolicyDecision.Stop(PolicyReasons.ContactExpired)
            : campaign.Policy.Decide(facts, now);
        if (decision.Verdict == PolicyVerdict.Dial) return facts;

        if (decision.FlagNumber) await attempts.FlagNumberAsync(contact.PhoneE164, "failed", null, ct);
        await queue.CompleteAsync([decision.Verdict == PolicyVerdict.Stop
            ? QueueCompletion.Finish(contact, decision.Reason!)
            : QueueCompletion.Hold(contact, decision.NotBefore!.Value, decision.Reason!)], ct);
        return null;
    }
}
