using Microsoft.Extensions.Options;
using Twilio.Jwt.AccessToken;

namespace Dialer.Core.Telephony;

/// <summary>A Twilio access token for the browser softphone (Twilio Voice JavaScript SDK), and when it stops working.</summary>
public sealed record SoftphoneToken(string Token, string Identity, DateTimeOffset ExpiresAt);

/// <summary>
/// Issues access tokens with a <c>VoiceGrant</c> (the SDK's <c>AccessToken</c>): the browser may place calls through the TwiML App
/// <c>Twilio:TwimlAppSid</c> and receive calls to <c>client:&lt;identity&gt;</c>, which is how the answer webhook connects a person to
/// a browser operator. Signed with the API key <c>Twilio:ApiKeySid</c>/<c>ApiKeySecret</c>; valid for <c>Twilio:SoftphoneTokenLifetime</c>.
/// </summary>
public sealed class SoftphoneTokens(IOptions<TwilioOptions> options, TimeProvider time)
{
    /// <summary>Why no token can be issued with these settings, or null when it can.</summary>
    public string? Unavailable => options.Value switch
    {
        { ApiKeySid: null or "" } or { ApiKeySecret: null or "" } =>
            "Twilio:ApiKeySid and Twilio:ApiKeySecret are not set: the softphone's tokens are signed with an API key.",
        // HS256 refuses keys under 256 bits; Twilio's API key secrets are 32 characters.
        { ApiKeySecret.Length: < 32 } => "Twilio:ApiKeySecret is shorter than an API key secret (32 characters): tokens cannot be signed with it.",
        { TwimlAppSid: null or "" } => "Twilio:TwimlAppSid is not set: the softphone's outgoing calls need the TwiML App.",
        _ => null,
    };

    public SoftphoneToken Issue(string identity)
    {
        if (Unavailable is { } reason) throw new InvalidOperationException(reason);
        var o = options.Value;
        // Whole seconds, as the JWT carries them (the SDK would round a fraction its own way).
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + o.SoftphoneTokenLifetime;
        var grant = new VoiceGrant { OutgoingApplicationSid = o.TwimlAppSid, IncomingAllow = true };
        var token = new Token(o.AccountSid, o.ApiKeySid, o.ApiKeySecret, identity,
            expiration: expires.UtcDateTime, nbf: now.UtcDateTime, grants: [grant]);
        return new SoftphoneToken(token.ToJwt(), identity, expires);
    }
}
