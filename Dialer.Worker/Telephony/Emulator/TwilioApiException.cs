namespace Dialer.Worker.Telephony.Emulator;

/// <summary>
/// A Twilio REST error (docs/twilio-reference.md §1.7): the HTTP status plus the JSON body
/// <c>{"code","message","more_info","status"}</c>, and <c>detail</c> on authentication failures.
/// </summary>
public sealed class TwilioApiException(int status, int code, string message, string? detail = null) : Exception(message)
{
    public int Status { get; } = status;
    public int Code { get; } = code;
    public string? Detail { get; } = detail;
    public string MoreInfo => $"https://www.twilio.com/docs/errors/{Code}";

    public static TwilioApiException NotFound(string path) => new(404, 20404, $"The requested resource {path} was not found");

    public static TwilioApiException Authenticate(int status = 401) =>
        new(status, 20003, "Authenticate", "Your AccountSid or AuthToken was incorrect.");

    public static TwilioApiException TooManyRequests() => new(429, 20429, "Too Many Requests");

    public static TwilioApiException BadRequest(int code, string message) => new(400, code, message);

    public static TwilioApiException InvalidCallState(string message = "Call is not in-progress. Cannot redirect.") =>
        new(400, 21220, message);
}
