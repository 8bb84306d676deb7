using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Page = Twilio.Base.Page<Twilio.Rest.Api.V2010.Account.CallResource>;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;
using SdkHttpMethod = Twilio.Http.HttpMethod;
using SdkRequest = Twilio.Http.Request;

namespace Dialer.Core.Telephony;

/// <summary>
/// <see cref="ITelephonyClient"/> on Twilio's C# SDK (<c>CallResource</c>). What is the SDK's and what is ours is in
/// docs/telephony.md: the SDK builds the requests, reads the responses and raises <c>ApiException</c> (Twilio answered with an
/// error) or <c>ApiConnectionException</c> (no answer); our <see cref="TwilioHttpHandler"/> under its HttpClient runs the
/// resilience of <see cref="TelephonyHealth"/> and points it at <c>Twilio:BaseUrl</c> (the emulator in development), and this class
/// turns the SDK's answers into our results: a create is never re-sent, and an ambiguous one is <see cref="PlaceCallOutcome.Unknown"/>.
/// </summary>
public sealed class TwilioClient : ITelephonyClient
{
    readonly TwilioRestClient twilio;
    readonly TwilioOptions options;
    readonly ILogger<TwilioClient> logger;

    public TwilioClient(System.Net.Http.HttpClient http, IOptions<TwilioOptions> options, ILogger<TwilioClient> logger)
    {
        this.options = options.Value;
        this.logger = logger;
        http.Timeout = Timeout.InfiniteTimeSpan;   // the resilience pipeline times each attempt
        var (user, secret) = string.IsNullOrEmpty(this.options.ApiKeySid)
            ? (this.options.AccountSid, this.options.AuthToken)
            : (this.options.ApiKeySid, this.options.ApiKeySecret!);
        // With an API key the path still names the account (AC…) SID (docs/twilio-reference.md §1.1).
        twilio = new TwilioRestClient(user, secret, accountSid: this.options.AccountSid, httpClient: new SystemNetHttpClient(http))
        {
            LogLevel = null,   // TWILIO_LOG_LEVEL=debug would print request URIs, which carry the number dialled, to the console
        };
    }

    public async Task<PlaceCallResult> PlaceCallAsync(CallRequest request, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var exchange = TwilioExchange.Begin(ct);
        CallResource created;
        try
        {
            created = await CallResource.CreateAsync(CreateOptions(request), twilio);
        }
        catch (ApiConnectionException ex)
        {
            return ex.InnerException switch
            {
                BrokenCircuitException => NotPlaced(request, "circuit open: Twilio is failing, nothing was sent"),
                HttpRequestException inner when TelephonyHealth.FailedBeforeSending(inner) =>
                    NotPlaced(request, $"could not connect to Twilio ({inner.HttpRequestError}); nothing was sent"),
                HttpRequestException inner => Unknown(request, $"connection failed after sending ({inner.HttpRequestError})"),
                TimeoutRejectedException => Unknown(request, $"no answer within {options.RequestTimeout.TotalSeconds:0.#} s"),
                OperationCanceledException when ct.IsCancellationRequested => Unknown(request, "cancelled while waiting for Twilio's answer"),
                _ => Unknown(request, $"no usable answer from Twilio ({ex.InnerException?.GetType().Name ?? "no response"})"),
            };
        }
        catch (ApiException ex)
        {
            var status = exchange.HttpStatus;
            // Created, but the body is not a call we can read: we cannot tell which call, the same as not knowing.
            if (status is >= 200 and < 300)
                return Unknown(request, $"created (HTTP {status}) with a body that is not a Twilio call");
            var error = Error(ex, status);
            if (error.HttpStatus >= 500 || error.HttpStatus == 0)
                return Unknown(request, $"HTTP {error.HttpStatus} from Twilio", error);
            logger.LogWarning("Twilio refused the call of attempt {AttemptId}: code {Code}, HTTP {Status}", request.AttemptId, error.Code, error.HttpStatus);
            return new PlaceCallResult(PlaceCallOutcome.NotPlaced, null, $"refused by Twilio: code {error.Code}", error);
        }
        catch (JsonException)
        {
            return Unknown(request, $"created (HTTP {exchange.HttpStatus}) with a body that is not a Twilio call");
        }

        if (string.IsNullOrEmpty(created.Sid))
            return Unknown(request, $"created (HTTP {exchange.HttpStatus}) with a body that is not a Twilio call");
        var call = ReadCall(created);
        logger.LogInformation("Call {CallSid} placed for attempt {AttemptId}: {Status}", call.Sid, request.AttemptId, call.Status);
        return new PlaceCallResult(PlaceCallOutcome.Placed, call, "created");
    }

    public Task<ProviderCall> FetchCallAsync(string callSid, CancellationToken ct) =>
        SendAsync(() => CallResource.FetchAsync(new FetchCallOptions(callSid), twilio), ct);

    public Task<ProviderCall> RedirectAsync(string callSid, Uri twimlUrl, CancellationToken ct) =>
        SendAsync(() => CallResource.UpdateAsync(new UpdateCallOptions(callSid) { Url = twimlUrl, Method = SdkHttpMethod.Post }, twilio), ct);

    public Task<ProviderCall> HangUpAsync(string callSid, CancellationToken ct) =>
        SendAsync(() => CallResource.UpdateAsync(new UpdateCallOptions(callSid) { Status = CallResource.UpdateStatusEnum.Completed }, twilio), ct);

    public Task<ProviderCall> CancelAsync(string callSid, CancellationToken ct) =>
        SendAsync(() => CallResource.UpdateAsync(new UpdateCallOptions(callSid) { Status = CallResource.UpdateStatusEnum.Canceled }, twilio), ct);

    /// <summary>
    /// The SDK's <c>ReadCallOptions</c> and <c>Page&lt;CallResource&gt;</c>, paged here rather than through its
    /// <c>ResourceSet</c>, which fetches later pages synchronously (blocking a thread on each).
    /// </summary>
    public async Task<IReadOnlyList<ProviderCall>> ListCallsAsync(CallFilter filter, CancellationToken ct)
    {
        var read = new ReadCallOptions
        {
            To = filter.To is null ? null : new PhoneNumber(filter.To),
            From = filter.From is null ? null : new PhoneNumber(filter.From),
            ParentCallSid = filter.ParentCallSid,
            // Sent as StartTime>=yyyy-MM-ddT00:00:00Z, which Twilio reads as the day's start.
            StartTimeAfter = filter.StartedOnOrAfter?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            PageSize = Math.Clamp(filter.PageSize, 1, 1000),
        };
        // Not in the initialiser: the SDK's string enum converts null into a value that sends an empty Status.
        if (filter.Status is not null) read.Status = filter.Status;
        var calls = new List<ProviderCall>();
        var request = new SdkRequest(SdkHttpMethod.Get, Twilio.Rest.Domain.Api, $"/2010-04-01/Accounts/{options.AccountSid}/Calls.json",
            queryParams: read.GetParams());
        while (request is not null && calls.Count < filter.MaxResults)
        {
            var current = request;
            var page = await SendAsync(async () => Page.FromJson("calls", (await twilio.RequestAsync(current)).Content), ct);
            calls.AddRange(page.Records.Select(ReadCall));
            // next_page_uri carries PageToken; the SDK makes it absolute on api.twilio.com, which our handler maps to Twilio:BaseUrl.
            request = page.HasNextPage() ? new SdkRequest(SdkHttpMethod.Get, page.GetNextPageUrl(Twilio.Rest.Domain.Api)) : null;
        }
        return calls.Count > filter.MaxResults ? calls[..filter.MaxResults] : calls;
    }

    /// <summary>The create of docs/twilio-reference.md §1.2; the SDK writes the four StatusCallbackEvent values as repeated keys.</summary>
    CreateCallOptions CreateOptions(CallRequest request)
    {
        var publicBase = options.PublicBaseUrl!;
        var create = new CreateCallOptions(new PhoneNumber(request.To), new PhoneNumber(request.From ?? options.From))
        {
            Url = TwilioWebhookUrls.For(publicBase, TwilioWebhookUrls.Answer, request.AttemptId),
            Method = SdkHttpMethod.Post,
            StatusCallback = TwilioWebhookUrls.For(publicBase, TwilioWebhookUrls.Status, request.AttemptId),
            // initiated arrives soon after dialling starts, so an ambiguous create is settled quickly (§5.4).
            StatusCallbackEvent = ["initiated", "ringing", "answered", "completed"],
            StatusCallbackMethod = SdkHttpMethod.Post,
            Timeout = (int)request.RingTimeout.TotalSeconds,
        };
        if (request.TimeLimit is { } limit) create.TimeLimit = (int)limit.TotalSeconds;
        if (request.DetectMachine)
        {
            create.MachineDetection = "Enable";
            create.AsyncAmd = "true";
            create.AsyncAmdStatusCallback = TwilioWebhookUrls.For(publicBase, TwilioWebhookUrls.Amd, request.AttemptId);
            create.AsyncAmdStatusCallbackMethod = SdkHttpMethod.Post;
        }
        return create;
    }

    async Task<ProviderCall> SendAsync(Func<Task<CallResource>> send, CancellationToken ct) => ReadCall(await SendAsync<CallResource>(send, ct));

    /// <summary>Runs one SDK call: Twilio errors become <see cref="TwilioException"/>, transport failures <see cref="TelephonyUnavailableException"/>.</summary>
    async Task<T> SendAsync<T>(Func<Task<T>> send, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var exchange = TwilioExchange.Begin(ct);
        try
        {
            return await send();
        }
        catch (ApiConnectionException ex)
        {
            throw ex.InnerException switch
            {
                OperationCanceledException when ct.IsCancellationRequested => new OperationCanceledException(ct),
                BrokenCircuitException inner => new TelephonyUnavailableException("Twilio circuit is open: requests are paused", inner),
                TimeoutRejectedException inner => new TelephonyUnavailableException($"Twilio did not answer within {options.RequestTimeout.TotalSeconds:0.#} s", inner),
                HttpRequestException inner => new TelephonyUnavailableException($"Twilio could not be reached ({inner.HttpRequestError})", inner),
                var inner => new TelephonyUnavailableException("Twilio gave no usable answer", inner ?? ex),
            };
        }
        catch (ApiException ex)
        {
            throw Error(ex, exchange.HttpStatus);
        }
        catch (JsonException ex)
        {
            throw new TelephonyUnavailableException($"Twilio answered HTTP {exchange.HttpStatus} with a body that is not JSON", ex);
        }
    }

    /// <summary>
    /// The SDK's error as ours. When Twilio's body was not a Twilio error (a proxy's HTML page, say), the SDK leaves the status at 0:
    /// the handler saw the real one.
    /// </summary>
    static TwilioException Error(ApiException ex, int httpStatus)
    {
        var status = ex.Status != 0 ? ex.Status : httpStatus;
        return ex.Code != 0 || ex.Status != 0
            ? new TwilioException(ex.Code, ex.Message, ex.MoreInfo, status)
            : new TwilioException(0, $"HTTP {status} from Twilio without a Twilio error body", null, status);
    }

    static ProviderCall ReadCall(CallResource c) => new(
        Sid: c.Sid ?? throw new TelephonyUnavailableException("Twilio's call resource has no sid"),
        Status: c.Status?.ToString() ?? "",
        To: c.To,
        From: c.From,
        Direction: c.Direction,
        ParentCallSid: c.ParentCallSid,
        DateCreated: Utc(c.DateCreated),
        StartTime: Utc(c.StartTime),
        EndTime: Utc(c.EndTime),
        DurationSeconds: int.TryParse(c.Duration, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null,
        AnsweredBy: c.AnsweredBy);

    // The SDK reads Twilio's RFC 2822 dates ("… +0000") into DateTime; whatever kind it gives them, they are instants in UTC.
    static DateTimeOffset? Utc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => new DateTimeOffset(local.ToUniversalTime(), TimeSpan.Zero),
        { } other => new DateTimeOffset(DateTime.SpecifyKind(other, DateTimeKind.Utc), TimeSpan.Zero),
    };

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
