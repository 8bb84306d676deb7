using Dialer.Core.Telephony;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialer.Core.Dialing;

/// <summary>
/// What placing an attempt gave: the attempt as stored, and whether Twilio has the call. <see cref="Reconciled"/>: not
/// placed as settled by reconciliation (nothing found at Twilio, or never sent). <see cref="SettledElsewhere"/>: the
/// attempt had already been settled by someone else (the sweep), whose outcome stands: the caller applies none.
/// </summary>
public sealed record PlacementResult(CallAttempt Attempt, bool Placed, string Reason, bool InvalidNumber, bool Reconciled = false,
    bool SettledElsewhere = false);

/// <summary>
/// Places one attempt: the route of the answered call (the operator reserved for it), a slot of the shared CPS budget,
/// then exactly one create. An ambiguous create is reconciled, never re-sent: the person is rung at most once per
/// attempt (docs/twilio-reference.md §5.4). The attempt row exists before the create, so a crash at any point leaves it to the sweep.
/// </summary>
public sealed class CallPlacer(CallAttempts attempts, CallRoutes routes, CpsBudget cps, ITelephonyClient client, CallReconciler reconciler,
    IBus bus, IOptions<TelephonyOptions> telephony, TimeProvider time, ILogger<CallPlacer> logger)
{
    // Twilio errors that mean the number itself cannot be called (docs/twilio-reference.md §1.7): the number is flagged.
    static readonly HashSet<int> InvalidNumberCodes = [13223, 13224, 21211, 21214, 21217];

    public async Task<PlacementResult> PlaceAsync(CallAttempt attempt, string? operatorTarget, string callerId, TimeSpan ringTimeout, CancellationToken ct)
    {
        var o = telephony.Value;
        await routes.SetAsync(new CallRoute(attempt.AttemptKey, operatorTarget, o.JobCentreName, o.CallbackNumber), ct);
        await cps.WaitForSlotAsync(ct);
        if (!await attempts.MarkSendingAsync(attempt.Id, ct))
        {
            // The attempt no longer holds its contact's lease (another worker may be dialing the person), or the sweep
            // settled it meanwhile: nothing is sent (docs/dialing-safety.md).
            var settledHere = await attempts.MarkNotPlacedAsync(attempt.Id, CancellationToken.None);
            logger.LogWarning("Attempt {AttemptId}: not sent, its queue lease was lost or it was settled meanwhile", attempt.Id);
            return new PlacementResult(await ReloadAsync(attempt), false, "lease lost before the create; nothing was sent", false,
                SettledElsewhere: !settledHere);
        }

        var request = new CallRequest(attempt.AttemptKey, attempt.PhoneE164) { From = callerId, RingTimeout = ringTimeout };
        var sentAt = time.GetUtcNow();
        // From here on the create may reach Twilio: the outcome is settled even if this process is asked to stop.
        var result = await client.PlaceCallAsync(request, CancellationToken.None);
        switch (result.Outcome)
        {
            case PlaceCallOutcome.Placed:
                return await PlacedAsync(attempt, result.Call!.Sid, "placed");
            case PlaceCallOutcome.NotPlaced:
                await attempts.MarkNotPlacedAsync(attempt.Id, CancellationToken.None);
                var invalid = result.Error is { } e && InvalidNumberCodes.Contains(e.Code);
                return new PlacementResult(await ReloadAsync(attempt), false, result.Reason, invalid);
            default:
                return await ReconcileAsync(attempt, request, sentAt);
        }
    }

    /// <summary>Settles an attempt whose create is unconfirmed (after a crash or an ambiguous response).</summary>
    public async Task<PlacementResult> ReconcileAsync(CallAttempt attempt, CallRequest request, DateTimeOffset sentAt)
    {
        var found = await reconciler.ReconcileAsync(request, sentAt, CancellationToken.None);
        if (!found.Found)
        {
            await attempts.MarkNotPlacedAsync(attempt.Id, CancellationToken.None);
            return new PlacementResult(await ReloadAsync(attempt), false, "not found by reconciliation", false, Reconciled: true);
        }
        foreach (var duplicate in found.Duplicates)
        {
            // A second call for one attempt must not ring the person twice.
            logger.LogWarning("Attempt {AttemptId}: cancelling duplicate call {CallSid}", attempt.Id, duplicate);
            try { await client.CancelAsync(duplicate, CancellationToken.None); }
            catch (TwilioException ex) { logger.LogWarning(ex, "Attempt {AttemptId}: duplicate {CallSid} could not be cancelled", attempt.Id, duplicate); }
        }
        return await PlacedAsync(attempt, found.CallSid!, "reconciled");
    }

    async Task<PlacementResult> PlacedAsync(CallAttempt attempt, string callSid, string reason)
    {
        // The person's open call-backs in the campaign are honoured by this call, whoever recorded it as placed first.
        await attempts.CallbacksHonouredAsync(attempt, CancellationToken.None);
        if (await attempts.MarkPlacedAsync(attempt.Id, callSid, CancellationToken.None))
            await bus.Publish(new CallPlaced(attempt.Id, attempt.CampaignId, attempt.OperatorId, callSid, attempt.Mode, time.GetUtcNow()), CancellationToken.None);
        return new PlacementResult(await ReloadAsync(attempt), true, reason, false);
    }

    async Task<CallAttempt> ReloadAsync(CallAttempt attempt) => await attempts.FindAsync(attempt.Id, CancellationToken.None) ?? attempt;
}
