using System.Text;
using Dialer.Api.Operators;
using Dialer.Api.Security;
using Dialer.Core;
using Dialer.Core.Supervision;
using Microsoft.AspNetCore.Http.Features;

namespace Dialer.Api.Supervision;

/// <summary>
/// The supervisor's wallboard (docs/supervision.md "Situazione in tempo reale"): <c>GET /api/wallboard</c>, the floor
/// now; <c>GET /api/wallboard/events</c>, the same as Server-Sent Events each time it changes, from the one shared
/// <see cref="WallboardFeed"/> of the process.
/// </summary>
static class WallboardApi
{
    public static IEndpointRouteBuilder MapWallboardApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/wallboard").WithTags("Supervision").RequireAuthorization(Roles.Supervisor);
        group.MapGet("/", async (Wallboard wallboard, CancellationToken ct) => TypedResults.Ok(WallboardView.From(await wallboard.ReadAsync(ct))));
        group.MapGet("/events", () => new WallboardEventStream())
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return app;
    }

    /// <summary>The hub of this process's wallboard streams.</summary>
    public static IServiceCollection AddWallboard(this IServiceCollection services) => services.AddSingleton<WallboardFeed>();
}

/// <summary>
/// Writes one wallboard stream until the client goes away or the host stops, as the operator's stream does
/// (<see cref="OperatorEventStream"/>): <c>retry:</c> first, then each snapshot as <c>event: snapshot</c> with its JSON
/// in the reader's language, flushed at once, and a comment line when nothing changed for <see cref="OperatorEventsApi.Heartbeat"/>.
/// </summary>
sealed class WallboardEventStream : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var feed = http.RequestServices.GetRequiredService<WallboardFeed>();
        var stopping = http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var done = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var ct = done.Token;
        var english = Text.IsEnglish;

        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache, no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no";   // nginx: do not hold events back
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var connection = feed.Open();
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
                while (connection.Snapshots.TryRead(out var message))
                    await WriteAsync(body, $"event: snapshot\ndata: {message.For(english)}\n\n", ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser closed the page or the host is stopping: the stream simply ends.
        }
    }

    /// <summary>True when a snapshot is waiting; false when the heartbeat is due first.</summary>
    static async Task<bool> WaitAsync(WallboardConnection connection, CancellationToken ct)
    {
        using var beat = CancellationTokenSource.CreateLinkedTokenSource(ct);
        beat.CancelAfter(OperatorEventsApi.Heartbeat);
        try
        {
            return await connection.Snapshots.WaitToReadAsync(beat.Token);
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
