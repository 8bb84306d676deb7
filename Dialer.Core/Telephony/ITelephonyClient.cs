namespace Dialer.Core.Telephony;

/// <summary>The telephony provider: the one interface in Core, because it is a network boundary.</summary>
public interface ITelephonyClient
{
    /// <summary>
    /// Places one outbound call. Never re-sent after an ambiguous failure: the result is then
    /// <see cref="PlaceCallOutcome.Unknown"/> and the caller reconciles (<see cref="CallReconciler"/>).
    /// </summary>
    Task<PlaceCallResult> PlaceCallAsync(CallRequest request, CancellationToken ct);

    Task<ProviderCall> FetchCallAsync(string callSid, CancellationToken ct);

    /// <summary>Sends the live call to new TwiML (Twilio answers 21220 unless the call is in progress).</summary>
    Task<ProviderCall> RedirectAsync(string callSid, Uri twimlUrl, CancellationToken ct);

    /// <summary>Ends the call whatever its state (<c>Status=completed</c>).</summary>
    Task<ProviderCall> HangUpAsync(string callSid, CancellationToken ct);

    /// <summary>Ends a call still queued or ringing (<c>Status=canceled</c>); a call in progress is left alone.</summary>
    Task<ProviderCall> CancelAsync(string callSid, CancellationToken ct);

    /// <summary>Calls matching the filter, newest first, following Twilio's pages up to <see cref="CallFilter.MaxResults"/>.</summary>
    Task<IReadOnlyList<ProviderCall>> ListCallsAsync(CallFilter filter, CancellationToken ct);
}

/// <summary>
/// One dial attempt. <paramref name="AttemptId"/> is ours (the dialing issue supplies call_attempts ids); it travels
/// in the callback URLs' query (<c>?attempt=…</c>) so callbacks and reconciliation can tie a CallSid to it.
/// </summary>
public sealed record CallRequest(string AttemptId, string To)
{
    /// <summary>How long to ring before <c>no-answer</c> (Twilio's default is 60 s; it may add about 5 s).</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Asynchronous answering-machine detection: the call proceeds at once; the verdict is POSTed to the AMD webhook.</summary>
    public bool DetectMachine { get; init; } = true;

    /// <summary>Maximum call duration, when set.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>The caller ID, when not <c>Twilio:From</c>.</summary>
    public string? From { get; init; }
}

public enum PlaceCallOutcome
{
    /// <summary>Twilio created the call (HTTP 201).</summary>
    Placed,

    /// <summary>Definitely not created: Twilio refused it (4xx), or the request never left (connection refused, breaker open).</summary>
    NotPlaced,

    /// <summary>The call may or may not exist (timeout, 5xx, connection lost after sending): reconcile, never re-send.</summary>
    Unknown,
}

public sealed record PlaceCallResult(PlaceCallOutcome Outcome, ProviderCall? Call, string Reason, TwilioException? Error = null);

/// <summary>The Call resource (docs/twilio-reference.md §1.3), reduced to what the dialer uses.</summary>
public sealed record ProviderCall(
    string Sid,
    string Status,
    string? To,
    string? From,
    string? Direction,
    string? ParentCallSid,
    DateTimeOffset? DateCreated,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime,
    int? DurationSeconds,
    string? AnsweredBy);

/// <summary>Filters of <c>GET …/Calls.json</c> (docs/twilio-reference.md §1.6).</summary>
public sealed record CallFilter
{
    public string? To { get; init; }
    public string? From { get; init; }
    public string? Status { get; init; }
    public string? ParentCallSid { get; init; }

    /// <summary><c>StartTime&gt;</c>: started on or after this day. Queued calls have no start time and never match.</summary>
    public DateOnly? StartedOnOrAfter { get; init; }

    /// <summary>Twilio's page size, 1–1000 (clamped).</summary>
    public int PageSize { get; init; } = 50;

    public int MaxResults { get; init; } = 50;
}
