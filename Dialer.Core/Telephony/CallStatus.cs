namespace Dialer.Core.Telephony;

/// <summary>Twilio's call statuses (docs/twilio-reference.md §2.1) and the order in which a call moves through them.</summary>
public static class CallStatus
{
    public const string Queued = "queued";
    public const string Initiated = "initiated";
    public const string Ringing = "ringing";
    public const string InProgress = "in-progress";
    public const string Completed = "completed";
    public const string Busy = "busy";
    public const string NoAnswer = "no-answer";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    public const int FinalRank = 4;

    /// <summary>0 queued, 1 initiated, 2 ringing, 3 in-progress, 4 any terminal status; null when unknown.</summary>
    public static int? Rank(string status) => status switch
    {
        Queued => 0,
        Initiated => 1,
        Ringing => 2,
        InProgress => 3,
        Completed or Busy or NoAnswer or Failed or Canceled => FinalRank,
        _ => null,
    };

    public static bool IsFinal(string status) => Rank(status) == FinalRank;

    /// <summary>The statuses the REST API can show ("initiated" appears only in callbacks).</summary>
    public static readonly IReadOnlySet<string> RestStatuses = new HashSet<string>(StringComparer.Ordinal)
        { Queued, Ringing, InProgress, Completed, Busy, Failed, NoAnswer, Canceled };
}

/// <summary>One status callback as received (personal fields already removed from <see cref="PayloadJson"/>).</summary>
public sealed record StatusCallback(
    string CallSid,
    string? AttemptId,
    string Status,
    int SequenceNumber,
    string? ParentCallSid,
    string? AnsweredBy,
    int? DurationSeconds,
    int? SipResponseCode,
    string PayloadJson,
    DateTimeOffset ReceivedAt);

/// <summary>What storing a callback did: <see cref="IsNew"/> false for a redelivery; <see cref="Applied"/> when it became the call's current status.</summary>
public sealed record RecordedStatus(bool IsNew, bool Applied);

/// <summary>The asynchronous AMD verdict of a call (docs/twilio-reference.md §2.5).</summary>
public sealed record AmdCallback(string CallSid, string? AttemptId, string AnsweredBy, int? DetectionMilliseconds, string PayloadJson, DateTimeOffset ReceivedAt);

/// <summary>A call's latest known state.</summary>
public sealed record ProviderCallState(
    string CallSid,
    string? AttemptId,
    string? ParentCallSid,
    string Status,
    int SequenceNumber,
    bool IsFinal,
    string? AnsweredBy,
    int? DurationSeconds,
    int? SipResponseCode,
    DateTime UpdatedAt);

/// <summary>Published after a new status callback is durable. <see cref="Applied"/> is false for a late, superseded status.</summary>
public sealed record CallStatusReceived(string CallSid, string? AttemptId, string Status, int SequenceNumber, bool IsFinal, bool Applied,
    string? AnsweredBy, int? DurationSeconds, DateTimeOffset ReceivedAt);

/// <summary>Published after a new AMD verdict is durable.</summary>
public sealed record MachineDetectionReceived(string CallSid, string? AttemptId, string AnsweredBy, DateTimeOffset ReceivedAt);
