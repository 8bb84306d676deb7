using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Operators;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Dialer.Core.Dialing;

/// <summary>
/// What follows the end of an attempt, whoever ended it (a final status, a create Twilio refused, reconciliation): the
/// operator (to wrap-up after a conversation, free otherwise), a failed or invalid number flagged, the contact's queue
/// row (finished after a conversation; otherwise the contact policy says when it may be rung again, or that it may
/// not), and the <see cref="CallCompleted"/> event. Safe to run more than once: a stale lease is rejected by the queue.
/// </summary>
public sealed class AttemptSettlement(CallAttempts attempts, OperatorRoster roster, CallQueue queue, DialingCampaigns campaigns, ContactHistory history,
    IBus bus, TimeProvider time, ILogger<AttemptSettlement> logger)
{
    /// <summary>How long a contact waits after Twilio refused its create for a reason other than the number.</summary>
    public static readonly TimeSpan NotPlacedRetry = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The create definitely failed, or reconciliation settled the attempt as not placed (nothing found at Twilio, or the
    /// create was never sent). Nothing to do when someone else had already settled it.
    /// </summary>
    public Task NotPlacedAsync(PlacementResult result, CancellationToken ct) =>
        result.Placed || result.SettledElsewhere ? Task.CompletedTask : EndedAsync(result.Attempt, ct, result.InvalidNumber, result.Reconciled);

    /// <summary>Settles an attempt that has ended (its outcome stored on the row; none means not placed).</summary>
    public async Task EndedAsync(CallAttempt attempt, CancellationToken ct, bool invalidNumber = false, bool reconciled = false)
    {
        var outcome = attempt.Outcome ?? ProviderOutcomes.NotPlaced;
        var campaign = await campaigns.FindAsync(attempt.CampaignId, ct);
        if (attempt.OperatorId is { } op)
        {
            // An operator who talked goes to wrap-up (a disposition is owed); one whose call never connected is free again.
            var wrapUp = TimeSpan.FromSeconds(campaign?.Policy.Settings.WrapUpSeconds ?? 120);
            var talked = attempt.AnsweredAt is not null && !attempt.Abandoned && outcome == ProviderOutcomes.Answered;
            if (!(talked && await roster.EndCallAsync(op, attempt.Id, wrapUp, ct)))
                await roster.FreeAsync(op, attempt.Id, ct);
        }
        if (outcome == ProviderOutcomes.Failed || invalidNumber)
            await attempts.FlagNumberAsync(attempt.PhoneE164, invalidNumber ? "invalid_number" : "failed", attempt.Id, ct);

        if (attempt is { QueueId: { } queueId, QueueLease: { } lease } && campaign is not null)
            await CompleteQueueAsync(attempt, campaign, queueId, lease, outcome, reconciled, ct);

        await bus.Publish(new CallCompleted(attempt.Id, attempt.CampaignId, attempt.OperatorId, outcome, attempt.Abandoned, time.GetUtcNow()), ct);
    }

    async Task CompleteQueueAsync(CallAttempt attempt, DialingCampaign campaign, long queueId, Guid lease, string outcome, bool reconciled,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var dialed = outcome != ProviderOutcomes.NotPlaced;
        QueueCompletion completion;
        if (outcome == ProviderOutcomes.Answered && !attempt.Abandoned)
        {
            // The conversation happened: the operator's disposition says what follows (a call-back reopens the contact).
            completion = new QueueCompletion(queueId, lease, QueueCompletionKind.Finish, ProviderOutcomes.Answered, null, outcome);
        }
        else
        {
            var facts = await history.FactsAsync(attempt.CampaignId, attempt.PersonCf, attempt.PhoneE164, null, now, ct);
            var decision = campaign.Policy.Decide(facts, now);
            completion = decision.Verdict switch
            {
                PolicyVerdict.Stop => new QueueCompletion(queueId, lease, QueueCompletionKind.Finish, decision.Reason, null, dialed ? outcome : null),
                PolicyVerdict.NotBefore => new QueueCompletion(queueId, lease, QueueCompletionKind.Retry, decision.Reason, decision.NotBefore,
                    dialed ? outcome : null),
                // Reconciliation found no call (or the create was never sent): try again later, with that reason.
                _ when !dialed && reconciled => new QueueCompletion(queueId, lease, QueueCompletionKind.Retry, PolicyReasons.NotPlacedReconciled,
                    now + NotPlacedRetry),
                // Twilio refused the create (not for the number), or its circuit was open: try again later, not in a tight loop.
                _ when !dialed => new QueueCompletion(queueId, lease, QueueCompletionKind.Retry, PolicyReasons.TelephonyPaused, now + NotPlacedRetry),
                _ => new QueueCompletion(queueId, lease, QueueCompletionKind.Retry, null, now, outcome),
            };
        }
        var result = await queue.CompleteAsync([completion], ct);
        if (result.Rejected.Count > 0)
            logger.LogWarning("Attempt {AttemptId}: the queue lease had already expired; the contact's next attempt is decided by the policy on claim", attempt.Id);
    }
}
