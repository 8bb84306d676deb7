using System.Security.Cryptography;
using System.Text;

namespace Dialer.Worker.Telephony.Emulator;

/// <summary>
/// How Twilio signs a webhook (docs/twilio-reference.md §3), for the emulator, which plays Twilio: Base64(HMAC-SHA1(authToken,
/// url + key1 + value1 + key2 + value2 …)) with the pairs sorted by key, ordinally, then by value. The SDK only validates
/// signatures (<c>RequestValidator</c>), so the signing side is written here; the SDK-against-emulator tests check that
/// <c>RequestValidator</c> accepts what this signs.
/// </summary>
public static class WebhookSignature
{
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParameters)
    {
        ArgumentNullException.ThrowIfNull(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(formParameters);

        var sorted = formParameters.ToList();
        sorted.Sort((a, b) =>
        {
            var byKey = string.CompareOrdinal(a.Key, b.Key);
            return byKey != 0 ? byKey : string.CompareOrdinal(a.Value, b.Value);
        });
        var data = new StringBuilder(url, url.Length + sorted.Count * 32);
        foreach (var (key, value) in sorted) data.Append(key).Append(value);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }
}
