using Dialer.Core.Dialing;
using Dialer.Core.Operators;
using Dialer.Core.Telephony;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Dialer.Core.Outcomes;

/// <summary>
/// Applies what the provider reported to an attempt: the operator connected when the person answers, the provider
/// outcome recorded as a system disposition (so reports read one table), then the attempt's settlement (operator,
/// flagged number, queue, events: <see cref="AttemptSettlement"/>). Safe to call any number of times, from any
/// replica: each transition is applied by whoever wins its conditional UPDATE.
/// </summary>
public sealed class AttemptOutcomes(CallAttempts attempts, OperatorRoster roster, DispositionLedger dispositions, AttemptSettlement settlement,
    ITelephonyClient client, IBus bus, TimeProvider time, ILogger<AttemptOutcomes> logger)
{
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
        if (!transition.Ended) return;
        if (attempt.Outcome is ProviderOutcomes.NoAnswer or ProviderOutcomes.Busy or ProviderOutcomes.Machine or ProviderOutcomes.Failed)
            await dispositions.RecordSystemAsync(attempt.Id, attempt.Outcome, ct);
        await settlement.EndedAsync(attempt, ct);
    }

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
}
