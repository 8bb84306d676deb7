using System.Security.Claims;
using Dialer.Api.Audit;
using Dialer.Api.Operators;
using Dialer.Api.Security;
using Dialer.Core.Audit;
using Dialer.Core.Dialing;
using Dialer.Core.Outcomes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Dialing;

/// <summary>
/// Preview mode (the operator asks for the next person, then calls or skips, always as the signed-in operator) and the
/// campaign diagnostics ("why is nobody being dialed?") for supervisors.
/// </summary>
static class DialingApi
{
    public sealed record SkipBody(string Reason);

    public sealed record CallStarted(long AttemptId, bool Placed, string State, string Reason);

    public static IEndpointRouteBuilder MapDialingApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/campaigns/{slug}/diagnostics", async Task<Results<Ok<CampaignDiagnostics>, NotFound>> (string slug,
                DialingDiagnostics diagnostics, CancellationToken ct) =>
            await diagnostics.ForAsync(slug, ct) is { } d ? TypedResults.Ok(d) : TypedResults.NotFound())
            .WithTags("Campaigns").RequireAuthorization(Roles.Supervisor);

        var preview = app.MapGroup("/api").WithTags("Preview").RequireAuthorization(Roles.Operator);
        preview.MapPost("/me/preview/next", Next).ProducesProblem(StatusCodes.Status404NotFound);
        preview.MapPost("/calls/{attemptId:long}/call", Call).ProducesMoveProblems();
        preview.MapPost("/calls/{attemptId:long}/skip", Skip).ProducesValidationProblem().ProducesMoveProblems();
        app.MapGet("/api/preview/skip-reasons", () => TypedResults.Ok(PreviewDialer.SkipReasons)).WithTags("Preview");
        return app;
    }

    /// <summary>The next person for this operator: 200 with the card, 204 when nobody can be called now (diagnostics say why).</summary>
    static async Task<Results<Ok<PreviewContact>, NoContent>> Next(ClaimsPrincipal user, PreviewDialer dialer, HttpContext http, CancellationToken ct)
    {
        if (await dialer.NextAsync(user.Username(), ct) is not { } card) return TypedResults.NoContent();
        await http.AuditPersonViewAsync(card.AttemptId, PersonViews.PreviewCard);
        return TypedResults.Ok(card);
    }

    /// <summary>404: unknown operator; 409: not this operator's preview, already started or skipped, or expired.</summary>
    static async Task<Ok<CallStarted>> Call(long attemptId, ClaimsPrincipal user, PreviewDialer dialer, CancellationToken ct)
    {
        var result = await dialer.CallAsync(user.Username(), attemptId, ct);
        return TypedResults.Ok(new CallStarted(attemptId, result.Placed, result.Attempt.State, result.Reason));
    }

    /// <summary>400: not a skip reason; 404: unknown operator; 409: not this operator's preview, or already started or skipped.</summary>
    static async Task<NoContent> Skip(long attemptId, SkipBody body, ClaimsPrincipal user, PreviewDialer dialer, CancellationToken ct)
    {
        await dialer.SkipAsync(user.Username(), attemptId, body.Reason, ct);
        return TypedResults.NoContent();
    }
}
