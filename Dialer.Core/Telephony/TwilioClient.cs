using System.Globalization;
using System.Net.Http.Headers;
using System.Net;
using System.Text.Json;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Dialer.Core.Telephony;

/// <summary>
/// A hand-written client for Twilio's 2010-04-01 Calls API (docs/twilio-reference.md §1), as a typed HttpClient. Works
/// unchanged against the emulator: only <c>Twilio:BaseUrl</c> and the credentials differ.
/// </summary>
public sealed class TwilioClient : ITelephonyClient
{
    // RFC 2822 as Twilio writes it, always UTC: "Tue, 31 Aug 2010 20:36:28 +0000".
    const string TwilioDateFormat = "ddd, dd MMM yyyy HH:mm:ss '+0000'";

    readonly HttpClient http;
    readonly TwilioOptions options;
    readonly TelephonyHealth health;
    readonly ILogger<TwilioClient> logger;
    readonly string callsPath;

    public TwilioClient(HttpClient http, IOptions<TwilioOptions> options, TelephonyHealth health, ILogger<TwilioClient> logger)
    {
        this.http = http;
        this.options = options.Value;
        this.health = health;
        this.logger = logger;
        http.BaseAddress = this.options.BaseUrl;
        http.Timeout = Timeout.InfiniteTimeSpan;   // the resilience pipeline times each attempt
        var (user, secret) = string.IsNullOrEmpty(this.options.ApiKeySid)
            ? (this.options.AccountSid, this.options.AuthToken)
            : (this.options.ApiKeySid, this.options.ApiKeySecret!);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("dialer", "1.0"));
        // With an API key the path still names the account (AC…) SID (§1.1).
        callsPath = $"/2010-04-01/Accounts/{this.options.AccountSid}/Calls";
    }

    public async Task<PlaceCallResult> PlaceCallAsync(CallRequest request, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var form = CreateForm(request);
        HttpResponseMessage response;
        try
        {
            response = await health.SendAsync(idempotent: false, t => http.PostAsync($"{callsPath}.json", new FormUrlEncodedContent(form), t), ct);
        }
        catch (BrokenCircuitException)
        {
            return NotPlaced(request, "circuit open: Twilio is failing, nothing was sent");
        }
        catch (HttpRequestException ex) when (TelephonyHealth.FailedBeforeSending(ex))
        {
            return NotPlaced(request, $"could not connect to Twilio ({ex.HttpRequestError}); nothing was sent");
        }
        catch (HttpRequestException ex)
        {
            return Unknown(request, $"connection failed after sending ({ex.HttpRequestError})");
        }
        catch (TimeoutRejectedException)
        {
            return Unknown(request, $"no answer within {options.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Unknown(request, "cancelled while waiting for Twilio's answer");
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Created)
            {
                ProviderCall call;
                try
                {
                    call = ReadCall(await ReadJsonAsync(response, ct));
                }
                catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
                {
                    // Created, but we cannot tell which call: the same as not knowing.
                    return Unknown(request, "created (HTTP 201) with a body that is not a Twilio call");
                }
                logger.LogInformation("Call {CallSid} placed for attempt {AttemptId}: {Status}", call.Sid, request.AttemptId, call.Status);
                return new PlaceCallResult(PlaceCallOutcome.Placed, call, "created");
            }
            var error = await ReadErrorAsync(response, ct);
            if ((int)response.StatusCode >= 500)
                return Unknown(request, $"HTTP {(int)response.StatusCode} from Twilio", error);
            logger.LogWarning("Twilio refused the call of attempt {AttemptId}: code {Code}, HTTP {Status}", request.AttemptId, error.Code, error.HttpStatus);
            return new PlaceCallResult(PlaceCallOutcome.NotPlaced, null, $"refused by Twilio: code {error.Code}", error);
        }
    }

    public Task<ProviderCall> FetchCallAsync(string callSid, CancellationToken ct) =>
        SendForCallAsync(idempotent: true, t => http.GetAsync(CallPath(callSid), t), ct);

    public Task<ProviderCall> RedirectAsync(string callSid, Uri twimlUrl, CancellationToken ct) =>
        UpdateAsync(callSid, [new("Url", twimlUrl.AbsoluteUri), new("Method", "POST")], ct);

    public Task<ProviderCall> HangUpAsync(string callSid, CancellationToken ct) =>
        UpdateAsync(callSid, [new("Status", "completed")], ct);

    public Task<ProviderCall> CancelAsync(string callSid, CancellationToken ct) =>
        UpdateAsync(callSid, [new("Status", "canceled")], ct);

    public async Task<IReadOnlyList<ProviderCall>> ListCallsAsync(CallFilter filter, CancellationToken ct)
    {
        var query = new List<KeyValuePair<string, string>>();
        if (filter.To is not null) query.Add(new("To", filter.To));
        if (filter.From is not null) query.Add(new("From", filter.From));
        if (filter.Status is not null) query.Add(new("Status", filter.Status));
        if (filter.ParentCallSid is not null) query.Add(new("ParentCallSid", filter.ParentCallSid));
        if (filter.StartedOnOrAfter is { } day) query.Add(new("StartTime>", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        query.Add(new("PageSize", Math.Clamp(filter.PageSize, 1, 1000).ToString(CultureInfo.InvariantCulture)));

        var calls = new List<ProviderCall>();
        string? next = $"{callsPath}.json?{string.Join('&', query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"))}";
        while (next is not null && calls.Count < filter.MaxResults)
        {
            var uri = next;
            var page = await SendAsync(idempotent: true, t => http.GetAsync(uri, t), ct);
            foreach (var call in page.RootElement.GetProperty("calls").EnumerateArray())
                calls.Add(ReadCall(call));
            // next_page_uri is relative to the API host and carries PageToken (§1.6).
            next = page.RootElement.TryGetProperty("next_page_uri", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        }
        return calls.Count > filter.MaxResults ? calls[..filter.MaxResults] : calls;
    }

    /// <summary>The create body, in the order and shape docs/twilio-reference.md §1.2 gives: repeated StatusCallbackEvent keys.</summary>
    List<KeyValuePair<string, string>> CreateForm(CallRequest request)
    {
        var publicBase = options.PublicBaseUrl!;
        var form = new List<KeyValuePair<string, string>>
        {
            new("To", request.To),
            new("From", request.From ?? options.From),
            new("Url", TwilioWebhookUrls.For(publicBase, TwilioWebhookUrls.Answer, request.AttemptId).AbsoluteUri),
            new("Method", "POST"),
            new("StatusCallback", TwilioWebhookUrls.For(publicBase, TwilioWebhookUrls.Status, request.AttemptId).AbsoluteUri),
            // initiated arrives soon after dialling starts, so an ambiguous create is settled quickly (§5.4).
            new("StatusCallbackEvent", "initiated"),
            new("StatusCallbackEvent", "ringing"),
            new("StatusCallbackEvent", "answered"),
            new("StatusCallbackEvent", "completed"),
            new("StatusCallbackMethod", "POST"),
            new("Timeout", ((int)request.RingTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
        };
        if (request.TimeLimit is { } limit)
            form.Add(new("TimeLimit", ((int)limit.TotalSeconds).ToString(CultureInfo.InvariantCulture)));
        if (request.DetectMachine)
        {
            form.Add(new("MachineDetection", "Enable"));
            form.Add(new("AsyncAmd", "true"));
            form.Add(new("AsyncAmdStatusCallback", TwilioWebhookUrls.For(publicBase, TwilioWebhookUrls.Amd, request.AttemptId).AbsoluteUri));
            form.Add(new("AsyncAmdStatusCallbackMethod", "POST"));
        }
        return form;
    }

    string CallPath(string callSid) => $"{callsPath}/{Uri.EscapeDataString(callSid)}.json";

    Task<ProviderCall> UpdateAsync(string callSid, KeyValuePair<string, string>[] form, CancellationToken ct) =>
        SendForCallAsync(idempotent: false, t => http.PostAsync(CallPath(callSid), new FormUrlEncodedContent(form), t), ct);

    async Task<ProviderCall> SendForCallAsync(bool idempotent, Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken ct)
    {
        using var json = await SendAsync(idempotent, send, ct);
        return ReadCall(json.RootElement);
    }

    /// <summary>Sends, and turns Twilio errors into <see cref="TwilioException"/> and transport failures into <see cref="TelephonyUnavailableException"/>.</summary>
    async Task<JsonDocument> SendAsync(bool idempotent, Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await health.SendAsync(idempotent, send, ct);
        }
        catch (BrokenCircuitException ex)
        {
            throw new TelephonyUnavailableException("Twilio circuit is open: requests are paused", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TelephonyUnavailableException($"Twilio did not answer within {options.RequestTimeout.TotalSeconds:0.#} s", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new TelephonyUnavailableException($"Twilio could not be reached ({ex.HttpRequestError})", ex);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode) throw await ReadErrorAsync(response, ct);
            return await ReadJsonAsync(response, ct);
        }
    }

    static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        return await JsonDocument.ParseAsync(body, cancellationToken: ct);
    }

    static ProviderCall ReadCall(JsonDocument json)
    {
        using (json) return ReadCall(json.RootElement);
    }

    static ProviderCall ReadCall(JsonElement e) => new(
        Sid: String(e, "sid") ?? throw new JsonException("Twilio's call resource has no sid"),
        Status: String(e, "status") ?? "",
        To: String(e, "to"),
        From: String(e, "from"),
        Direction: String(e, "direction"),
        ParentCallSid: String(e, "parent_call_sid"),
        DateCreated: Date(e, "date_created"),
        StartTime: Date(e, "start_time"),
        EndTime: Date(e, "end_time"),
        DurationSeconds: int.TryParse(String(e, "duration"), NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null,
        AnsweredBy: String(e, "answered_by"));

    // Every field may be null, and numbers come as strings (§1.3); tolerate numbers anyway.
    static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) ? p.ValueKind switch
        {
            JsonValueKind.String => p.GetString(),
            JsonValueKind.Number => p.GetRawText(),
            _ => null,
        } : null;

    static DateTimeOffset? Date(JsonElement e, string name) =>
        DateTimeOffset.TryParseExact(String(e, name), TwilioDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d)
            ? d.ToUniversalTime() : null;

    static async Task<TwilioException> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        try
        {
            using var json = await ReadJsonAsync(response, ct);
            var root = json.RootElement;
            if (root.TryGetProperty("code", out var code) && code.TryGetInt32(out var c))
            {
                var message = String(root, "message") ?? String(root, "detail") ?? "";
                return new TwilioException(c, message, String(root, "more_info"), root.TryGetProperty("status", out var s) && s.TryGetInt32(out var si) ? si : status);
            }
            // RFC 9457 shape of the newer APIs (§1.1).
            if (String(root, "title") is { } title)
                return new TwilioException(0, String(root, "detail") ?? title, String(root, "type"), status);
        }
        catch (JsonException)
        {
        }
        return new TwilioException(0, $"HTTP {status} from Twilio without a Twilio error body", null, status);
    }

    PlaceCallResult NotPlaced(CallRequest request, string reason)
    {
        logger.LogWarning("Call of attempt {AttemptId} not placed: {Reason}", request.AttemptId, reason);
        return new PlaceCallResult(PlaceCallOutcome.NotPlaced, null, reason);
    }

    PlaceCallResult Unknown(CallRequest request, string reason, TwilioException? error = null)
    {
        logger.LogWarning("Call of attempt {AttemptId} has an unknown outcome ({Reason}): reconcile, do not re-send", request.AttemptId, reason);
        return new PlaceCallResult(PlaceCallOutcome.Unknown, null, reason, error);
    }
}
