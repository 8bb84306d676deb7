using Dialer.Core.Telephony;
namespace Dialer.Worker.Telephony.Emulator;

/// <summary>One step in a call's life as the emulator saw it (state changes, TwiML verbs, webhooks).</summary>
public sealed record CallEvent(DateTimeOffset At, string Kind, string? Detail = null);

/// <summary>
/// A call (or a &lt;Dial&gt; child leg) and everything that happened to it. Mutable state is guarded by
/// <see cref="Gate"/>; readers take a <see cref="Snapshot"/>.
/// </summary>
public sealed class EmulatedCall(string sid, string accountSid, CallRequest request, CallScript script, DateTimeOffset created,
    string direction = "outbound-api", string? parentCallSid = null, long ordinal = 0)
{
    readonly List<CallEvent> timeline = [];
    int nextSequence;

    public object Gate { get; } = new();
    public string Sid { get; } = sid;
    public string AccountSid { get; } = accountSid;
    public string? ParentCallSid { get; } = parentCallSid;
    public string Direction { get; } = direction;
    public CallRequest Request { get; } = request;
    public CallScript Script { get; } = script;
    public DateTimeOffset Created { get; } = created;

    /// <summary>Creation order, for "newest first" among calls created in the same instant.</summary>
    public long Ordinal { get; } = ordinal;

    public string Status { get; set; } = CallStatus.Queued;
    public DateTimeOffset Updated { get; set; } = created;
    public DateTimeOffset? Started { get; set; }
    public DateTimeOffset? Answered { get; set; }
    public DateTimeOffset? Ended { get; set; }
    public int? Duration { get; set; }
    public string? AnsweredBy { get; set; }
    public long QueueTimeMs { get; set; }

    /// <summary>Fires when the call must end: the callee hung up, the time limit passed, or the API ended it.</summary>
    public CancellationTokenSource Hangup { get; } = new();

    /// <summary>Why <see cref="Hangup"/> fired when the API asked (canceled or completed); null for the callee's hang-up.</summary>
    public string? StopRequestedAs { get; set; }

    /// <summary>Fires when the API redirects the call to new TwiML (<see cref="PendingRedirect"/>).</summary>
    public CancellationTokenSource Redirect { get; set; } = new();

    public TwimlSource? PendingRedirect { get; set; }

    /// <summary>Status callbacks are sent one after the other, in the order they were fired (docs/twilio-reference.md §2.4).</summary>
    public Task CallbackChain { get; set; } = Task.CompletedTask;

    /// <summary>A callback held back by the reorder fault, sent after the next one.</summary>
    public Func<Task>? HeldCallback { get; set; }

    public Random FaultRandom { get; } = new(script.FaultSeed);

    public void Record(DateTimeOffset at, string kind, string? detail = null)
    {
        lock (Gate) timeline.Add(new CallEvent(at, kind, detail));
    }

    public int NextSequenceNumber()
    {
        lock (Gate) return nextSequence++;
    }

    public EmulatedCallView Snapshot()
    {
        lock (Gate)
            return new EmulatedCallView(Sid, AccountSid, ParentCallSid, Direction, Request.To, Request.From, Status, AnsweredBy, Duration,
                Script.Outcome.ToString(), Script.Party.ToString(), Created, Started, Answered, Ended, QueueTimeMs, [.. timeline]);
    }
}

/// <summary>A call as the control API lists it: the resource's essentials, what was planned for it and its timeline.</summary>
public sealed record EmulatedCallView(
    string Sid, string AccountSid, string? ParentCallSid, string Direction, string To, string From, string Status, string? AnsweredBy,
    int? Duration, string PlannedOutcome, string PlannedParty, DateTimeOffset Created, DateTimeOffset? Started, DateTimeOffset? Answered,
    DateTimeOffset? Ended, long QueueTimeMs, IReadOnlyList<CallEvent> Timeline);

/// <summary>Where a call's TwiML comes from: a URL fetched with a method, or inline TwiML.</summary>
public sealed record TwimlSource(string? Url, string Method, string? Twiml);
