using System.Security.Claims;
using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core.Audit;
using Dialer.Core.Outcomes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Dialing;

/// <summary>
/// The disposition catalogue (any role), a call as its operator or a supervisor sees it, and recording its disposition
/// as the signed-in operator.
/// </summary>
static class CallsApi
{
    public static IEndpointRouteBuilder MapCallsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/dispositions", () => TypedResults.Ok(new DispositionCatalogueView(
                DispositionCatalogue.All, DispositionCatalogue.RefusalReasons, DispositionCatalogue.AppointmentReasons)))
            .WithTags("Calls");

        var calls = app.MapGroup("/api/calls").WithTags("Calls");
        calls.MapGet("/{attemptId:long}", Find);
        calls.MapPost("/{attemptId:long}/disposition", Record).RequireAuthorization(Roles.Operator).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>400: bad fields; 404: no such call or operator; 409: not their call, not answered yet, or already disposed differently.</summary>
    static async Task<Ok<DispositionResult>> Record(long attemptId, DispositionBody body, ClaimsPrincipal user, DispositionLedger dispositions,
        HttpContext http, CancellationToken ct)
    {
        var recorded = await dispositions.RecordAsync(attemptId, user.Username(),
            new DispositionRequest(body.Code, body.Reason, body.Appointment, body.Callback), ct);
        await http.AuditDispositionAsync(recorded);
        return TypedResults.Ok(recorded);
    }

    /// <summary>A call with the person's name: an operator sees only their own calls (404 for another's), a supervisor any.</summary>
    static async Task<Results<Ok<CallRecord>, NotFound>> Find(long attemptId, ClaimsPrincipal user, DispositionLedger dispositions, HttpContext http,
        CancellationToken ct)
    {
        if (await dispositions.FindCallAsync(attemptId, ct) is not { } call
            || !(user.IsInRole(Roles.Supervisor) || user.IsInRole(Roles.Admin) || call.Operator == user.Username()))
            return TypedResults.NotFound();
        await http.AuditPersonViewAsync(attemptId, PersonViews.CallDetail);
        return TypedResults.Ok(call);
    }
}

sealed record DispositionBody(string? Code, string? Reason, AppointmentRequest? Appointment, CallbackRequest? Callback);

sealed record DispositionCatalogueView(IReadOnlyList<DispositionType> Dispositions, IReadOnlyList<RefusalReason> RefusalReasons,
    IReadOnlyList<AppointmentReason> AppointmentReasons);
