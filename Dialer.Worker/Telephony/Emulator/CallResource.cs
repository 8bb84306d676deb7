using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using System.Text;
using Dialer.Core.Telephony;

namespace Dialer.Worker.Telephony.Emulator;

/// <summary>
/// The Call resource JSON exactly as Twilio returns it (docs/twilio-reference.md §1.3): snake_case keys in that order, numbers as
/// strings, dates in RFC 2822, nulls written out.
/// </summary>
public sealed record CallResource(
    [property: JsonPropertyName("sid")] string Sid,
    [property: JsonPropertyName("account_sid")] string AccountSid,
    [property: JsonPropertyName("parent_call_sid")] string? ParentCallSid,
    [property: JsonPropertyName("date_created")] string DateCreated,
    [property: JsonPropertyName("date_updated")] string DateUpdated,
    [property: JsonPropertyName("start_time")] string? StartTime,
    [property: JsonPropertyName("end_time")] string? EndTime,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to_formatted")] string ToFormatted,
    [property: JsonPropertyName("from_formatted")] string FromFormatted,
    [property: JsonPropertyName("phone_number_sid")] string? PhoneNumberSid,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("duration")] string? Duration,
    [property: JsonPropertyName("price")] string? Price,
    [property: JsonPropertyName("price_unit")] string PriceUnit,
    [property: JsonPropertyName("direction")] string Direction,
    [property: JsonPropertyName("answered_by")] string? AnsweredBy,
    [property: JsonPropertyName("api_version")] string ApiVersion,
    [property: JsonPropertyName("forwarded_from")] string? ForwardedFrom,
    [property: JsonPropertyName("caller_name")] string? CallerName,
    [property: JsonPropertyName("group_sid")] string? GroupSid,
    [property: JsonPropertyName("trunk_sid")] string? TrunkSid,
    [property: JsonPropertyName("queue_time")] string QueueTime,
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("subresource_uris")] IReadOnlyDictionary<string, string> SubresourceUris,
    [property: JsonPropertyName("annotation")] string? Annotation)
{
    public const string ApiVersionValue = "2010-04-01";

    static readonly string[] Subresources =
        ["notifications", "recordings", "payments", "events", "siprec", "streams", "transcriptions", "user_defined_message_subscriptions", "user_defined_messages"];

    public static CallResource Of(EmulatedCall call)
    {
        lock (call.Gate)
        {
            var uri = $"/2010-04-01/Accounts/{call.AccountSid}/Calls/{call.Sid}";
            // Twilio bills answered calls per started minute; the emulator charges a flat, plausible rate.
            var price = call.Status == CallStatus.Completed && call.Duration is { } d
                ? (-0.013m * Math.Max(1, (d + 59) / 60)).ToString("0.00000", CultureInfo.InvariantCulture)
                : null;
            return new CallResource(
                call.Sid, call.AccountSid, call.ParentCallSid, Rfc2822(call.Created), Rfc2822(call.Updated),
                call.Started is { } s ? Rfc2822(s) : null, call.Ended is { } e ? Rfc2822(e) : null,
                call.Request.To, call.Request.From, Formatted(call.Request.To), Formatted(call.Request.From),
                call.Request.From.StartsWith('+') ? PhoneNumberSidOf(call.Request.From) : null,
                call.Status, call.Duration?.ToString(CultureInfo.InvariantCulture), price, "USD", call.Direction, call.AnsweredBy,
                ApiVersionValue, null, null, null, null, call.QueueTimeMs.ToString(CultureInfo.InvariantCulture), uri + ".json",
                Subresources.ToDictionary(n => n, n => $"{uri}/{SubresourceFile(n)}.json"), null);
        }
    }

    static string SubresourceFile(string name) => name switch
    {
        "user_defined_message_subscriptions" => "UserDefinedMessageSubscriptions",
        "user_defined_messages" => "UserDefinedMessages",
        "siprec" => "Siprec",
        _ => char.ToUpperInvariant(name[0]) + name[1..],
    };

    /// <summary>RFC 2822 in UTC with English names, e.g. "Tue, 31 Aug 2010 20:36:28 +0000".</summary>
    public static string Rfc2822(DateTimeOffset at) => at.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);

    /// <summary>North-American numbers as (xxx) xxx-xxxx, everything else unchanged (docs/twilio-reference.md §1.3).</summary>
    public static string Formatted(string number) =>
        number.Length == 12 && number.StartsWith("+1", StringComparison.Ordinal) && number.Skip(2).All(char.IsAsciiDigit)
            ? $"({number[2..5]}) {number[5..8]}-{number[8..]}"
            : number;

    static string PhoneNumberSidOf(string number) => "PN" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(number)))[..32];
}
