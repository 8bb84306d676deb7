using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Dialing;
using Dialer.Core.Operators;
using Dialer.Core.Telephony;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Dialer.Core.Outcomes;

/// <summary>
/// Applies what the provider reported to an attempt and to everything around it: the operator (connected, then in
/// wrap-up; or released when nobody answered), the queue (retry after the delay the policy gives for the outcome,
/// stop and flag a failed number, finish an answered call), and the events. Safe to call any number of times, from any
/// replica: each transition is applied by whoever wins its conditional UPDATE.
/// </summary>
public sealed class AttemptOutcomes(CallAttempts attempts, OperatorRoster roster, DispositionLedger dispositions, CallQueue queue, DialingCampaigns campaigns,
    ContactHistory history, ITelephonyClient client, IPublishEndpoint bus, TimeProvider time, ILogger<AttemptOutcomes> logger)
{
    /// <summary>How long a contact waits after Twilio refused its create for a reason other than the number.</summary>
    public static readonly TimeSpan NotPlacedRetry = TimeSpan.FromMinutes(15);

    /// <summary>After a status callback (or the sweep): brings the attempt up to date and acts on what changed.</summary>
    public async Task ApplyAsync(long attemptId, CancellationToken ct)
    {
        var transition = await attempts.ApplyProviderStateAsync(attemptId, ct);
        if (transition is null) return;
        var attempt = transition.Attempt;
        if (transition.Answered)
        {
            if (attempt.OperatorId is { } op) await roster.ConnectAsync(op, attempt.Id, ct);
            await bus.Publish(new CallAnswered(attempt.Id, attempt.CampaignId, attempt.OperatorId, time.GetUtcNow()), ct);
        }
        if (transition.Ended) await EndedAsync(attempt, ct);
    }

    /// <summary>
    /// The create definitely failed, or reconciliation settled the attempt as not placed (nothing found at Twilio, or the
    /// create was never sent). Nothing to do when someone else had already settled it.
    /// </summary>
    public Task NotPlacedAsync(PlacementResult result, CancellationToken ct) =>
        result.Placed || result.SettledElsewhere ? Task.CompletedTask : EndedAsync(result.Attempt, ct, result.InvalidNumber, result.Reconciled);

    /// <summary>AMD found a machine: the person's call is ended at once (no message is left; the retry is the next day).</summary>
    public async Task MachineDetectedAsync(long attemptId, string answeredBy, CancellationToken ct)
    {
        if (!CallAttempts.IsMachine(answeredBy)) return;
        var attempt = await attempts.FindAsync(attemptId, ct);
        if (attempt is not { State: "placed", CallSid: { } sid }) return;
        try
        {
            await client.HangUpAsync(sid, ct);
        }
        catch (TwilioException ex)
        {
            // Already ended, or Twilio is failing: the final status callback settles the attempt either way.
            logger.LogInformation("Attempt {AttemptId}: hanging up on the machine failed with Twilio error {Code}", attemptId, ex.Code);
        }
    }

    async Task EndedAsync(CallAttempt attempt, CancellationToken ct, bool invalidNumber = false, bool reconciled = false)
    {
        var outcome = attempt.Outcome ?? ProviderOutcomes.NotPlaced;
        var campaign = await campaigns.FindAsync(attempt.CampaignId, ct);
        var pickedUp = attempt.AnsweredAt is not null;
        if (attempt.OperatorId is { } op)
        {
            // An operator who talked goes to wrap-up (a disposition is owed); one whose call never connected is free again.
            var wrapUp = TimeSpan.FromSeconds(campaign?.Policy.Settings.WrapUpSeconds ?? 120);
            var talked = pickedUp && !attempt.Abandoned && outcome == ProviderOutcomes.Answered;
            if (!(talked && await roster.EndCallAsync(op, attempt.Id, wrapUp, ct)))
                await roster.FreeAsync(op, attempt.Id, ct);
        }
        // The provider outcomes are dispositions too (recorded by the system), so reports read one table.
        if (outcome is ProviderOutcomes.NoAnswer or ProviderOutcomes.Busy or ProviderOutcomes.Machine or ProviderOutcomes.Failed)
            await dispositions.RecordSystemAsync(attempt.Id, outcome, ct);

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
                PolicyVerdict.Stop => new QueueCompletion(queueId, lease, QueueCompletionKind.Finish, decision.Reason, null, dialed ? outcome : null, attempt.Abandoned),
                PolicyVerdict.NotBefore => new QueueCompletion(queueId, lease, QueueCompletionKind.Retry, decision.Reason, decision.NotBefore,
                    dialed ? outcome : null, attempt.Abandoned),
                // Reconciliation found no call (or the create was never sent): try again later, with that reason.
                _ when !dialed && reconciled => new QueueCompletion(queueId, lease, QueueCompletionKind.Retry, PolicyReasons.NotPlacedReconciled,
                    now + NotPlacedRetry),
                // Twilio refused the create (not for the number), or its circuit was open: try again later, not in a tight loop.
                _ when !dialed => new QueueCompletion(queueId, lease, QueueCompletionKind.Retry, PolicyReasons.TelephonyPaused, now + NotPlacedRetry),
                _ => new QueueCompletion(queueId, lease, QueueCompletionKind.Retry, null, now, outcome, attempt.Abandoned),
            };
        }
        var result = await queue.CompleteAsync([completion], ct);
        if (result.Rejected.Count > 0)
            logger.LogWarning("Attempt {AttemptId}: the queue lease had already expired; the contact's next attempt is decided by the policy on claim", attempt.Id);
    }
}
