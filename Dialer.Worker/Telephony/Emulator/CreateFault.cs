namespace Dialer.Worker.Telephony.Emulator;

/// <summary>
/// A fault the next create requests meet (docs/twilio-reference.md §7.1.11–13). The "AfterCreate" kinds create the call and then fail
/// the response: the ambiguous case a client must not answer by dialling again.
/// </summary>
public enum CreateFaultKind
{
    /// <summary>429 with code 20429; nothing is created (always safe to retry).</summary>
    TooManyRequests,

    /// <summary>500; nothing is created.</summary>
    ServerError,

    /// <summary>503; nothing is created.</summary>
    ServiceUnavailable,

    /// <summary>No answer until the client gives up (or <see cref="CreateFault.HangSeconds"/> pass); nothing is created.</summary>
    Timeout,

    /// <summary>The connection is reset before any response; nothing is created.</summary>
    ConnectionReset,

    /// <summary>The call is created and queued, then the response is a 500.</summary>
    ServerErrorAfterCreate,

    /// <summary>The call is created and queued, then no answer until the client gives up.</summary>
    TimeoutAfterCreate,

    /// <summary>The call is created and queued, then the connection is reset.</summary>
    ConnectionResetAfterCreate,
}

public sealed record CreateFault(CreateFaultKind Kind, int Count = 1, double HangSeconds = 120)
{
    public bool CreatesCall => Kind is CreateFaultKind.ServerErrorAfterCreate or CreateFaultKind.TimeoutAfterCreate or CreateFaultKind.ConnectionResetAfterCreate;

    public string? Validate() =>
        !Enum.IsDefined(Kind) ? $"unknown fault kind {Kind}"
        : Count is < 1 or > 10_000 ? $"count must be between 1 and 10000, not {Count}"
        : HangSeconds is < 0 or > 3600 || double.IsNaN(HangSeconds) ? $"hangSeconds must be between 0 and 3600, not {HangSeconds}"
        : null;
}
