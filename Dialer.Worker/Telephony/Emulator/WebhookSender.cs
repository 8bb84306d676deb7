using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;

namespace Dialer.Worker.Telephony.Emulator;

/// <summary>A webhook the emulator fired: what was sent, how it was signed, and what became of it.</summary>
public sealed class WebhookRecord
{
    public required long Id { get; init; }
    public required string CallSid { get; init; }

    /// <summary>status-callback, answer (the call's Url), dial-action, redirect, fallback, amd-status-callback.</summary>
    public required string Kind { get; init; }
    public required string Method { get; init; }

    /// <summary>The URL requested and signed (for GET, with the parameters appended).</summary>
    public required string Url { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; }
    public required string Signature { get; init; }
    public required string IdempotencyToken { get; init; }
    public required DateTimeOffset FiredAt { get; init; }

    /// <summary>sent, dropped, duplicated, delayed or reordered (callback faults).</summary>
    public string Delivery { get; set; } = "sent";
    public int Deliveries { get; set; }
    public int? ResponseStatus { get; set; }
    public string? Error { get; set; }

    public string? Parameter(string key) => Parameters.FirstOrDefault(p => p.Key == key).Value;
}

public sealed record WebhookResponse(int Status, string? ContentType, string Body, bool TooLarge);

/// <summary>
/// Sends webhooks as Twilio does (docs/twilio-reference.md §7.3): form-encoded, signed with the account's Auth Token over the exact URL,
/// <c>User-Agent: TwilioProxy/1.1</c>, an idempotency token, 15 s in all, one retry when the connection fails.
/// </summary>
public sealed class WebhookSender(HttpClient http, TimeProvider time, ILogger logger)
{
    const int MaxBody = 64 * 1024;
    static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(15);

    readonly ConcurrentQueue<WebhookRecord> log = new();
    long nextId;

    public IReadOnlyList<WebhookRecord> Log => [.. log];

    public void Clear() => log.Clear();

    public WebhookRecord Prepare(string callSid, string kind, string url, string method, IReadOnlyList<KeyValuePair<string, string>> parameters, string authToken)
    {
        // Connection-override fragments (#rc=…) never travel; the emulator signs and requests the URL without them.
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0) url = url[..hash];
        var isGet = method == "GET";
        if (isGet) url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + FormEncode(parameters);
        var record = new WebhookRecord
        {
            Id = Interlocked.Increment(ref nextId), CallSid = callSid, Kind = kind, Method = method, Url = url, Parameters = parameters,
            Signature = WebhookSignature.Compute(authToken, url, isGet ? [] : parameters),
            IdempotencyToken = Guid.NewGuid().ToString(), FiredAt = time.GetUtcNow(),
        };
        log.Enqueue(record);
        return record;
    }

    /// <summary>Sends it once more (a duplicate is the same request again). Null when no response came back.</summary>
    public async Task<WebhookResponse?> SendAsync(WebhookRecord record, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TotalTimeout);
        lock (record) record.Deliveries++;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(new HttpMethod(record.Method), record.Url);
                if (record.Method == "POST")
                {
                    request.Content = new StringContent(FormEncode(record.Parameters), Encoding.UTF8);
                    request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded; charset=UTF-8");
                }
                request.Headers.TryAddWithoutValidation("User-Agent", "TwilioProxy/1.1");
                request.Headers.TryAddWithoutValidation("Accept", "*/*");
                request.Headers.TryAddWithoutValidation("X-Twilio-Signature", record.Signature);
                request.Headers.TryAddWithoutValidation("I-Twilio-Idempotency-Token", record.IdempotencyToken);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var (body, tooLarge) = await ReadLimitedAsync(response.Content, timeout.Token);
                var status = (int)response.StatusCode;
                lock (record) record.ResponseStatus = status;
                if (status >= 400) logger.LogInformation("Webhook {Kind} for {CallSid} answered {Status} (Twilio logs warning 15003)", record.Kind, record.CallSid, status);
                return new WebhookResponse(status, response.Content.Headers.ContentType?.MediaType, body, tooLarge);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError && attempt == 0 && !timeout.IsCancellationRequested)
            {
                // Twilio retries once when the connection cannot be made (rc=1), and only then.
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                lock (record) record.Error = ex is OperationCanceledException ? "timeout (11205)" : $"{ex.Message} (11200)";
                logger.LogInformation("Webhook {Kind} for {CallSid} failed: {Error}", record.Kind, record.CallSid, record.Error);
                return null;
            }
        }
    }

    static async Task<(string Body, bool TooLarge)> ReadLimitedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxBody + 1];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), ct) is var n && n > 0) read += n;
        return (Encoding.UTF8.GetString(buffer, 0, Math.Min(read, MaxBody)), read > MaxBody);
    }

    /// <summary>application/x-www-form-urlencoded as Twilio sends it: UTF-8 percent-encoding, spaces as '+'.</summary>
    public static string FormEncode(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters.Select(p => Encode(p.Key) + "=" + Encode(p.Value)));

    static string Encode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);
}
