namespace Dialer.Core.Dialing.Queue;

/// <summary>A (campaign, person) to be dialed from <paramref name="DueAt"/> on. Priority 1 is dialed first.</summary>
public sealed record QueueEntry(long CampaignId, string PersonCf, string PhoneE164, string? ComuneCode, int Priority,
    DateTimeOffset DueAt, long? ContactListEntryId);

/// <summary>Up to <paramref name="Max"/> contacts of one campaign, leased to <paramref name="WorkerId"/> for <paramref name="Lease"/>.</summary>
public sealed record ClaimRequest(long CampaignId, string WorkerId, int Max, TimeSpan Lease);

/// <summary>A claimed contact: dial it, then complete it with <see cref="LeaseToken"/> before <see cref="LeaseExpiresAt"/>.</summary>
public sealed record ClaimedContact(long QueueId, long CampaignId, string PersonCf, string PhoneE164, string? ComuneCode, int Priority,
    long? ContactListEntryId, int Attempts, string? LastOutcome, Guid LeaseToken, DateTimeOffset LeaseExpiresAt);

/// <summary>What <see cref="CallQueue.CompleteAsync"/> did: how many applied, and the queue ids whose lease token was stale.</summary>
public sealed record CompletionResult(int Applied, IReadOnlyList<long> Rejected);

/// <summary>
/// A campaign's queue as the diagnostics read it at one moment: rows claimable now, rows leased, rows held or
/// waiting for their retry time (per reason; "scheduled" for an entry enqueued for later with no reason), and
/// finished rows (per reason).
/// </summary>
public sealed record QueueHoldCounts(long Ready, long Leased, IReadOnlyDictionary<string, long> Held, IReadOnlyDictionary<string, long> Finished)
{
    public long HeldTotal => Held.Values.Sum();
}
