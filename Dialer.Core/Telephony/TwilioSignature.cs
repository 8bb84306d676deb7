using System.Text;
using Twilio.Security;

namespace Dialer.Core.Telephony;

/// <summary>
/// Checks <c>X-Twilio-Signature</c> with Twilio's own <c>RequestValidator</c> (docs/twilio-reference.md §3): the HMAC, the URL with
/// and without its port, the constant-time comparison and the <c>bodySHA256</c> variant are the SDK's.
/// </summary>
/// <remarks>
/// What this adds, each covered by an official vector in the tests: a key posted more than once (the validator takes one value per
/// key) is folded into one entry whose value continues the signed string (<c>v1 + key + v2</c>, values sorted and de-duplicated as
/// Twilio's node library does); and a URL with <c>'</c> is also tried in the legacy form Twilio signed, with <c>%27</c>.
/// </remarks>
public static class TwilioSignature
{
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParameters, string? signature)
    {
        ArgumentNullException.ThrowIfNull(formParameters);
        if (string.IsNullOrEmpty(signature)) return false;
        // Not shared: the validator holds an HMAC instance, which is not thread-safe.
        var validator = new RequestValidator(authToken);
        var parameters = Fold(formParameters);
        return validator.Validate(url, parameters, signature) ||
               (url.Contains('\'') && validator.Validate(url.Replace("'", "%27", StringComparison.Ordinal), parameters, signature));
    }

    /// <summary>
    /// The JSON-body variant (§3.2): the URL carries <c>bodySHA256</c>, the lowercase hex SHA-256 of the raw body,
    /// and the signature covers the URL alone. Both the signature and the body hash must match.
    /// </summary>
    public static bool IsValidJsonBody(string authToken, string url, ReadOnlySpan<byte> body, string? signature) =>
        !string.IsNullOrEmpty(signature) && new RequestValidator(authToken).Validate(url, Encoding.UTF8.GetString(body), signature);

    static Dictionary<string, string> Fold(IEnumerable<KeyValuePair<string, string>> formParameters)
    {
        var folded = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in formParameters.GroupBy(p => p.Key, StringComparer.Ordinal))
        {
            var values = group.Select(p => p.Value ?? "").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            folded[group.Key] = string.Join(group.Key, values);
        }
        return folded;
    }
}
