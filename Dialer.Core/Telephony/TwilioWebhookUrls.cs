namespace Dialer.Core.Telephony;

/// <summary>
/// The webhook paths (served by Dialer.Api) and the absolute URLs given to Twilio. Each carries our attempt id as a
/// single query parameter (<c>?attempt=…</c>): one key, so Twilio's query re-ordering cannot break signatures (§3.3).
/// </summary>
public static class TwilioWebhookUrls
{
    public const string Answer = "/twilio/voice/answer";
    public const string Status = "/twilio/voice/status";
    public const string Amd = "/twilio/voice/amd";
    public const string DialResult = "/twilio/voice/dial-result";
    public const string AttemptParameter = "attempt";

    /// <summary>
    /// The largest webhook body accepted (64 KiB): Twilio posts a form of a few KB, so this leaves a wide margin while a
    /// bigger body is refused with 413 before it is read (docs/security-and-configuration.md).
    /// </summary>
    public const int MaxRequestBytes = 64 * 1024;

    public static Uri For(Uri publicBaseUrl, string path, string attemptId) =>
        new($"{publicBaseUrl.AbsoluteUri.TrimEnd('/')}{path}?{AttemptParameter}={Uri.EscapeDataString(attemptId)}");
}
