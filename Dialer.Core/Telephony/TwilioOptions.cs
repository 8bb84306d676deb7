using System.ComponentModel.DataAnnotations;
using Dialer.Core.PhoneNumbers;
using Microsoft.Extensions.Hosting;

namespace Dialer.Core.Telephony;

public enum TelephonyProvider { Emulator, Twilio }

/// <summary>How status callbacks are made durable before the webhook answers 2xx.</summary>
public enum StatusWrites
{
    /// <summary>Concurrent callbacks are committed together (one transaction per batch); each waits for its own commit.</summary>
    GroupCommit,

    /// <summary>One transaction per callback.</summary>
    PerRequest,

    /// <summary>Nothing is stored: only for the benchmark's baseline, refused with the real Twilio.</summary>
    Disabled,
}

/// <summary>Which provider the dialer talks to, and what the webhooks do with what it tells us.</summary>
public sealed class TelephonyOptions
{
    public const string Section = "Telephony";

    /// <summary>
    /// <c>Emulator</c> (default) or <c>Twilio</c>. The client is the same; only <c>Twilio:BaseUrl</c> and the
    /// credentials differ. With the emulator, unset Twilio settings take the emulator's well-known development values.
    /// </summary>
    public TelephonyProvider Provider { get; set; } = TelephonyProvider.Emulator;

    public StatusWrites StatusWrites { get; set; } = StatusWrites.GroupCommit;

    /// <summary>Named in the Italian message when a call cannot be connected and no route says otherwise.</summary>
    [Required]
    public string JobCentreName { get; set; } = "il Centro per l'Impiego";

    /// <summary>The call-back number read out in that message (E.164), when no route gives one.</summary>
    [Required, RegularExpression(PhoneNumber.E164Pattern)]
    public string CallbackNumber { get; set; } = "+390200000000";

    /// <summary>
    /// Why <paramref name="provider"/> may not run in <paramref name="environment"/>, or null: in Production calls need
    /// the real Twilio, and the emulator's public development account would let anyone sign our webhooks.
    /// </summary>
    public static string? RefusedIn(IHostEnvironment environment, TelephonyProvider provider) =>
        environment.IsProduction() && provider == TelephonyProvider.Emulator
            ? "Telephony:Provider is Emulator (the default when unset) in the Production environment: set Telephony__Provider=Twilio " +
              "with the account's Twilio__AccountSid and Twilio__AuthToken, or run a demo with DOTNET_ENVIRONMENT=Development."
            : null;
}

/// <summary>
/// The Twilio account and addresses. Secrets come from the environment: <c>Twilio__AuthToken</c>,
/// <c>Twilio__ApiKeySecret</c> (or user secrets in Development), never from committed JSON.
/// </summary>
public sealed partial class TwilioOptions
{
    public const string Section = "Twilio";
    public const string TwilioBaseUrl = "https://api.twilio.com";

    // The emulator's development account (twilio-emulator accepts it); not secrets, and never valid on Twilio.
    public const string EmulatorAccountSid = "AC00000000000000000000000000000000";
    public const string EmulatorAuthToken = "emulator-auth-token";
    public const string EmulatorFrom = "+390200000001";
    public const string EmulatorBaseUrl = "http://127.0.0.1:5081";
    public const string EmulatorPublicBaseUrl = "http://127.0.0.1:5080";

    [Required, RegularExpression("^AC[0-9a-fA-F]{32}$", ErrorMessage = "Twilio:AccountSid must be AC followed by 32 hex digits.")]
    public string AccountSid { get; set; } = "";

    /// <summary>The primary auth token: signs the webhooks, and authenticates requests unless an API key is set.</summary>
    [Required(ErrorMessage = "Twilio:AuthToken is required (set the environment variable Twilio__AuthToken): webhook signatures are checked with it.")]
    public string AuthToken { get; set; } = "";

    /// <summary>Optional API key (SK…) used for REST authentication instead of the account SID and token.</summary>
    [RegularExpression("^SK[0-9a-fA-F]{32}$", ErrorMessage = "Twilio:ApiKeySid must be SK followed by 32 hex digits.")]
    public string? ApiKeySid { get; set; }

    public string? ApiKeySecret { get; set; }

    /// <summary>
    /// The TwiML App (AP…) of the browser softphone: with the API key it lets <c>/api/operators/{identity}/voice-token</c> issue
    /// access tokens (<see cref="SoftphoneTokens"/>).
    /// </summary>
    [RegularExpression("^AP[0-9a-fA-F]{32}$", ErrorMessage = "Twilio:TwimlAppSid must be AP followed by 32 hex digits.")]
    public string? TwimlAppSid { get; set; }

    /// <summary>How long a softphone access token works (Twilio allows at most 24 hours); the browser asks for a new one before.</summary>
    public TimeSpan SoftphoneTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The caller ID: a Twilio number or verified caller ID, in E.164.</summary>
    [Required, RegularExpression(PhoneNumber.E164Pattern, ErrorMessage = "Twilio:From must be an E.164 number such as +390212345678.")]
    public string From { get; set; } = "";

    [Required]
    public Uri BaseUrl { get; set; } = new(TwilioBaseUrl);

    /// <summary>Where Twilio reaches our webhooks (scheme, host, optional port and path prefix), as Twilio signs it.</summary>
    [Required(ErrorMessage = "Twilio:PublicBaseUrl is required: the address Twilio calls back, e.g. https://dialer.example.it.")]
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>Per-attempt timeout of a REST request. A create that times out is never re-sent: it is reconciled.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries of requests Twilio did not process (429/20429, connection refused before sending).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Full-jitter backoff: random(0, min(RetryMaxDelay, RetryBaseDelay·2^attempt)), as twilio-node does.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The breaker opens when half the requests of the last 30 s failed, once at least this many were made.</summary>
    [Range(2, 1000)]
    public int CircuitMinimumThroughput { get; set; } = 5;

    /// <summary>How long dialing pauses once the breaker has opened, before one probe request is let through.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times reconciliation lists calls (Twilio's list is eventually consistent) and the pause between.</summary>
    [Range(1, 20)]
    public int ReconcileAttempts { get; set; } = 3;

    public TimeSpan ReconcileDelay { get; set; } = TimeSpan.FromSeconds(5);

    internal void ApplyEmulatorDefaults()
    {
        if (string.IsNullOrEmpty(AccountSid)) AccountSid = EmulatorAccountSid;
        if (string.IsNullOrEmpty(AuthToken)) AuthToken = EmulatorAuthToken;
        if (string.IsNullOrEmpty(From)) From = EmulatorFrom;
        if (BaseUrl == new Uri(TwilioBaseUrl)) BaseUrl = new Uri(EmulatorBaseUrl);
        PublicBaseUrl ??= new Uri(EmulatorPublicBaseUrl);
    }

    internal static string? Validate(TwilioOptions o, TelephonyOptions telephony)
    {
        if (string.IsNullOrEmpty(o.ApiKeySid) != string.IsNullOrEmpty(o.ApiKeySecret))
            return "Twilio:ApiKeySid and Twilio:ApiKeySecret go together: set both (Twilio__ApiKeySecret in the environment) or neither.";
        if (o.SoftphoneTokenLifetime < TimeSpan.FromMinutes(1) || o.SoftphoneTokenLifetime > TimeSpan.FromHours(24))
            return "Twilio:SoftphoneTokenLifetime must be between 00:01:00 and 24:00:00 (Twilio's limit).";
        if (o.BaseUrl is not { IsAbsoluteUri: true, Scheme: "http" or "https" })
            return "Twilio:BaseUrl must be an absolute http(s) URL.";
        if (o.PublicBaseUrl is not { IsAbsoluteUri: true, Scheme: "http" or "https" } publicBase)
            return "Twilio:PublicBaseUrl must be an absolute http(s) URL.";
        if (publicBase.Host.Contains('_'))
            return "Twilio:PublicBaseUrl: Twilio refuses callback hosts containing '_'.";
        if (publicBase.Query.Length > 0 || publicBase.Fragment.Length > 0)
            return "Twilio:PublicBaseUrl must not carry a query or fragment (they would break signature checks).";
        if (o.RequestTimeout <= TimeSpan.Zero || o.RetryBaseDelay < TimeSpan.Zero || o.RetryMaxDelay < o.RetryBaseDelay)
            return "Twilio:RequestTimeout must be positive and RetryMaxDelay at least RetryBaseDelay.";
        if (o.CircuitBreakDuration < TimeSpan.FromMilliseconds(500))
            return "Twilio:CircuitBreakDuration must be at least 500 ms (Polly's minimum).";
        if (telephony.Provider == TelephonyProvider.Twilio && telephony.StatusWrites == StatusWrites.Disabled)
            return "Telephony:StatusWrites=Disabled is a benchmark baseline and is refused with Telephony:Provider=Twilio.";
        if (telephony.Provider == TelephonyProvider.Twilio && o.AccountSid == EmulatorAccountSid)
            return "Telephony:Provider is Twilio but Twilio:AccountSid is the emulator's: set the real account.";
        if (telephony.Provider == TelephonyProvider.Twilio && o.AuthToken == EmulatorAuthToken)
            return $"Twilio:AuthToken is the emulator's public development token '{EmulatorAuthToken}', with which anyone can sign webhooks: " +
                   "set the account's auth token with the environment variable Twilio__AuthToken.";
        return null;
    }

}
