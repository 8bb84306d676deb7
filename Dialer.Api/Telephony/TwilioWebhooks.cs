using System.Globalization;
using System.Text.Json;
using Dialer.Core.Telephony;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dialer.Api.Telephony;

/// <summary>
/// The webhooks Twilio calls (docs/twilio-reference.md §2–4): TwiML when a call is answered, status callbacks, the async AMD
/// verdict and the result of the dial to the operator. Every request must carry a valid <c>X-Twilio-Signature</c>.
/// </summary>
static class TwilioWebhooks
{
    // Form keys that carry personal data (numbers, names, places): never stored in the event payload.
    static readonly string[] PersonalKeyPrefixes = ["To", "From", "Called", "Caller", "ForwardedFrom"];

    /// <summary>What the webhooks store and publish with (needs messaging), and the breaker's health check.</summary>
    public static IServiceCollection AddTwilioWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<CallStatusRecorder>();
        services.AddSingleton<CallStatusWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<CallStatusWriter>());
        // Tagged "ready" so /health/ready shows it; Degraded (still HTTP 200) while the breaker is open.
        services.AddHealthChecks().AddCheck<TelephonyHealthCheck>("telephony", tags: ["ready"]);
        return services;
    }

    public static RouteGroupBuilder MapTwilioWebhooks(this IEndpointRouteBuilder app)
    {
        // The form's type and size first (415, 413), then its signature (403): nothing is parsed that could not be Twilio's.
        var group = app.MapGroup("/twilio/voice").WithTags("Twilio")
            .AddEndpointFilter<TwilioFormLimits>()
            .AddEndpointFilter<TwilioSignatureFilter>()
            // Twilio signs its requests instead of signing in: the signature filter is their authorization.
            .AllowAnonymous()
            .ExcludeFromDescription();
        group.MapPost("/answer", Answer);
        group.MapPost("/status", Status);
        group.MapPost("/amd", Amd);
        group.MapPost("/dial-result", DialResult);
        return group;
    }

    /// <summary>The call was answered: connect the person to the reserved operator, or apologise in Italian and hang up.</summary>
    static async Task<ContentHttpResult> Answer(HttpRequest request, CallRoutes routes, IOptions<TwilioOptions> twilio,
        IOptions<TelephonyOptions> telephony, ILoggerFactory loggers, CancellationToken ct)
    {
        var attemptId = request.Query[TwilioWebhookUrls.AttemptParameter].ToString();
        var route = attemptId.Length > 0 ? await routes.FindAsync(attemptId, ct) : null;
        if (route?.OperatorTarget is { } target)
        {
            var publicBase = twilio.Value.PublicBaseUrl!;
            return TwiMLResult(TwimlResponses.Connect(target,
                action: TwilioWebhookUrls.For(publicBase, TwilioWebhookUrls.DialResult, attemptId),
                statusCallback: TwilioWebhookUrls.For(publicBase, TwilioWebhookUrls.Status, attemptId),
                callerId: twilio.Value.From,
                timeout: OperatorRingTimeout));
        }
        // The engine reserves an operator before every create: no route means a call placed outside the engine.
        loggers.CreateLogger(typeof(TwilioWebhooks)).LogWarning("Call {CallSid} of attempt {AttemptId} answered with no operator reserved: cannot connect",
            request.Form["CallSid"].ToString(), attemptId);
        return Unavailable(route, telephony.Value);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Status(HttpRequest request, CallStatusRecorder recorder, TimeProvider time, CancellationToken ct)
    {
        var form = request.Form;
        var callSid = form["CallSid"].ToString();
        var status = form["CallStatus"].ToString();
        if (callSid.Length == 0) return BadRequest("CallSid is missing.");
        if (CallStatus.Rank(status) is not { } rank) return BadRequest($"CallStatus '{status}' is not a Twilio call status.");
        int sequence;
        if (form["SequenceNumber"].ToString() is { Length: > 0 } s)
        {
            if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out sequence))
                return BadRequest($"SequenceNumber '{s}' is not a non-negative integer.");
        }
        else
        {
            // Callbacks outside call-progress events carry none: the status's own rank keeps them idempotent and ordered.
            sequence = rank;
        }

        await recorder.RecordStatusAsync(new StatusCallback(
            callSid,
            AttemptId(request),
            status,
            sequence,
            NullIfEmpty(form["ParentCallSid"]),
            NullIfEmpty(form["AnsweredBy"]),
            Integer(form["CallDuration"]),
            Integer(form["SipResponseCode"]),
            Payload(form),
            time.GetUtcNow()), ct);
        return TypedResults.NoContent();
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Amd(HttpRequest request, CallStatusRecorder recorder, TimeProvider time, CancellationToken ct)
    {
        var form = request.Form;
        var callSid = form["CallSid"].ToString();
        var answeredBy = form["AnsweredBy"].ToString();
        if (callSid.Length == 0) return BadRequest("CallSid is missing.");
        if (answeredBy.Length == 0) return BadRequest("AnsweredBy is missing.");

        await recorder.RecordAmdAsync(new AmdCallback(callSid, AttemptId(request), answeredBy, Integer(form["MachineDetectionDuration"]),
            Payload(form), time.GetUtcNow()), ct);
        return TypedResults.NoContent();
    }

    /// <summary>The dial to the operator ended: after a conversation hang up; otherwise apologise in Italian.</summary>
    static async Task<ContentHttpResult> DialResult(HttpRequest request, CallRoutes routes, IOptions<TelephonyOptions> telephony, CancellationToken ct)
    {
        var dialStatus = request.Form["DialCallStatus"].ToString();
        var attemptId = request.Query[TwilioWebhookUrls.AttemptParameter].ToString();
        // Before the person's call completes: the attempt's outcome (taken by an operator, or abandoned) is read from it.
        if (attemptId.Length > 0) await routes.RecordDialResultAsync(attemptId, dialStatus, ct);
        if (dialStatus is CallStatus.Completed or "answered") return TwiMLResult(TwimlResponses.Hangup());
        return Unavailable(attemptId.Length > 0 ? await routes.FindAsync(attemptId, ct) : null, telephony.Value);
    }

    // How long the operator's phone or browser rings before the person hears the apology.
    static readonly TimeSpan OperatorRingTimeout = TimeSpan.FromSeconds(20);

    static ContentHttpResult Unavailable(CallRoute? route, TelephonyOptions options) =>
        TwiMLResult(TwimlResponses.Unavailable(route?.JobCentreName ?? options.JobCentreName, route?.CallbackNumber ?? options.CallbackNumber));

    static ContentHttpResult TwiMLResult(string xml) => TypedResults.Content(xml, TwimlResponses.ContentType);

    static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid Twilio callback");

    static string? AttemptId(HttpRequest request) => NullIfEmpty(request.Query[TwilioWebhookUrls.AttemptParameter]);

    static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } s ? s : null;

    static int? Integer(Microsoft.Extensions.Primitives.StringValues value) =>
        int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;

    static string Payload(IFormCollection form)
    {
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in form)
        {
            if (!PersonalKeyPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal))) kept[key] = value.ToString();
        }
        return JsonSerializer.Serialize(kept);
    }
}

/// <summary>
/// Twilio posts <c>application/x-www-form-urlencoded</c> forms of a few KB: another content type gets 415 and a body
/// over <see cref="TwilioWebhookUrls.MaxRequestBytes"/> gets 413, both with a problem and before the form is parsed.
/// </summary>
sealed class TwilioFormLimits : IEndpointFilter
{
    const string FormType = "application/x-www-form-urlencoded";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = http.Request;
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ||
            !type.MediaType.Equals(FormType, StringComparison.OrdinalIgnoreCase))
            return Problem(StatusCodes.Status415UnsupportedMediaType, $"Twilio webhooks are {FormType} forms, not '{request.ContentType}'.");
        if (request.ContentLength > TwilioWebhookUrls.MaxRequestBytes) return TooLarge();

        // A chunked body has no length to check in advance: Kestrel stops reading it at the limit.
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = TwilioWebhookUrls.MaxRequestBytes;
        try
        {
            await request.ReadFormAsync(http.RequestAborted);   // kept by the request: the signature check and handlers reuse it
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (InvalidDataException ex)
        {
            // FormOptions' limits (more than 1,024 fields, say) or a malformed form.
            return Problem(StatusCodes.Status400BadRequest, ex.Message);
        }
        return await next(context);
    }

    static ProblemHttpResult TooLarge() => Problem(StatusCodes.Status413PayloadTooLarge,
        $"Twilio webhooks are at most {TwilioWebhookUrls.MaxRequestBytes / 1024} KiB.");

    static ProblemHttpResult Problem(int status, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: "Invalid Twilio callback");
}

/// <summary>
/// Checks <c>X-Twilio-Signature</c> over <c>Twilio:PublicBaseUrl</c> + path + query as received, plus every form
/// parameter (docs/twilio-reference.md §3): a missing or wrong signature gets 403 and a log line without personal data.
/// </summary>
sealed class TwilioSignatureFilter(IOptions<TwilioOptions> options, ILogger<TwilioSignatureFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var form = request.HasFormContentType ? await request.ReadFormAsync(context.HttpContext.RequestAborted) : FormCollection.Empty;
        var url = options.Value.PublicBaseUrl!.AbsoluteUri.TrimEnd('/') + request.Path + request.QueryString;
        var parameters = form.SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? "")));
        string? signature = request.Headers["X-Twilio-Signature"];

        if (!TwilioSignature.IsValid(options.Value.AuthToken, url, parameters, signature))
        {
            logger.LogWarning("Refused a Twilio webhook on {Path}: {Problem} X-Twilio-Signature",
                request.Path.Value, string.IsNullOrEmpty(signature) ? "missing" : "wrong");
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }
        return await next(context);
    }
}
