using System.Security.Cryptography;
using System.Text;

namespace Dialer.Core.Telephony;

/// <summary>
/// Twilio's <c>X-Twilio-Signature</c> (docs/twilio-reference.md §3): Base64(HMAC-SHA1(authToken, url + key1 + value1 + key2 + value2 …))
/// with the form parameters sorted by key, ordinally (so <c>CallStatus</c> sorts before <c>CallbackSource</c>).
/// </summary>
public static class TwilioSignature
{
    // Base64(HMAC-SHA1(authToken, url + concat(sorted-by-ordinal key + value for form params))).
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParameters)
    {
        ArgumentNullException.ThrowIfNull(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(formParameters);

        // Sort by key, then by value, so a repeated key gives the same string whatever order it came in (node
        // and python sort a key's values too); values are the decoded ones, untrimmed (§3.5).
        var sorted = formParameters.ToList();
        sorted.Sort((a, b) =>
        {
            var byKey = string.CompareOrdinal(a.Key, b.Key);
            return byKey != 0 ? byKey : string.CompareOrdinal(a.Value, b.Value);
        });
        var data = new StringBuilder(url, url.Length + sorted.Count * 32);
        string? previous = null;
        foreach (var (key, value) in sorted)
        {
            // node removes duplicate key/value pairs before signing (§3.1 step 3 and vector 17).
            var pair = key + "\0" + value;
            if (pair == previous) continue;
            previous = pair;
            data.Append(key).Append(value);
        }
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
        return Convert.ToBase64String(mac);
    }

    // Constant-time comparison; tries the URL with and without the port as Twilio's libraries do (§3.3).
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParameters, string? signature)
    {
        ArgumentNullException.ThrowIfNull(formParameters);
        if (string.IsNullOrEmpty(signature)) return false;
        var parameters = formParameters as IReadOnlyCollection<KeyValuePair<string, string>> ?? formParameters.ToList();

        // Each comparison is constant-time; stopping at the first match only reveals which URL form Twilio signed.
        foreach (var candidate in UrlVariants(url))
        {
            if (FixedTimeEquals(Compute(authToken, candidate, parameters), signature)) return true;
            // Twilio signed the legacy querystring form, which escapes ' as %27 (twilio-node PR #1061, vector 15).
            if (candidate.Contains('\'') &&
                FixedTimeEquals(Compute(authToken, candidate.Replace("'", "%27", StringComparison.Ordinal), parameters), signature))
                return true;
        }
        return false;
    }

    /// <summary>
    /// The JSON-body variant (§3.2): the URL carries <c>bodySHA256</c>, the lowercase hex SHA-256 of the raw body,
    /// and the signature covers the URL alone. Both the signature and the body hash must match.
    /// </summary>
    public static bool IsValidJsonBody(string authToken, string url, ReadOnlySpan<byte> body, string? signature)
    {
        if (!IsValid(authToken, url, [], signature)) return false;
        var query = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Query : "";
        var expected = Convert.ToHexStringLower(SHA256.HashData(body));
        foreach (var part in query.TrimStart('?').Split('&'))
        {
            if (part.StartsWith("bodySHA256=", StringComparison.Ordinal))
                return FixedTimeEquals(part["bodySHA256=".Length..], expected);
        }
        return false;
    }

    /// <summary>The URL as given, and the same with its port removed (if it has one) or the scheme's default port added.</summary>
    static IEnumerable<string> UrlVariants(string url)
    {
        yield return url;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) yield break;

        // Rebuilt from the original text rather than Uri's normalised form, so host case, credentials and the
        // query stay exactly as signed (vectors 6–11 depend on the host's case).
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) yield break;
        var authorityStart = schemeEnd + 3;
        var pathStart = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (pathStart < 0) pathStart = url.Length;
        var authority = url[authorityStart..pathStart];
        var hostStart = authority.LastIndexOf('@') + 1;
        var portSeparator = authority.IndexOf(':', hostStart);
        string toggled;
        if (portSeparator >= 0)
        {
            toggled = authority[..portSeparator];
        }
        else
        {
            var defaultPort = uri.Scheme switch { "https" => 443, "http" => 80, _ => -1 };
            if (defaultPort < 0) yield break;
            toggled = $"{authority}:{defaultPort}";
        }
        yield return url[..authorityStart] + toggled + url[pathStart..];
    }

    static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
