using System.Security.Claims;
using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core.Audit;
using Dialer.Core.Operators;
using Dialer.Core.Telephony;
using Dialer.Core;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Operators;

/// <summary>
/// Operators and their presence. Supervisors read the roster and admins define operators (by identity, in the route);
/// an operator moves only themself, under <c>/api/me</c>, as the signed-in user (docs/accounts.md).
/// </summary>
static class OperatorsApi
{
    public static IEndpointRouteBuilder MapOperatorsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/operators").WithTags("Operators").RequireAuthorization(Roles.Supervisor);

        group.MapGet("/", async (OperatorRoster roster, CancellationToken ct) => TypedResults.Ok(await roster.ListAsync(ct)));
        group.MapGet("/{identity}", View);
        group.MapPut("/{identity}", Save).ProducesValidationProblem().RequireAuthorization(Roles.Admin);

        var me = app.MapGroup("/api/me").WithTags("Operators").RequireAuthorization(Roles.Operator);
        me.MapGet("/", (ClaimsPrincipal user, OperatorDirectory directory, OperatorRoster roster, CancellationToken ct) =>
            View(user.Username(), directory, roster, ct));
        me.MapPost("/sign-in", async (ClaimsPrincipal user, OperatorRoster roster, CancellationToken ct) =>
            TypedResults.Ok(await roster.SignInAsync(user.Username(), ct))).ProducesMoveProblems();
        me.MapPost("/sign-out", async (ClaimsPrincipal user, OperatorRoster roster, CancellationToken ct) =>
            TypedResults.Ok(await roster.SignOutAsync(user.Username(), ct))).ProducesMoveProblems();
        me.MapPost("/available", async (ClaimsPrincipal user, OperatorRoster roster, CancellationToken ct) =>
            TypedResults.Ok(await roster.SetAvailableAsync(user.Username(), ct))).ProducesMoveProblems();
        me.MapPost("/pause", Pause).ProducesMoveProblems();
        // "Altro tempo": the wrap-up's deadline a minute later (WCAG 2.2.1), as often as the operator needs.
        me.MapPost("/wrap-up/extend", async (ClaimsPrincipal user, OperatorRoster roster, CancellationToken ct) =>
            TypedResults.Ok(await roster.ExtendWrapUpAsync(user.Username(), ct))).ProducesMoveProblems();
        // The browser softphone's Twilio access token, for the signed-in operator only.
        me.MapPost("/voice-token", VoiceToken).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        app.MapGet("/api/pause-reasons", () => TypedResults.Ok(PauseReasons.All.Where(r => r.ChosenByOperator))).WithTags("Operators");
        app.MapGet("/api/presence-report", Report).WithTags("Operators").RequireAuthorization(Roles.Supervisor);
        return app;
    }

    static async Task<Results<Ok<OperatorView>, NotFound>> View(string identity, OperatorDirectory directory, OperatorRoster roster,
        CancellationToken ct) =>
        await directory.FindAsync(identity, ct) is { } found && await roster.FindAsync(identity, ct) is { } presence
            ? TypedResults.Ok(new OperatorView(found, presence))
            : TypedResults.NotFound();

    /// <summary>Time per operator in each state (paused per reason) in [from, to); by default today so far, in Italy.</summary>
    static async Task<Results<Ok<IReadOnlyList<PresenceTime>>, ValidationProblem>> Report(DateTimeOffset? from, DateTimeOffset? to,
        OperatorRoster roster, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var end = to ?? now;
        var start = from ?? new DateTimeOffset(TimeZoneInfo.ConvertTime(now, ItalianTime.Rome).Date, ItalianTime.Rome.GetUtcOffset(TimeZoneInfo.ConvertTime(now, ItalianTime.Rome).Date));
        if (start >= end) return DomainProblems.Invalid([Text.T("from: deve precedere to.", "from: must be before to.")], Text.T("Periodo non valido", "Period not valid"));
        return TypedResults.Ok(await roster.TimeInStatesAsync(start, end, ct));
    }


    static async Task<Results<Created<Operator>, Ok<Operator>>> Save(string identity, OperatorBody body,
        OperatorDirectory directory, HttpContext http, CancellationToken ct)
    {
        var (saved, created) = await directory.SaveAsync(
            new OperatorProfile(identity, body.Name, body.Cpi, body.Phone, body.Active ?? true, body.Campaigns), ct);
        await http.AuditAsync(AuditActions.UserChanged, subject: $"operator:{identity}",
            detail: new { change = created ? "created" : "updated", saved.Active, cpi = saved.CpiCode });
        return created ? TypedResults.Created($"/api/operators/{identity}", saved) : TypedResults.Ok(saved);
    }

    static async Task<Results<Ok<SoftphoneToken>, NotFound, ProblemHttpResult>> VoiceToken(ClaimsPrincipal user, OperatorDirectory directory,
        SoftphoneTokens tokens, CancellationToken ct)
    {
        if (await directory.FindAsync(user.Username(), ct) is not { Active: true } found) return TypedResults.NotFound();
        if (tokens.Unavailable is { } reason)
            return TypedResults.Problem(reason, statusCode: StatusCodes.Status503ServiceUnavailable, title: Text.T("Softphone non configurato", "Softphone not configured"));
        return TypedResults.Ok(tokens.Issue(found.Identity));
    }

    static async Task<Results<Ok<OperatorPresence>, ValidationProblem>> Pause(
        ClaimsPrincipal user, PauseBody body, OperatorRoster roster, CancellationToken ct)
    {
        if (!SnakeCase.TryParse<PauseReason>(body.Reason, out var reason))
        {
            var chosen = string.Join(", ", PauseReasons.All.Where(r => r.ChosenByOperator).Select(r => SnakeCase.Of(r.Code)));
            return DomainProblems.Invalid([body.Reason is null
                    ? Text.T($"reason: obbligatorio, uno tra {chosen}.", $"reason: required, one of {chosen}.")
                    : Text.T($"reason: motivo di pausa sconosciuto \"{body.Reason}\"; uno tra {chosen}.", $"reason: unknown pause reason \"{body.Reason}\"; one of {chosen}.")],
                Text.T("Motivo di pausa non valido", "Pause reason not valid"));
        }
        return TypedResults.Ok(await roster.PauseAsync(user.Username(), reason, ct));
    }

    /// <summary>A presence move names an operator that may not exist (404) and may not be allowed now (409); see <see cref="DomainProblems"/>.</summary>
    internal static RouteHandlerBuilder ProducesMoveProblems(this RouteHandlerBuilder endpoint) =>
        endpoint.ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
}

/// <summary>PUT /api/operators/{identity}: campaigns are slugs (none or absent: every campaign).</summary>
sealed record OperatorBody(string? Name, string? Cpi, string? Phone, bool? Active, IReadOnlyList<string>? Campaigns);

sealed record PauseBody(string? Reason);

sealed record OperatorView(Operator Operator, OperatorPresence Presence);
