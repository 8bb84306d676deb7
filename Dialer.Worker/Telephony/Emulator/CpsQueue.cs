using System.Threading.Channels;
using Dialer.Core.Telephony;

namespace Dialer.Worker.Telephony.Emulator;

/// <summary>
/// An account's outbound queue (docs/twilio-reference.md §5.1): creates are accepted at once and leave here no faster than the calls
/// per second allowed. Each departure waits a full interval after the previous one as read from the clock, so no
/// one-second window ever holds more than CPS departures, whatever the timers' jitter.
/// </summary>
public sealed class CpsQueue(TimeProvider time, Func<EmulatorOptions> options, Func<EmulatedCall, Task> start)
{
    readonly Channel<EmulatedCall> waiting = Channel.CreateUnbounded<EmulatedCall>(new UnboundedChannelOptions { SingleReader = true });
    readonly List<DateTimeOffset> departures = [];
    readonly object gate = new();
    DateTimeOffset? last;
    int queued;

    TimeSpan Interval => TimeSpan.FromSeconds(1 / options().CallsPerSecond);

    /// <summary>When each call left the queue, in order.</summary>
    public IReadOnlyList<DateTimeOffset> Departures
    {
        get { lock (gate) return [.. departures]; }
    }

    /// <summary>How long a call queued now would wait (Twilio's <c>queue_time</c> estimate at creation).</summary>
    public TimeSpan Estimate()
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            var next = last is { } l && l + Interval > now ? l + Interval : now;
            return next - now + Interval * queued;
        }
    }

    public void Enqueue(EmulatedCall call)
    {
        lock (gate) queued++;
        waiting.Writer.TryWrite(call);
    }

    public void Reset()
    {
        lock (gate)
        {
            departures.Clear();
            last = null;
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (await waiting.Reader.WaitToReadAsync(ct))
        {
            while (waiting.Reader.TryRead(out var call))
            {
                lock (gate) queued--;
                if (!IsQueued(call)) continue;   // canceled while it waited: it takes no slot
                while (true)
                {
                    DateTimeOffset? previous;
                    lock (gate) previous = last;
                    var wait = previous is { } p ? p + Interval - time.GetUtcNow() : TimeSpan.Zero;
                    if (wait <= TimeSpan.Zero) break;
                    await Task.Delay(wait, time, ct);
                }
                var now = time.GetUtcNow();
                lock (call.Gate)
                {
                    if (call.Status != CallStatus.Queued) continue;
                    call.QueueTimeMs = (long)(now - call.Created).TotalMilliseconds;
                    if (now - call.Created > options().MaxQueueTime)
                    {
                        call.Status = CallStatus.Canceled;
                        call.Ended = call.Updated = now;
                        call.Record(now, CallStatus.Canceled, "queued longer than the maximum queue time");
                        continue;
                    }
                    call.Started = call.Updated = now;   // REST keeps showing "queued" until ringing (docs/twilio-reference.md §7.2.15)
                }
                lock (gate)
                {
                    last = now;
                    departures.Add(now);
                }
                call.Record(now, "dequeued", $"after {call.QueueTimeMs} ms in the queue");
                _ = start(call);
            }
        }
    }

    static bool IsQueued(EmulatedCall call)
    {
        lock (call.Gate) return call.Status == CallStatus.Queued;
    }

    /// <summary>The most departures found in any one-second window [t, t + 1 s).</summary>
    public static int MaxPerSecond(IReadOnlyList<DateTimeOffset> departures)
    {
        var max = 0;
        for (int start = 0, end = 0; start < departures.Count; start++)
        {
            while (end < departures.Count && departures[end] - departures[start] < TimeSpan.FromSeconds(1)) end++;
            max = Math.Max(max, end - start);
        }
        return max;
    }
}
