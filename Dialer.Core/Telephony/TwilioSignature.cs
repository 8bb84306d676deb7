using System.Security.Cryptography;
using System.Text;

namespace Dialer.Core.Telephony;

/// <summary>
/// Twilio's <c>X-Twilio-Signature</c> (twilio.md §3): Base64(HMAC-SHA1(authToken, url + key1value1 + key2value2 …)),
/// keys sorted ordinally. Validation also tries the URL with its port toggled, as every official validator does (§3.3).
/// </summary>
public static class TwilioSignature
{
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParameters)
    {
        ArgumentNullException.ThrowIfNull(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(formParameters);
        var signed = new StringBuilder(url);
        // Ordinal, not culture-aware: "CallStatus" sorts before "CallbackSource" ('S' < 'b'). Repeated keys have their
        // values sorted and identical pairs counted once, as twilio-node does (vector 17).
        foreach (var (key, value) in formParameters.Distinct()
                     .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
            signed.Append(key).Append(value);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(signed.ToString())));
    }

    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParameters, string? signature)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(authToken) || string.IsNullOrEmpty(url)) return false;
        var parameters = formParameters.ToList();
        var expected = Encoding.UTF8.GetBytes(signature);
        foreach (var candidate in new[] { url, WithPortToggled(url) })
        {
            if (candidate is null) continue;
            var actual = Encoding.UTF8.GetBytes(Compute(authToken, candidate, parameters));
            if (CryptographicOperations.FixedTimeEquals(actual, expected)) return true;
        }
        return false;
    }

    /// <summary>
    /// The URL with its explicit port removed, or with the scheme's default port added when it has none. Works on the
    /// text, not on <see cref="Uri"/>, because Uri lower-cases the scheme and host and Twilio signs them as given.
    /// </summary>
    static string? WithPortToggled(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0) return null;
        var scheme = url[..schemeEnd];
        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0) authorityEnd = url.Length;
        var authority = url[authorityStart..authorityEnd];
        var hostStart = authority.LastIndexOf('@') + 1;
        var colon = authority.LastIndexOf(':');
        var bracket = authority.LastIndexOf(']');
        if (colon >= hostStart && colon > bracket)
            return url[..(authorityStart + colon)] + url[authorityEnd..];
        var defaultPort = scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? 443
            : scheme.Equals("http", StringComparison.OrdinalIgnoreCase) ? 80 : 0;
        return defaultPort == 0 ? null : url[..authorityEnd] + ":" + defaultPort + url[authorityEnd..];
    }
}
