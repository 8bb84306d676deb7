namespace Dialer.Worker.Telephony.Emulator;

/// <summary>
/// A clock that runs <see cref="Speed"/> times faster than the real one, timers included, so that a simulated
/// minute of ringing and talking takes a fraction of a second in a test while every timestamp, duration and CPS
/// interval stays consistent with the others. Speed 1 behaves like <see cref="TimeProvider.System"/>.
/// </summary>
public sealed class AcceleratedClock : TimeProvider
{
    readonly DateTimeOffset origin;
    readonly long realOrigin;

    public AcceleratedClock(double speed, DateTimeOffset? start = null)
    {
        if (speed is <= 0 or > 10_000 || double.IsNaN(speed)) throw new ArgumentOutOfRangeException(nameof(speed), speed, "speed must be > 0 and ≤ 10000");
        Speed = speed;
        origin = start ?? System.GetUtcNow();
        realOrigin = System.GetTimestamp();
    }

    public double Speed { get; }

    public override DateTimeOffset GetUtcNow() => origin + System.GetElapsedTime(realOrigin) * Speed;

    public override long GetTimestamp() => realOrigin + (long)((System.GetTimestamp() - realOrigin) * Speed);

    public override long TimestampFrequency => System.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(System.CreateTimer(callback, state, Scale(dueTime), Scale(period)), this);

    TimeSpan Scale(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : span / Speed;

    sealed class ScaledTimer(ITimer inner, AcceleratedClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.Scale(dueTime), clock.Scale(period));
        public void Dispose() => inner.Dispose();
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
