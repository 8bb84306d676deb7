using Dialer.Api.Security;

namespace Dialer.Api.Operators;

/// <summary>
/// <c>GET /api/me/events</c>: the signed-in operator's live events as Server-Sent Events (docs/operators.md "Operator
/// event stream"): presence, ringing, connected, ended, disposed, appointment. Pushed, never polled.
/// </summary>
static class OperatorEventsApi
{
    public static IEndpointRouteBuilder MapOperatorEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me/events", (HttpContext http) => new OperatorEventStream(http.User.Identity!.Name!))
            .WithTags("Operators")
            .RequireAuthorization(Roles.Operator)
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return app;
    }
}

/// <summary>One operator's stream (<see cref="ServerSentEvents"/>); announcements in the operator's language as it opened.</summary>
sealed class OperatorEventStream(string identity) : IResult
{
    public Task ExecuteAsync(HttpContext http)
    {
        var hub = http.RequestServices.GetRequiredService<OperatorStreamHub>();
        return ServerSentEvents.WriteAsync(http, () => hub.Open(identity), c => c.Events, (item, english) => (item.Event, item.ToJson(english)));
    }
}
