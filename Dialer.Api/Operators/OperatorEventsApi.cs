using System.Text;
using Dialer.Api.Security;
using Dialer.Core;
using Microsoft.AspNetCore.Http.Features;

namespace Dialer.Api.Operators;

/// <summary>
/// <c>GET /api/me/events</c>: the signed-in operator's live events as Server-Sent Events (docs/operators.md "Operator
/// event stream"): presence, ringing, connected, ended, disposed, appointment. Pushed, never polled.
/// </summary>
static class OperatorEventsApi
{
    /// <summary>A comment line this often keeps proxies and the browser from closing an idle stream (most cut at 30–60 s).</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>How long the browser waits before reconnecting a dropped stream.</summary>
    public const int RetryMilliseconds = 3000;

    public static IEndpointRouteBuilder MapOperatorEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me/events", (HttpContext http) => new OperatorEventStream(http.User.Identity!.Name!))
            .WithTags("Operators")
            .RequireAuthorization(Roles.Operator)
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return app;
    }
}

/// <summary>
/// Writes one operator's stream until the client goes away or the host stops: <c>retry:</c> first, then each event as
/// <c>event:</c> and <c>data:</c> lines, flushed at once, and a comment line when nothing happened for <see cref="OperatorEventsApi.Heartbeat"/>.
/// The announcements are in the operator's language as the stream opened (the request's <see cref="Text.IsEnglish"/>).
/// </summary>
sealed class OperatorEventStream(string identity) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var hub = http.RequestServices.GetRequiredService<OperatorStreamHub>();
        var stopping = http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var done = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var ct = done.Token;
        var english = Text.IsEnglish;

        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache, no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no";   // nginx: do not hold events back
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        // Subscribed before the first byte: whoever has read the retry line will get every event from then on.
        using var connection = hub.Open(identity);
        var body = http.Response.Body;
        try
        {
            await WriteAsync(body, $"retry: {OperatorEventsApi.RetryMilliseconds}\n\n", ct);
            while (!ct.IsCancellationRequested)
            {
                if (!await WaitAsync(connection, ct))
                {
                    await WriteAsync(body, ": heartbeat\n\n", ct);
                    continue;
                }
                while (connection.Events.TryRead(out var item))
                    await WriteAsync(body, $"event: {item.Event}\ndata: {item.ToJson(english)}\n\n", ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser closed the page or the host is stopping: the stream simply ends.
        }
    }

    /// <summary>True when events are waiting; false when the heartbeat is due first.</summary>
    static async Task<bool> WaitAsync(OperatorStreamConnection connection, CancellationToken ct)
    {
        using var beat = CancellationTokenSource.CreateLinkedTokenSource(ct);
        beat.CancelAfter(OperatorEventsApi.Heartbeat);
        try
        {
            return await connection.Events.WaitToReadAsync(beat.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    static async Task WriteAsync(Stream body, string text, CancellationToken ct)
    {
        await body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await body.FlushAsync(ct);
    }
}
