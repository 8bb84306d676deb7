using Dialer.Api.Security;
using Dialer.Core.Supervision;

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

/// <summary>One wallboard stream (<see cref="ServerSentEvents"/>): each snapshot as <c>event: snapshot</c>, in the reader's language.</summary>
sealed class WallboardEventStream : IResult
{
    public Task ExecuteAsync(HttpContext http)
    {
        var feed = http.RequestServices.GetRequiredService<WallboardFeed>();
        return ServerSentEvents.WriteAsync(http, feed.Open, c => c.Snapshots, (message, english) => ("snapshot", message.For(english)));
    }
}
