using Dialer.Api.Security;
using Dialer.Core.Notices;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Notices;

static class NoticesApi
{
    /// <summary>The largest upload <c>POST /api/notices</c> takes unless <c>Notices:MaxUploadBytes</c> says otherwise (docs/notices-limits.md).</summary>
    public const long DefaultMaxUploadBytes = 512L << 20;

    public static RouteGroupBuilder MapNoticesApi(this IEndpointRouteBuilder app)
    {
        // IT's: uploads (a nightly script with a personal API token) and the quarantine, which holds raw records.
        var group = app.MapGroup("/api/notices").WithTags("Notices").RequireAuthorization(Roles.Admin);

        group.MapPost("/", UploadAsync).DisableAntiforgery();

        group.MapGet("/quarantine", async (string? reason, int? limit, NoticeQuarantine quarantine, CancellationToken ct) =>
            TypedResults.Ok(await quarantine.ListAsync(reason, Math.Clamp(limit ?? 100, 1, 1000), ct)));
        group.MapGet("/warnings", async (string? reason, int? limit, NoticeQuarantine quarantine, CancellationToken ct) =>
            TypedResults.Ok(await quarantine.ListWarningsAsync(reason, Math.Clamp(limit ?? 100, 1, 1000), ct)));

        return group;
    }

    /// <remarks>
    /// The form is read here, not bound, so that the upload limit replaces Kestrel's 30 MB default for this endpoint
    /// only and a body past it is a 413 with a problem, from its Content-Length when it has one, else as it streams.
    /// </remarks>
    static async Task<Results<Ok<ImportSummary>, ProblemHttpResult>> UploadAsync(HttpRequest request, NoticeIngest ingest, IConfiguration configuration,
        CancellationToken ct)
    {
        var max = configuration.GetValue<long?>("Notices:MaxUploadBytes") ?? DefaultMaxUploadBytes;
        if (request.ContentLength > max) return TooLarge(max);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = max;
        if (!request.HasFormContentType) return NoFiles();
        IFormFileCollection files;
        try
        {
            files = (await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = max }, ct)).Files;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(max);
        }
        catch (InvalidDataException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Modulo illeggibile / Unreadable form",
                detail: $"The body is not a readable multipart/form-data form: {ex.Message}");
        }
        if (files.Count == 0) return NoFiles();
        var inputs = files.Select(f => new NoticeInput(f.FileName, f.OpenReadStream)).ToList();
        return TypedResults.Ok(await ingest.RunAsync(inputs, ct: ct));
    }

    static ProblemHttpResult NoFiles() => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Nessun file",
        detail: "Send the files as multipart/form-data: UniLav XML, zip, notices CSV or contacts CSV.");

    static ProblemHttpResult TooLarge(long max) => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Caricamento troppo grande / Upload too large",
        detail: $"An upload may be at most {max:N0} bytes (setting Notices:MaxUploadBytes, environment variable Notices__MaxUploadBytes): " +
            "split the files over several uploads, or import large batches with `dialer import`.");
}
