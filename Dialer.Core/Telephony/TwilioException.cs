namespace Dialer.Core.Telephony;

/// <summary>
/// An error answered by Twilio: <c>{"code":…,"message":"…","more_info":"…","status":…}</c> (docs/twilio-reference.md §1.7).
/// Branch on <see cref="Code"/>, never on the message, whose wording changes.
/// </summary>
/// <remarks>
/// <see cref="Exception.Message"/> leaves Twilio's text out, because it can quote the number dialled
/// ("The 'To' number … is not valid") and exceptions end up in logs; read <see cref="TwilioMessage"/> deliberately.
/// </remarks>
public sealed class TwilioException(int code, string message, string? moreInfo, int httpStatus)
    : Exception($"Twilio error {code} (HTTP {httpStatus}); see {moreInfo ?? "https://www.twilio.com/docs/errors"}")
{
    /// <summary>20429: too many concurrent requests; Twilio did not process the request.</summary>
    public const int TooManyRequests = 20429;

    /// <summary>20404: no such resource.</summary>
    public const int NotFound = 20404;

    /// <summary>21220: the call is not in a state that allows the update.</summary>
    public const int InvalidCallState = 21220;

    /// <summary>Twilio's error code, or 0 when the response carried no Twilio error body.</summary>
    public int Code { get; } = code;

    /// <summary>Twilio's message (may name the number dialled: do not log it).</summary>
    public string TwilioMessage { get; } = message;

    public string? MoreInfo { get; } = moreInfo;

    public int HttpStatus { get; } = httpStatus;
}

/// <summary>Twilio could not be reached or did not answer in time (or the circuit breaker is open).</summary>
public sealed class TelephonyUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
