using System.Net.Sockets;
using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using Polly;

namespace Dialer.Core.Telephony;

/// <summary>
/// The resilience around every request to Twilio, and the circuit breaker's state: while <see cref="IsOpen"/>,
/// Twilio is failing and the dialing loop pauses. One instance per process, shared by every client.
/// </summary>
/// <remarks>
/// Order: retry (outermost, per kind of request) → circuit breaker (shared) → timeout (per attempt).
/// Retries happen only where Twilio did not process the request: HTTP 429 / code 20429 and connections that
/// failed before anything was sent. Reads (GET) may also retry on 5xx and timeouts; writes (POST) never do,
/// because a create that timed out or got a 5xx may have rung the person already (docs/twilio-reference.md §5.3–5.4).
/// </remarks>
public sealed class TelephonyHealth
{
    readonly ResiliencePipeline<HttpResponseMessage> shared;
    readonly ResiliencePipeline<HttpResponseMessage> writeRetry;
    readonly ResiliencePipeline<HttpResponseMessage> readRetry;
    readonly CircuitBreakerStateProvider circuit = new();

    public TelephonyHealth(IOptions<TwilioOptions> options, TimeProvider time, ILogger<TelephonyHealth> logger)
    {
        var o = options.Value;
        shared = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = 0.5,
                SamplingDuration = TimeSpan.FromSeconds(30),
                MinimumThroughput = o.CircuitMinimumThroughput,
                BreakDuration = o.CircuitBreakDuration,
                StateProvider = circuit,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => (int)r.StatusCode >= 500),
                OnOpened = args =>
                {
                    logger.LogError("Twilio circuit opened for {BreakDuration}: dialing pauses", args.BreakDuration);
                    return default;
                },
                OnClosed = _ =>
                {
                    logger.LogInformation("Twilio circuit closed: dialing resumes");
                    return default;
                },
            })
            .AddTimeout(o.RequestTimeout)
            .Build();

        writeRetry = Retry(o, time, logger, retryServerErrors: false);
        readRetry = Retry(o, time, logger, retryServerErrors: true);
    }

    /// <summary>True while Twilio is considered down (breaker open or isolated): do not dial.</summary>
    public bool IsOpen => circuit.CircuitState is CircuitState.Open or CircuitState.Isolated;

    public CircuitState State => circuit.CircuitState;

    /// <summary>
    /// Sends a request built afresh for each try (a request message cannot be sent twice). Exceptions: Polly's
    /// <see cref="TimeoutRejectedException"/> and <see cref="BrokenCircuitException"/>, or the transport's.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(bool idempotent, Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken ct)
    {
        var retry = idempotent ? readRetry : writeRetry;
        return await retry.ExecuteAsync(
            static async (state, token) => await state.shared.ExecuteAsync(
                static async (send, t) => await send(t), state.send, token),
            (shared, send), ct);
    }

    /// <summary>A connection that failed before the request was sent: Twilio cannot have processed it.</summary>
    public static bool FailedBeforeSending(Exception ex) => ex switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => true,
        HttpRequestException { InnerException: SocketException s } => s.SocketErrorCode is
            SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable
            or SocketError.NetworkUnreachable or SocketError.TryAgain or SocketError.NoData or SocketError.AddressNotAvailable,
        _ => false,
    };

    static ResiliencePipeline<HttpResponseMessage> Retry(TwilioOptions o, TimeProvider time, ILogger logger, bool retryServerErrors)
    {
        if (o.MaxRetries == 0) return ResiliencePipeline<HttpResponseMessage>.Empty;
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = o.MaxRetries,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result.StatusCode: HttpStatusCode.TooManyRequests } => true,
                    { Result: { } r } => retryServerErrors && (int)r.StatusCode >= 500,
                    { Exception: BrokenCircuitException } => false,
                    { Exception: TimeoutRejectedException } => retryServerErrors,
                    { Exception: { } e } => FailedBeforeSending(e) || (retryServerErrors && e is HttpRequestException),
                    _ => false,
                }),
                // Full jitter as twilio-node: random(0, min(max, base·2^attempt)); a Retry-After wins when present.
                DelayGenerator = args =>
                {
                    if (args.Outcome.Result?.Headers.RetryAfter?.Delta is { } retryAfter)
                        return ValueTask.FromResult<TimeSpan?>(retryAfter < o.RetryMaxDelay ? retryAfter : o.RetryMaxDelay);
                    var ceiling = Math.Min(o.RetryMaxDelay.TotalMilliseconds, o.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, args.AttemptNumber));
                    return ValueTask.FromResult<TimeSpan?>(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling));
                },
                OnRetry = args =>
                {
                    logger.LogWarning("Twilio request retried (attempt {Attempt}) after {Reason}; Twilio did not process it",
                        args.AttemptNumber + 1, args.Outcome.Result is { } r ? $"HTTP {(int)r.StatusCode}" : args.Outcome.Exception?.GetType().Name);
                    return default;
                },
            })
            .Build();
    }
}

/// <summary>Reports the breaker: Degraded while Twilio is failing (webhooks still work; dialing is paused).</summary>
public sealed class TelephonyHealthCheck(TelephonyHealth health, IOptions<TelephonyOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(health.IsOpen
            ? HealthCheckResult.Degraded($"{options.Value.Provider}: circuit {health.State}, dialing paused")
            : HealthCheckResult.Healthy($"{options.Value.Provider}: circuit {health.State}"));
}
