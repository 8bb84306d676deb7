using Dialer.Api.Operators;
using Dialer.Api.Security;
using Dialer.Core.Dialing;
using Dialer.Core.Outcomes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Dialing;

/// <summary>
/// Preview mode (the operator asks for the next person, then calls or skips) and the campaign diagnostics ("why is
/// nobody being dialed?"). Until sign-in exists the operator's identity is passed explicitly and these answer only in
/// Development.
/// </summary>
static class DialingApi
{
    public sealed record OperatorBody(string Operator);

    public sealed record SkipBody(string Operator, string Reason);

    public sealed record CallStarted(long AttemptId, bool Placed, string State, string Reason);

    public static IEndpointRouteBuilder MapDialingApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/campaigns/{slug}/diagnostics", async Task<Results<Ok<CampaignDiagnostics>, NotFound>> (string slug,
                DialingDiagnostics diagnostics, CancellationToken ct) =>
            await diagnostics.ForAsync(slug, ct) is { } d ? TypedResults.Ok(d) : TypedResults.NotFound())
            .WithTags("Campaigns").DevelopmentOnly();

        var preview = app.MapGroup("/api").WithTags("Preview").DevelopmentOnly();
        preview.MapPost("/operators/{identity}/preview/next", Next).ProducesProblem(StatusCodes.Status404NotFound);
        preview.MapPost("/calls/{attemptId:long}/call", Call).ProducesMoveProblems();
        preview.MapPost("/calls/{attemptId:long}/skip", Skip).ProducesValidationProblem().ProducesMoveProblems();
        preview.MapGet("/preview/skip-reasons", () => TypedResults.Ok(PreviewDialer.SkipReasons));
        return app;
    }

    /// <summary>The next person for this operator: 200 with the card, 204 when nobody can be called now (diagnostics say why).</summary>
    static async Task<Results<Ok<PreviewContact>, NoContent>> Next(string identity, PreviewDialer dialer, CancellationToken ct) =>
        await dialer.NextAsync(identity, ct) is { } card ? TypedResults.Ok(card) : TypedResults.NoContent();

    /// <summary>404: unknown operator; 409: not this operator's preview, already started or skipped, or expired.</summary>
    static async Task<Ok<CallStarted>> Call(long attemptId, OperatorBody body, PreviewDialer dialer, CancellationToken ct)
    {
        var result = await dialer.CallAsync(body.Operator, attemptId, ct);
        return TypedResults.Ok(new CallStarted(attemptId, result.Placed, result.Attempt.State, result.Reason));
    }

    /// <summary>400: not a skip reason; 404: unknown operator; 409: not this operator's preview, or already started or skipped.</summary>
    static async Task<NoContent> Skip(long attemptId, SkipBody body, PreviewDialer dialer, CancellationToken ct)
    {
        await dialer.SkipAsync(body.Operator, attemptId, body.Reason, ct);
        return TypedResults.NoContent();
    }
}
