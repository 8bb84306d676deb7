using Dialer.Api.Security;
using Dialer.Core.Dialing.Operators;
using Dialer.Core;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Dialing;

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

        group.MapPut("/{identity}", Save);

        group.MapPost("/{identity}/sign-in", (string identity, OperatorRoster roster, CancellationToken ct) =>
            MoveAsync(identity, () => roster.SignInAsync(identity, ct)));
        group.MapPost("/{identity}/sign-out", (string identity, OperatorRoster roster, CancellationToken ct) =>
            MoveAsync(identity, () => roster.SignOutAsync(identity, ct)));
        group.MapPost("/{identity}/available", (string identity, OperatorRoster roster, CancellationToken ct) =>
            MoveAsync(identity, () => roster.SetAvailableAsync(identity, ct)));
        group.MapPost("/{identity}/pause", Pause);

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
        if (start >= end) return Invalid(["from: must be before to."], "Periodo non valido");
        return TypedResults.Ok(await roster.TimeInStatesAsync(start, end, ct));
    }


    static async Task<Results<Created<Operator>, Ok<Operator>, ValidationProblem>> Save(string identity, OperatorBody body,
        OperatorDirectory directory, CancellationToken ct)
    {
        try
        {
            var (saved, created) = await directory.SaveAsync(
                new OperatorProfile(identity, body.Name, body.Cpi, body.Phone, body.Active ?? true, body.Campaigns), ct);
            return created ? TypedResults.Created($"/api/operators/{identity}", saved) : TypedResults.Ok(saved);
        }
        catch (OperatorValidationException ex)
        {
            return Invalid(ex.Errors, "L'operatore non è valido");
        }
    }

    static async Task<Results<Ok<OperatorPresence>, ProblemHttpResult, ValidationProblem>> Pause(
        string identity, PauseBody body, OperatorRoster roster, CancellationToken ct)
    {
        if (!SnakeCase.TryParse<PauseReason>(body.Reason, out var reason))
        {
            var chosen = string.Join(", ", PauseReasons.All.Where(r => r.ChosenByOperator).Select(r => SnakeCase.Of(r.Code)));
            return Invalid([body.Reason is null ? $"reason: required, one of {chosen}." : $"reason: unknown pause reason \"{body.Reason}\"; one of {chosen}."],
                "Motivo di pausa non valido");
        }
        return await MoveAsync(identity, () => roster.PauseAsync(identity, reason, ct));
    }

    static async Task<Results<Ok<OperatorPresence>, ProblemHttpResult, ValidationProblem>> MoveAsync(
        string identity, Func<Task<OperatorPresence>> move)
    {
        try
        {
            return TypedResults.Ok(await move());
        }
        catch (OperatorNotFoundException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Operatore sconosciuto", detail: ex.Message);
        }
        catch (PresenceMoveRefusedException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Operazione non consentita", detail: ex.Message,
                extensions: new Dictionary<string, object?> { ["operator"] = identity });
        }
    }

    internal static ValidationProblem Invalid(IReadOnlyList<string> errors, string title) =>
        TypedResults.ValidationProblem(errors.GroupBy(e => e.Split(':')[0]).ToDictionary(g => g.Key, g => g.ToArray()), title: title);
}

/// <summary>PUT /api/operators/{identity}: campaigns are slugs (none or absent: every campaign).</summary>
sealed record OperatorBody(string? Name, string? Cpi, string? Phone, bool? Active, IReadOnlyList<string>? Campaigns);

sealed record PauseBody(string? Reason);

sealed record OperatorView(Operator Operator, OperatorPresence Presence);
