using Dialer.Api.Security;
using Dialer.Core.Notices;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Notices;

static class NoticesApi
{
    public static RouteGroupBuilder MapNoticesApi(this IEndpointRouteBuilder app)
    {
        // These need the IT/supervisor role; until sign-in exists they only answer in Development.
        var group = app.MapGroup("/api/notices").WithTags("Notices").DevelopmentOnly();

        group.MapPost("/", UploadAsync).DisableAntiforgery();

        group.MapGet("/quarantine", async (string? reason, int? limit, NoticeQuarantine quarantine, CancellationToken ct) =>
            TypedResults.Ok(await quarantine.ListAsync(reason, Math.Clamp(limit ?? 100, 1, 1000), ct)));
        group.MapGet("/warnings", async (string? reason, int? limit, NoticeQuarantine quarantine, CancellationToken ct) =>
            TypedResults.Ok(await quarantine.ListWarningsAsync(reason, Math.Clamp(limit ?? 100, 1, 1000), ct)));

        return group;
    }

    static async Task<Results<Ok<ImportSummary>, ProblemHttpResult>> UploadAsync(IFormFileCollection files, NoticeIngest ingest, CancellationToken ct)
    {
        if (files.Count == 0)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Nessun file",
                detail: "Send the files as multipart/form-data: UniLav XML, zip, notices CSV or contacts CSV.");
        var inputs = files.Select(f => new NoticeInput(f.FileName, f.OpenReadStream)).ToList();
        return TypedResults.Ok(await ingest.RunAsync(inputs, ct: ct));
    }
}
