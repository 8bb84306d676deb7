using Dialer.Api.Security;
using Dialer.Core.Dialing.Dispositions;
using Dialer.Core.Dialing.Operators;
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
        calls.MapPost("/{attemptId:long}/disposition", Record);
        return app;
    }

    static async Task<Results<Ok<DispositionResult>, ValidationProblem, ProblemHttpResult>> Record(
        long attemptId, DispositionBody body, DispositionLedger dispositions, CancellationToken ct)
    {
        const string title = "L'esito non è valido";
        if (string.IsNullOrWhiteSpace(body.Operator))
            return OperatorsApi.Invalid(["operator: required, the identity of the operator recording the disposition."], title);
        try
        {
            return TypedResults.Ok(await dispositions.RecordAsync(attemptId, body.Operator,
                new DispositionRequest(body.Code, body.Reason, body.Appointment, body.Callback), ct));
        }
        catch (DispositionValidationException ex)
        {
            return OperatorsApi.Invalid(ex.Errors, title);
        }
        catch (OperatorNotFoundException ex)
        {
            return OperatorsApi.Invalid([$"operator: {ex.Message}"], title);
        }
        catch (CallNotFoundException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Chiamata sconosciuta", detail: ex.Message);
        }
        catch (DispositionConflictException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Esito non registrabile", detail: ex.Message);
        }
    }
}

sealed record DispositionBody(string? Operator, string? Code, string? Reason, AppointmentRequest? Appointment, CallbackRequest? Callback);

sealed record DispositionCatalogueView(IReadOnlyList<DispositionType> Dispositions, IReadOnlyList<RefusalReason> RefusalReasons,
    IReadOnlyList<AppointmentReason> AppointmentReasons);
