namespace Dialer.Worker.Telephony.Emulator;

/// <summary>
/// A clock that runs <see cref="Speed"/> times faster than the real one, timers included, so that a simulated minute of
/// ringing and talking takes a fraction of a second while every timestamp, duration and CPS interval stays consistent
/// with the others. Speed 1 behaves like <see cref="TimeProvider.System"/>. It can be moved forward at once
/// (<see cref="JumpTo"/>) and change speed (<see cref="SetSpeed"/>), never backwards: `dialer demo` runs everything on one
/// (docs/demo.md "The demo clock"), jumping over the nights and the months after the calls.
/// </summary>
public sealed class AcceleratedClock : TimeProvider
{
    readonly Lock gate = new();
    DateTimeOffset origin;
    long realOrigin;
    double speed;

    public AcceleratedClock(double speed, DateTimeOffset? start = null)
    {
        Check(speed);
        this.speed = speed;
        origin = start ?? System.GetUtcNow();
        realOrigin = System.GetTimestamp();
    }

    public double Speed
    {
        get
        {
            lock (gate) return speed;
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate) return Now();
    }

    DateTimeOffset Now() => origin + TimeSpan.FromTicks((long)(System.GetElapsedTime(realOrigin).Ticks * speed));

    /// <summary>Simulated ticks: a duration measured on this clock is a simulated duration.</summary>
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Moves the clock to <paramref name="at"/> if that is later; returns how far it moved.</summary>
    public TimeSpan JumpTo(DateTimeOffset at)
    {
        lock (gate)
        {
            var now = Now();
            if (at <= now) return TimeSpan.Zero;
            origin = at;
            realOrigin = System.GetTimestamp();
            return at - now;
        }
    }

    /// <summary>From now on, simulated time runs <paramref name="value"/> times faster than real time (1 = real time).</summary>
    public void SetSpeed(double value)
    {
        Check(value);
        lock (gate)
        {
            origin = Now();
            realOrigin = System.GetTimestamp();
            speed = value;
        }
    }

    /// <summary>A timer in simulated time: its due time and period are divided by the speed at the moment it is set.</summary>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(System.CreateTimer(callback, state, Scale(dueTime), Scale(period)), this);

    TimeSpan Scale(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : span / Speed;

    static void Check(double value)
    {
        if (value is <= 0 or > 100_000 || double.IsNaN(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "speed must be > 0 and ≤ 100000");
    }

    sealed class ScaledTimer(ITimer inner, AcceleratedClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.Scale(dueTime), clock.Scale(period));
        public void Dispose() => inner.Dispose();
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
