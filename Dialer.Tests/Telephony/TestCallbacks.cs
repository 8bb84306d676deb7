using Dialer.Core.Telephony;

namespace Dialer.Tests.Telephony;

static class TestCallbacks
{
    public static StatusCallback Status(string callSid, string status, int sequence, string? attemptId = "att-1") =>
        new(callSid, attemptId, status, sequence, null, null, CallStatus.IsFinal(status) ? 42 : null, null, "{}", DateTimeOffset.UtcNow);
}
