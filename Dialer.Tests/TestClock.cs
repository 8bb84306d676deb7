namespace Dialer.Tests;

/// <summary>A clock the test sets and moves (the only fake besides the telephony provider). Timers run on real time.</summary>
public sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    DateTimeOffset current = now;

    public override DateTimeOffset GetUtcNow() => current;

    public void Set(DateTimeOffset now) => current = now;

    public void Advance(TimeSpan by) => current += by;
}
