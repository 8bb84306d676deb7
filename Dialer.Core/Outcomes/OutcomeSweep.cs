using Dialer.Core.Dialing;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Operators;
using Dialer.Core.Telephony;
using Microsoft.Extensions.Options;

namespace Dialer.Core.Outcomes;

/// <summary>
/// Settles what an event or a crash left unsettled, on any replica, any number of times: creates never sent or never
/// confirmed (reconciled, never re-sent), final statuses not yet applied, wrap-ups past their limit, previews left open
/// past their lease, and call-backs that came due while their event was lost (docs/dialing-safety.md).
/// </summary>
public sealed class OutcomeSweep(CallAttempts attempts, CallPlacer placer, AttemptSettlement settlement, AttemptOutcomes outcomes, OperatorRoster roster,
    CallbackList callbacks, CallQueue queue, DialingCampaigns campaigns, IOptions<DialingOptions> options)
{
    public async Task RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        await SettleStrandedCreatesAsync(now - options.Value.ReconcileAfter, ct);
        foreach (var id in await attempts.EndedUnappliedAsync(ct)) await outcomes.ApplyAsync(id, ct);
        await roster.EnforceWrapUpLimitsAsync(now, ct);
        await CloseStalePreviewsAsync(now - options.Value.PreviewLease, ct);
        await QueueDueCallbacksAsync(now, ct);
    }

    async Task SettleStrandedCreatesAsync(DateTimeOffset before, CancellationToken ct)
    {
        // An attempt whose create was never sent (its worker stopped between the claim and the create) is settled without
        // listing Twilio's calls: any call to that number now is one another worker has placed to the person since.
        foreach (var attempt in await attempts.UnsentAsync(before, ct))
        {
            if (await attempts.AbandonUnsentAsync(attempt.Id, ct) && await attempts.FindAsync(attempt.Id, ct) is { } settled)
                await settlement.NotPlacedAsync(new PlacementResult(settled, false, "never sent", false, Reconciled: true), ct);
        }
        foreach (var attempt in await attempts.UnconfirmedAsync(before, ct))
        {
            var callerId = (await campaigns.FindAsync(attempt.CampaignId, ct))?.Campaign.Definition.CallerId;
            var request = new CallRequest(attempt.AttemptKey, attempt.PhoneE164) { From = callerId };
            var result = await placer.ReconcileAsync(attempt, request, new DateTimeOffset(DateTime.SpecifyKind(attempt.CreatedAt, DateTimeKind.Utc)));
            if (!result.Placed) await settlement.NotPlacedAsync(result, ct);
        }
    }

    /// <summary>
    /// A preview nobody called nor skipped within its lease: the contact has gone back to the queue with the lease; the
    /// preview is closed as skipped and the operator, still reserved for it, is free again.
    /// </summary>
    async Task CloseStalePreviewsAsync(DateTimeOffset before, CancellationToken ct)
    {
        foreach (var preview in await attempts.StalePreviewsAsync(before, ct))
        {
            if (await attempts.SkipAsync(preview.Id, ct) && preview.OperatorId is { } op) await roster.FreeAsync(op, preview.Id, ct);
        }
    }

    /// <summary>Call-backs still only scheduled when due: the disposition's event never reached a consumer (a crash). Queued now.</summary>
    async Task QueueDueCallbacksAsync(DateTimeOffset now, CancellationToken ct)
    {
        foreach (var callback in await callbacks.TakeDueAsync(100, ct))
        {
            if (await attempts.FindAsync(callback.AttemptId, ct) is { QueueId: { } queueId })
                await queue.ReopenAsync(queueId, now, PolicyReasons.CallbackScheduled, ct);
        }
    }
}
