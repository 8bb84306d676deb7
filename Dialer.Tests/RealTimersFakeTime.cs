using Microsoft.Extensions.Time.Testing;

namespace Dialer.Tests;

/// <summary>
/// The test clock for whole hosts (the API and worker hosts of <see cref="Dialing.DialingRig"/>): the date and time are
/// the <see cref="FakeTimeProvider"/>'s, set and moved by the test, while timers and elapsed-time measurements run in real
/// time. The hosts wait on their time provider (the dialing loop's poll and back-off, the queue's wait for work, the
/// calls-per-second budget, the reconciler's delay, Polly's timeouts and retries) and none of the end-to-end tests moves
/// the clock to release those waits: a plain FakeTimeProvider, whose timers fire only when it is advanced, would hang
/// them. Tests of a single class use a plain FakeTimeProvider and advance it where the class waits.
/// </summary>
public sealed class RealTimersFakeTime(DateTimeOffset now) : FakeTimeProvider(now)
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, dueTime, period);

    public override long GetTimestamp() => System.GetTimestamp();

    public override long TimestampFrequency => System.TimestampFrequency;
}
