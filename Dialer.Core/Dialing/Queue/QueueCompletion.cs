namespace Dialer.Core.Dialing.Queue;

public enum QueueCompletionKind
{
    /// <summary>Claimable again from <see cref="QueueCompletion.At"/> (a retry delay, or a release at once).</summary>
    Retry,

    /// <summary>Not dialable until <see cref="QueueCompletion.At"/> for <see cref="QueueCompletion.Reason"/> (e.g. outside_calling_window).</summary>
    Hold,

    /// <summary>Done: never claimed again; <see cref="QueueCompletion.Reason"/> says why (a disposition code, number_flagged …).</summary>
    Finish,
}

/// <summary>
/// The end of one lease. <see cref="Outcome"/> is the provider outcome when a call was attempted: any outcome other than
/// not_placed is a real dial, counted on the queue row (its attempts). The person's caps and cool-off are read from
/// the attempts themselves (ContactHistory), not from completions.
/// </summary>
public sealed record QueueCompletion(long QueueId, Guid LeaseToken, QueueCompletionKind Kind, string? Reason, DateTimeOffset? At,
    string? Outcome = null)
{
    public bool IsDial => Outcome is not null && Outcome != "not_placed";

    public static QueueCompletion Retry(ClaimedContact contact, DateTimeOffset at, string reason, string? outcome = null) =>
        new(contact.QueueId, contact.LeaseToken, QueueCompletionKind.Retry, reason, at, outcome);

    public static QueueCompletion Hold(ClaimedContact contact, DateTimeOffset until, string reason, string? outcome = null) =>
        new(contact.QueueId, contact.LeaseToken, QueueCompletionKind.Hold, reason, until, outcome);

    public static QueueCompletion Finish(ClaimedContact contact, string reason, string? outcome = null) =>
        new(contact.QueueId, contact.LeaseToken, QueueCompletionKind.Finish, reason, null, outcome);

    /// <summary>Gives a claimed contact back undialed, claimable at once (e.g. claimed more than there were operators for).</summary>
    public static QueueCompletion Release(ClaimedContact contact, DateTimeOffset now) =>
        new(contact.QueueId, contact.LeaseToken, QueueCompletionKind.Retry, null, now);
}

/// <summary>The shared dialing vocabulary (docs/dialing-practice.md §10) the queue stores and checks.</summary>
public static class QueueVocabulary
{
    /// <summary>Reasons not to dial: a retry, a hold, a guard, or why a row finished.</summary>
    public static readonly IReadOnlySet<string> Reasons = new HashSet<string>(StringComparer.Ordinal)
    {
        "outside_calling_window", "public_holiday", "patron_saint_day", "daily_cap_reached", "total_cap_reached",
        "retry_delay_busy", "retry_delay_no_answer", "retry_delay_machine", "number_flagged", "objection", "abandoned_cool_off",
        "callback_scheduled", "no_operator_available", "telephony_paused", "campaign_inactive", "contact_expired",
        "skipped_by_operator", "not_placed_reconciled",
    };

    /// <summary>Provider outcomes (call_attempts.outcome).</summary>
    public static readonly IReadOnlySet<string> Outcomes = new HashSet<string>(StringComparer.Ordinal)
    {
        "answered", "busy", "no_answer", "machine", "failed", "canceled", "not_placed",
    };

    /// <summary>Disposition codes (call_dispositions.code), operators' and the system's.</summary>
    public static readonly IReadOnlySet<string> Dispositions = new HashSet<string>(StringComparer.Ordinal)
    {
        "intake_accepted", "refused", "already_employed", "wrong_person", "wrong_number", "call_back", "do_not_call",
        "no_answer", "busy", "machine", "failed",
    };
}
