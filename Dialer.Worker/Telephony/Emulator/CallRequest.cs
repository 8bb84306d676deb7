using System.Globalization;
using System.Text.RegularExpressions;
using Dialer.Core.PhoneNumbers;

namespace Dialer.Worker.Telephony.Emulator;

/// <summary>The parameters of <c>POST …/Calls.json</c> (docs/twilio-reference.md §1.2), validated as Twilio does (§7.1.5).</summary>
public sealed partial record CallRequest
{
    public required string To { get; init; }
    public required string From { get; init; }
    public string? Url { get; init; }
    public string Method { get; init; } = "POST";
    public string? Twiml { get; init; }
    public string? ApplicationSid { get; init; }
    public string? FallbackUrl { get; init; }
    public string FallbackMethod { get; init; } = "POST";
    public string? StatusCallback { get; init; }
    public string StatusCallbackMethod { get; init; } = "POST";
    public IReadOnlySet<string> StatusCallbackEvents { get; init; } = DefaultEvents;
    public int Timeout { get; init; } = 60;
    public int? TimeLimit { get; init; }
    public string? MachineDetection { get; init; }
    public int MachineDetectionTimeout { get; init; } = 30;
    public bool AsyncAmd { get; init; }
    public string? AsyncAmdStatusCallback { get; init; }
    public string AsyncAmdStatusCallbackMethod { get; init; } = "POST";

    static readonly IReadOnlySet<string> DefaultEvents = new HashSet<string>(StringComparer.Ordinal) { "completed" };

    /// <summary>AMD runs when asked for and no SendDigits is given (docs/twilio-reference.md §1.2).</summary>
    public bool DetectsMachines => MachineDetection is not null;

    public TwimlSource? Answer => Url is not null ? new TwimlSource(Url, Method, null) : Twiml is not null ? new TwimlSource(null, "POST", Twiml) : null;

    static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "To", "From", "Url", "Method", "Twiml", "ApplicationSid", "FallbackUrl", "FallbackMethod", "StatusCallback",
        "StatusCallbackEvent", "StatusCallbackMethod", "Timeout", "TimeLimit", "MachineDetection", "MachineDetectionTimeout",
        "MachineDetectionSpeechThreshold", "MachineDetectionSpeechEndThreshold", "MachineDetectionSilenceTimeout", "AsyncAmd",
        "AsyncAmdStatusCallback", "AsyncAmdStatusCallbackMethod", "Record", "RecordingChannels", "RecordingStatusCallback",
        "RecordingStatusCallbackMethod", "RecordingStatusCallbackEvent", "RecordingTrack", "Trim", "SendDigits", "CallerId",
        "SipAuthUsername", "SipAuthPassword", "Byoc", "CallReason", "CallToken", "ClientNotificationUrl", "RecordingConfigurationId",
    };

    static readonly HashSet<string> Events = new(StringComparer.Ordinal) { "initiated", "ringing", "answered", "completed" };

    /// <summary>
    /// Validates a create request. Throws <see cref="TwilioApiException"/> (400) with the code Twilio uses; where docs/twilio-reference.md
    /// could not confirm the real code (missing Url, Twiml too long, underscore in a callback host) the nearest one is used.
    /// </summary>
    public static CallRequest Parse(IReadOnlyList<KeyValuePair<string, string>> form, EmulatorOptions options)
    {
        string? One(string key) => form.LastOrDefault(p => p.Key == key).Value is { Length: > 0 } v ? v : null;

        if (options.StrictParameters && form.FirstOrDefault(p => !Known.Contains(p.Key)) is { Key: not null } unknown)
            throw TwilioApiException.BadRequest(20001, $"Unknown parameter {unknown.Key}");

        var to = One("To") ?? throw TwilioApiException.BadRequest(21201, "No 'To' number is specified");
        var from = One("From") ?? throw TwilioApiException.BadRequest(21213, "No 'From' number is specified");
        to = to.Trim();
        from = from.Trim();

        var url = One("Url");
        var twiml = One("Twiml");
        var applicationSid = One("ApplicationSid");
        if (url is null && twiml is null && applicationSid is null)
            throw TwilioApiException.BadRequest(21205, "Url parameter is required. Please provide a Url, Twiml or ApplicationSid.");
        if (url is not null) RequireAbsoluteUrl(url, 21205, "Url");
        if (twiml is not null && url is null && twiml.Length > 4000)
            throw TwilioApiException.BadRequest(21232, "Twiml parameter is too long: at most 4000 characters are allowed.");
        var fallbackUrl = One("FallbackUrl");
        if (fallbackUrl is not null) RequireAbsoluteUrl(fallbackUrl, 21206, "FallbackUrl");
        var statusCallback = One("StatusCallback");
        if (statusCallback is not null) RequireCallbackUrl(statusCallback, "StatusCallback");
        var amdCallback = One("AsyncAmdStatusCallback");
        if (amdCallback is not null) RequireCallbackUrl(amdCallback, "AsyncAmdStatusCallback");

        MagicNumbers(to, from);
        if (!IsAddress(to)) throw TwilioApiException.BadRequest(21211, $"The 'To' number {to} is not a valid phone number.");
        if (!IsAddress(from)) throw TwilioApiException.BadRequest(21212, $"The 'From' number {from} is not a valid phone number, shortcode, or alphanumeric sender ID.");
        if (to.StartsWith('+') && !from.StartsWith('+') && from != MagicFrom)
            throw TwilioApiException.BadRequest(21212, $"The 'From' number {from} is not a valid phone number, shortcode, or alphanumeric sender ID.");
        var owned = options.OwnedNumbers.Count == 0 || options.OwnedNumbers.Contains(from, StringComparer.Ordinal) || from == MagicFrom;
        if (!owned) throw TwilioApiException.BadRequest(21210, $"The source phone number provided, {from}, is not yet verified for your account.");
        if (to == from) throw TwilioApiException.BadRequest(21211, $"The 'To' number {to} is not a valid phone number.");
        if (options.GeoBlockedPrefixes.Any(p => to.StartsWith(p, StringComparison.Ordinal)))
            throw TwilioApiException.BadRequest(21215, $"Account not authorized to call {to}. Perhaps you need to enable some international permissions.");

        var events = form.Where(p => p.Key == "StatusCallbackEvent")
            .SelectMany(p => p.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(Events.Contains).ToHashSet(StringComparer.Ordinal);

        var machineDetection = One("MachineDetection");
        if (machineDetection is not null and not ("Enable" or "DetectMessageEnd"))
            throw TwilioApiException.BadRequest(21626, $"MachineDetection must be Enable or DetectMessageEnd, not {machineDetection}.");
        if (One("SendDigits") is not null) machineDetection = null;   // AMD is ignored with SendDigits (docs/twilio-reference.md §1.2)

        return new CallRequest
        {
            To = to,
            From = from,
            Url = url,
            Method = HttpMethod(One("Method"), "Method"),
            Twiml = url is null ? twiml : null,   // with both, Twiml is ignored (docs/twilio-reference.md §1.2)
            ApplicationSid = applicationSid,
            FallbackUrl = fallbackUrl,
            FallbackMethod = HttpMethod(One("FallbackMethod"), "FallbackMethod"),
            StatusCallback = statusCallback,
            StatusCallbackMethod = HttpMethod(One("StatusCallbackMethod"), "StatusCallbackMethod"),
            StatusCallbackEvents = events.Count == 0 ? DefaultEvents : events,
            Timeout = Math.Min(Integer(One("Timeout"), 21208, "Timeout") ?? 60, 600),
            TimeLimit = Integer(One("TimeLimit"), 21208, "TimeLimit"),
            MachineDetection = machineDetection,
            MachineDetectionTimeout = Math.Clamp(Integer(One("MachineDetectionTimeout"), 21208, "MachineDetectionTimeout") ?? 30, 3, 60),
            AsyncAmd = string.Equals(One("AsyncAmd"), "true", StringComparison.OrdinalIgnoreCase),
            AsyncAmdStatusCallback = amdCallback,
            AsyncAmdStatusCallbackMethod = HttpMethod(One("AsyncAmdStatusCallbackMethod"), "AsyncAmdStatusCallbackMethod"),
        };
    }

    const string MagicFrom = "+15005550006";

    /// <summary>Twilio's test-credential magic numbers (docs/twilio-reference.md §1.7), honoured for any account.</summary>
    static void MagicNumbers(string to, string from)
    {
        if (from == "+15005550001") throw TwilioApiException.BadRequest(21212, $"The 'From' number {from} is not a valid phone number, shortcode, or alphanumeric sender ID.");
        switch (to)
        {
            case "+15005550001": throw TwilioApiException.BadRequest(21217, $"Phone number {to} does not appear to be valid.");
            case "+15005550002": throw TwilioApiException.BadRequest(21214, $"'To' phone number {to} cannot be reached.");
            case "+15005550003": throw TwilioApiException.BadRequest(21215, $"Account not authorized to call {to}. Perhaps you need to enable some international permissions.");
            case "+15005550004": throw TwilioApiException.BadRequest(21216, $"Account not allowed to call {to}.");
        }
    }

    public static bool IsAddress(string value) => PhoneNumber.IsE164(value) || ClientAddress().IsMatch(value) ||
        value.StartsWith("sip:", StringComparison.Ordinal) || value.StartsWith("sim:", StringComparison.Ordinal);

    public static string HttpMethod(string? value, string name) => value switch
    {
        null => "POST",
        _ when value.Equals("POST", StringComparison.OrdinalIgnoreCase) => "POST",
        _ when value.Equals("GET", StringComparison.OrdinalIgnoreCase) => "GET",
        _ => throw TwilioApiException.BadRequest(21209, $"{name} must be either GET or POST, not {value}."),
    };

    static int? Integer(string? value, int code, string name) =>
        value is null ? null
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw TwilioApiException.BadRequest(code, $"{name} must be a whole number of seconds, not {value}.");

    public static void RequireAbsoluteUrl(string value, int code, string name)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
            throw TwilioApiException.BadRequest(code, $"{name} is not a valid URL: {value}");
    }

    static void RequireCallbackUrl(string value, string name)
    {
        RequireAbsoluteUrl(value, 21609, name);
        if (new Uri(value).Host.Contains('_', StringComparison.Ordinal))
            throw TwilioApiException.BadRequest(21609, $"{name} host must not contain underscores: {value}");
    }


    [GeneratedRegex(@"^client:[^\s]{1,256}$")]
    private static partial Regex ClientAddress();
}
