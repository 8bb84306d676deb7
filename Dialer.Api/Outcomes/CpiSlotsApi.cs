using Dialer.Api.Security;
using Dialer.Core.Outcomes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Outcomes;

/// <summary>
/// <c>GET /api/cpis/{code}/slots?date=YYYY-MM-DD</c>: a CPI's appointment slots on a day with booked against capacity,
/// for the outcome form to offer times within the opening hours and warn about a full slot (docs/operators.md "Appointments").
/// </summary>
static class CpiSlotsApi
{
    public static IEndpointRouteBuilder MapCpiSlotsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cpis/{code}/slots", async Task<Results<Ok<CpiDay>, NotFound>> (string code, DateOnly date, DispositionLedger ledger,
                CancellationToken ct) =>
                await ledger.SlotsAsync(code.Trim().ToUpperInvariant(), date, ct) is { } day ? TypedResults.Ok(day) : TypedResults.NotFound())
            .WithTags("Outcomes")
            .RequireAuthorization(Roles.AnyRole);
        return app;
    }
}
