using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialer.Core.Telephony;

/// <summary>
/// Makes what Twilio tells us durable, then publishes it: status callbacks (through group commit or one
/// transaction each, per <c>Telephony:StatusWrites</c>) and AMD verdicts. Redeliveries are stored and published once.
/// </summary>
public sealed class CallStatusRecorder(ProviderCallStore store, CallStatusWriter writer, IBus bus, IOptions<TelephonyOptions> options,
    ILogger<CallStatusRecorder> logger)
{
    public async Task<RecordedStatus> RecordStatusAsync(StatusCallback callback, CancellationToken ct)
    {
        var recorded = options.Value.StatusWrites switch
        {
            StatusWrites.GroupCommit => await writer.RecordAsync(callback, ct),
            StatusWrites.PerRequest => (await store.RecordAsync([callback], ct))[0],
            _ => new RecordedStatus(true, true),   // benchmark baseline: nothing stored
        };
        if (!recorded.IsNew)
        {
            logger.LogDebug("Call {CallSid}: status callback {SequenceNumber} redelivered, ignored", callback.CallSid, callback.SequenceNumber);
            return recorded;
        }
        if (!recorded.Applied)
            logger.LogDebug("Call {CallSid}: superseded status {Status} ({SequenceNumber}) stored, the call stays at a later status",
                callback.CallSid, callback.Status, callback.SequenceNumber);
        // After the commit: a consumer never hears of a status the database does not have.
        await bus.Publish(new CallStatusReceived(callback.CallSid, callback.AttemptId, callback.Status, callback.SequenceNumber,
            CallStatus.IsFinal(callback.Status), recorded.Applied, callback.AnsweredBy, callback.DurationSeconds, callback.ReceivedAt), ct);
        return recorded;
    }

    public async Task<bool> RecordAmdAsync(AmdCallback amd, CancellationToken ct)
    {
        if (!await store.RecordAmdAsync(amd, ct)) return false;
        logger.LogInformation("Call {CallSid} of attempt {AttemptId}: answered by {AnsweredBy}", amd.CallSid, amd.AttemptId, amd.AnsweredBy);
        await bus.Publish(new MachineDetectionReceived(amd.CallSid, amd.AttemptId, amd.AnsweredBy, amd.ReceivedAt), ct);
        return true;
    }
}
