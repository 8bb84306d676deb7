using Dialer.Api.Security;
using Dialer.Core.Outcomes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Dialing;

/// <summary>The disposition catalogue, an attempt as the operator sees it, and recording its disposition (Development only until sign-in exists).</summary>
static class CallsApi
{
    public static IEndpointRouteBuilder MapCallsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/dispositions", () => TypedResults.Ok(new DispositionCatalogueView(
                DispositionCatalogue.All, DispositionCatalogue.RefusalReasons, DispositionCatalogue.AppointmentReasons)))
            .WithTags("Calls").DevelopmentOnly();

        var calls = app.MapGroup("/api/calls").WithTags("Calls").DevelopmentOnly();
        calls.MapGet("/{attemptId:long}", async Task<Results<Ok<CallRecord>, NotFound>> (long attemptId, DispositionLedger dispositions, CancellationToken ct) =>
            await dispositions.FindCallAsync(attemptId, ct) is { } call ? TypedResults.Ok(call) : TypedResults.NotFound());
        calls.MapPost("/{attemptId:long}/disposition", Record).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>400: bad fields; 404: no such call or operator; 409: not their call, not answered yet, or already disposed differently.</summary>
    static async Task<Results<Ok<DispositionResult>, ValidationProblem>> Record(
        long attemptId, DispositionBody body, DispositionLedger dispositions, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Operator))
            return DomainProblems.Invalid(["operator: required, the identity of the operator recording the disposition."], "L'esito non è valido");
        return TypedResults.Ok(await dispositions.RecordAsync(attemptId, body.Operator,
            new DispositionRequest(body.Code, body.Reason, body.Appointment, body.Callback), ct));
    }
}

sealed record DispositionBody(string? Operator, string? Code, string? Reason, AppointmentRequest? Appointment, CallbackRequest? Callback);

sealed record DispositionCatalogueView(IReadOnlyList<DispositionType> Dispositions, IReadOnlyList<RefusalReason> RefusalReasons,
    IReadOnlyList<AppointmentReason> AppointmentReasons);
