using Microsoft.Extensions.Options;

namespace Dialer.Core.Telephony;

/// <summary>
/// The handler under the HttpClient that Twilio's SDK sends through (<c>SystemNetHttpClient</c>): each request runs through
/// <see cref="TelephonyHealth"/> (retry only what Twilio did not process, the shared breaker, the per-attempt timeout), and goes to
/// <c>Twilio:BaseUrl</c> rather than the SDK's <c>https://api.twilio.com</c>, so the same SDK calls drive the emulator.
/// </summary>
/// <remarks>
/// A GET is a read (retried on 5xx and timeouts too); anything else is a write, retried only on 429 or a connection that failed
/// before sending (docs/telephony.md). The SDK takes no CancellationToken: <see cref="TwilioExchange"/> carries the caller's here.
/// </remarks>
public sealed class TwilioHttpHandler(TelephonyHealth health, IOptions<TwilioOptions> options) : DelegatingHandler
{
    readonly Uri? baseUrl = options.Value.BaseUrl == new Uri(TwilioOptions.TwilioBaseUrl) ? null : options.Value.BaseUrl;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (baseUrl is not null && request.RequestUri is { } uri && uri.Host.EndsWith(".twilio.com", StringComparison.OrdinalIgnoreCase))
            request.RequestUri = new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + uri.PathAndQuery);

        var exchange = TwilioExchange.Current;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, exchange?.Cancellation ?? CancellationToken.None);
        // The same message is sent again on a retry: its form content is buffered, and only HttpClient itself refuses a second send.
        var response = await health.SendAsync(idempotent: request.Method == HttpMethod.Get, t => base.SendAsync(request, t), linked.Token);
        exchange?.HttpStatus = (int)response.StatusCode;
        return response;
    }
}

/// <summary>
/// One call into the SDK, seen from <see cref="TwilioHttpHandler"/>: the caller's CancellationToken in, and the HTTP status of the last
/// response out (the SDK reports 0 for an error whose body is not Twilio's JSON, and nothing for a 2xx it could not read).
/// </summary>
public sealed class TwilioExchange
{
    static readonly AsyncLocal<TwilioExchange?> current = new();

    TwilioExchange(CancellationToken cancellation) => Cancellation = cancellation;

    public static TwilioExchange? Current => current.Value;

    public CancellationToken Cancellation { get; }

    public int HttpStatus { get; set; }

    /// <summary>Starts an exchange for the calling async method and what it awaits; it ends when that method returns.</summary>
    public static TwilioExchange Begin(CancellationToken cancellation) => current.Value = new TwilioExchange(cancellation);
}
