using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Dialing;
using Dialer.Core.Telephony;
using MassTransit;

namespace Dialer.Core.Outcomes;

/// <summary>
/// Status callbacks and AMD verdicts, as the webhooks publish them once durable: applied to the attempt, its operator
/// and its queue entry. Runs in whichever process receives the event (with RabbitMQ, one replica per event); the sweep
/// in the dialing loop applies anything an event did not (a crash between the webhook and the consumer).
/// </summary>
public sealed class CallStatusConsumer(AttemptOutcomes outcomes) : IConsumer<CallStatusReceived>, IConsumer<MachineDetectionReceived>
{
    public async Task Consume(ConsumeContext<CallStatusReceived> context)
    {
        if (AttemptId(context.Message.AttemptId) is { } id) await outcomes.ApplyAsync(id, context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<MachineDetectionReceived> context)
    {
        if (AttemptId(context.Message.AttemptId) is { } id) await outcomes.MachineDetectedAsync(id, context.Message.AnsweredBy, context.CancellationToken);
    }

    // Attempt ids of ours are decimal; callbacks of calls placed by other tools (or tests) carry something else.
    static long? AttemptId(string? key) =>
        long.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;
}

/// <summary>
/// An operator's disposition on the queue: a call-back reopens the person's entry at the time they chose, moved by the
/// policy to the next allowed slot if that time is not callable (a holiday, an evening), with the reason on the entry;
/// any other disposition becomes the finished entry's reason (what the diagnostics count).
/// </summary>
public sealed class DispositionConsumer(CallAttempts attempts, CallQueue queue, DialingCampaigns campaigns, ContactHistory history, TimeProvider time)
    : IConsumer<DispositionRecorded>
{
    public async Task Consume(ConsumeContext<DispositionRecorded> context)
    {
        var recorded = context.Message;
        var ct = context.CancellationToken;
        if (await attempts.FindAsync(recorded.AttemptId, ct) is not { QueueId: { } queueId } attempt) return;
        if (recorded.CallbackAt is null)
        {
            await queue.SetFinishedReasonAsync(queueId, recorded.Code, ct);
            return;
        }
        if (await campaigns.FindAsync(attempt.CampaignId, ct) is not { } campaign) return;

        var now = time.GetUtcNow();
        var facts = await history.FactsAsync(attempt.CampaignId, attempt.PersonCf, attempt.PhoneE164, null, now, ct);
        var decision = campaign.Policy.Decide(facts with { CallbackAt = recorded.CallbackAt }, now);
        if (decision.Verdict == PolicyVerdict.Stop) return;   // an objection or a flagged number since: no call-back
        var at = decision.NotBefore ?? recorded.CallbackAt.Value;
        await queue.ReopenAsync(queueId, at, PolicyReasons.CallbackScheduled, ct);
        await history.CallbackQueuedAsync(recorded.AttemptId, ct);
    }
}
