using Dialer.Api.Security;
using Dialer.Core.Operators;
using Dialer.Core.Telephony;
using Dialer.Core;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Operators;

/// <summary>
/// Operators and their presence. Until sign-in exists the operator's identity is in the route and these endpoints
/// answer only in Development.
/// </summary>
static class OperatorsApi
{
    public static IEndpointRouteBuilder MapOperatorsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/operators").WithTags("Operators").DevelopmentOnly();

        group.MapGet("/", async (OperatorRoster roster, CancellationToken ct) => TypedResults.Ok(await roster.ListAsync(ct)));

        group.MapGet("/{identity}", async Task<Results<Ok<OperatorView>, NotFound>> (string identity, OperatorDirectory directory,
            OperatorRoster roster, CancellationToken ct) =>
            await directory.FindAsync(identity, ct) is { } found && await roster.FindAsync(identity, ct) is { } presence
                ? TypedResults.Ok(new OperatorView(found, presence))
                : TypedResults.NotFound());

        group.MapPut("/{identity}", Save).ProducesValidationProblem();

        group.MapPost("/{identity}/sign-in", async (string identity, OperatorRoster roster, CancellationToken ct) =>
            TypedResults.Ok(await roster.SignInAsync(identity, ct))).ProducesMoveProblems();
        group.MapPost("/{identity}/sign-out", async (string identity, OperatorRoster roster, CancellationToken ct) =>
            TypedResults.Ok(await roster.SignOutAsync(identity, ct))).ProducesMoveProblems();
        group.MapPost("/{identity}/available", async (string identity, OperatorRoster roster, CancellationToken ct) =>
            TypedResults.Ok(await roster.SetAvailableAsync(identity, ct))).ProducesMoveProblems();
        group.MapPost("/{identity}/pause", Pause).ProducesMoveProblems();
        // The browser softphone's Twilio access token; with sign-in it will be issued to the signed-in operator only.
        group.MapPost("/{identity}/voice-token", VoiceToken).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        app.MapGet("/api/pause-reasons", () => TypedResults.Ok(PauseReasons.All.Where(r => r.ChosenByOperator)))
            .WithTags("Operators").DevelopmentOnly();
        app.MapGet("/api/presence-report", Report).WithTags("Operators").DevelopmentOnly();
        return app;
    }

    /// <summary>Time per operator in each state (paused per reason) in [from, to); by default today so far, in Italy.</summary>
    static async Task<Results<Ok<IReadOnlyList<PresenceTime>>, ValidationProblem>> Report(DateTimeOffset? from, DateTimeOffset? to,
        OperatorRoster roster, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var end = to ?? now;
        var start = from ?? new DateTimeOffset(TimeZoneInfo.ConvertTime(now, ItalianTime.Rome).Date, ItalianTime.Rome.GetUtcOffset(TimeZoneInfo.ConvertTime(now, ItalianTime.Rome).Date));
        if (start >= end) return DomainProblems.Invalid(["from: must be before to."], "Periodo non valido");
        return TypedResults.Ok(await roster.TimeInStatesAsync(start, end, ct));
    }


    static async Task<Results<Created<Operator>, Ok<Operator>>> Save(string identity, OperatorBody body,
        OperatorDirectory directory, CancellationToken ct)
    {
        var (saved, created) = await directory.SaveAsync(
            new OperatorProfile(identity, body.Name, body.Cpi, body.Phone, body.Active ?? true, body.Campaigns), ct);
        return created ? TypedResults.Created($"/api/operators/{identity}", saved) : TypedResults.Ok(saved);
    }

    static async Task<Results<Ok<SoftphoneToken>, NotFound, ProblemHttpResult>> VoiceToken(string identity, OperatorDirectory directory,
        SoftphoneTokens tokens, CancellationToken ct)
    {
        if (await directory.FindAsync(identity, ct) is not { Active: true } found) return TypedResults.NotFound();
        if (tokens.Unavailable is { } reason)
            return TypedResults.Problem(reason, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Softphone non configurato");
        return TypedResults.Ok(tokens.Issue(found.Identity));
    }

    static async Task<Results<Ok<OperatorPresence>, ValidationProblem>> Pause(
        string identity, PauseBody body, OperatorRoster roster, CancellationToken ct)
    {
        if (!SnakeCase.TryParse<PauseReason>(body.Reason, out var reason))
        {
            var chosen = string.Join(", ", PauseReasons.All.Where(r => r.ChosenByOperator).Select(r => SnakeCase.Of(r.Code)));
            return DomainProblems.Invalid([body.Reason is null ? $"reason: required, one of {chosen}." : $"reason: unknown pause reason \"{body.Reason}\"; one of {chosen}."],
                "Motivo di pausa non valido");
        }
        return TypedResults.Ok(await roster.PauseAsync(identity, reason, ct));
    }

    /// <summary>A presence move names an operator that may not exist (404) and may not be allowed now (409); see <see cref="DomainProblems"/>.</summary>
    internal static RouteHandlerBuilder ProducesMoveProblems(this RouteHandlerBuilder endpoint) =>
        endpoint.ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
}

/// <summary>PUT /api/operators/{identity}: campaigns are slugs (none or absent: every campaign).</summary>
sealed record OperatorBody(string? Name, string? Cpi, string? Phone, bool? Active, IReadOnlyList<string>? Campaigns);

sealed record PauseBody(string? Reason);

sealed record OperatorView(Operator Operator, OperatorPresence Presence);
