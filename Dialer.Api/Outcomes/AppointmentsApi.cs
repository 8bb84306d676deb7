using System.Globalization;
using System.Security.Claims;
using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core;
using Dialer.Core.Audit;
using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Outcomes;

/// <summary>
/// A CPI's appointments and their attendance (docs/appointments.md): the list (each person shown is an audited view), one
/// attendance, and a CPI's own file of attendances. Supervisors and admins for every CPI; an operator lists and records
/// only the appointments of their own CPI (their profile's); the file is for supervisors and admins.
/// </summary>
static class AppointmentsApi
{
    /// <summary>The largest attendance file accepted: 50,000 rows of a codice fiscale, a date and an outcome fit well within.</summary>
    public const int MaxFileBytes = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapAppointmentsApi(this IEndpointRouteBuilder app)
    {
        var appointments = app.MapGroup("/api/appointments").WithTags("Outcomes");
        appointments.MapGet("", List).RequireAuthorization(Roles.AnyRole).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        appointments.MapPut("/{id:long}/attendance", Record).RequireAuthorization(Roles.AnyRole).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        // The body is read as it comes (text/csv, text/plain, application/octet-stream...): no content-type constraint, which
        // would answer 415 before authorization.
        appointments.MapPost("/attendance", Import).RequireAuthorization(Roles.Supervisor)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    /// <summary>
    /// <c>?cpi=CODE&amp;from=DATE[&amp;to=DATE]</c> (dates <c>aaaa-mm-gg</c> or <c>gg/mm/aaaa</c>, Europe/Rome days, both
    /// included; <c>to</c> defaults to <c>from</c>). 400: bad values; 403: an operator asking for another CPI; 404: no such CPI.
    /// </summary>
    static async Task<Results<Ok<AppointmentList>, ProblemHttpResult, NotFound>> List(string? cpi, string? from, string? to, ClaimsPrincipal user,
        AttendanceRegister register, OperatorDirectory directory, HttpContext http, CancellationToken ct)
    {
        var errors = new List<string>();
        var code = cpi?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(code)) errors.Add(Text.T("cpi: indicare il codice del CPI.", "cpi: give the CPI's code."));
        var first = Day("from", from, required: true, errors);
        var last = Day("to", to, required: false, errors) ?? first;
        if (errors.Count > 0) throw new AttendanceValidationException(errors);
        if (await OwnCpiAsync(user, directory, ct) is { } own && own != code)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: Text.T("Operazione non consentita", "Not allowed"),
                detail: own.Length == 0
                    ? Text.T("Un operatore vede gli appuntamenti del proprio CPI, e il suo profilo non ne indica uno.", "An operator sees their own CPI's appointments, and their profile names none.")
                    : Text.T($"Un operatore vede solo gli appuntamenti del proprio CPI ({own}).", $"An operator sees only their own CPI's appointments ({own})."));
        var list = await register.ListAsync(code!, first!.Value, last!.Value, http.AuditEntry(AuditActions.PersonViewed), ct);
        return list is null ? TypedResults.NotFound() : TypedResults.Ok(list);
    }

    /// <summary>Body <c>{"attendance":"P"}</c> (P, AG, AI, AN). 400: bad value or an appointment not started yet; 404: no such appointment (or another CPI's, for an operator).</summary>
    static async Task<Ok<AttendanceChange>> Record(long id, AttendanceBody body, ClaimsPrincipal user, AttendanceRegister register,
        OperatorDirectory directory, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await register.RecordAsync(id, body.Attendance, AttendanceSource.Api, http.AuditEntry(AuditActions.AttendanceRecorded),
            await OwnCpiAsync(user, directory, ct), ct));

    /// <summary>A CSV body (<c>codice_fiscale;data;esito</c>): the counts and each rejected line with its reason. 400: not a file that can be read.</summary>
    static async Task<Results<Ok<AttendanceImport>, ProblemHttpResult>> Import(HttpRequest request, AttendanceRegister register, HttpContext http,
        CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxFileBytes)
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: Text.T("File troppo grande", "File too large"),
                    detail: Text.T($"Al massimo {MaxFileBytes / 1024 / 1024} MB: dividere il file.", $"At most {MaxFileBytes / 1024 / 1024} MB: split the file."));
            buffer.Write(chunk, 0, read);
        }
        return TypedResults.Ok(await register.ImportAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), http.AuditEntry(AuditActions.AttendanceRecorded), ct));
    }

    /// <summary>Null for a supervisor or an admin (every CPI); an operator's own CPI, "" when their profile names none.</summary>
    static async Task<string?> OwnCpiAsync(ClaimsPrincipal user, OperatorDirectory directory, CancellationToken ct) =>
        user.IsInRole(Roles.Supervisor) || user.IsInRole(Roles.Admin) ? null : (await directory.FindAsync(user.Username(), ct))?.CpiCode ?? "";

    /// <summary>A day as <c>aaaa-mm-gg</c> or <c>gg/mm/aaaa</c>.</summary>
    internal static DateOnly? Day(string field, string? raw, bool required, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            if (required) errors.Add(Text.T($"{field}: indicare la data (aaaa-mm-gg o gg/mm/aaaa).", $"{field}: give the date (yyyy-mm-dd or dd/mm/yyyy)."));
            return null;
        }
        if (DateOnly.TryParseExact(raw.Trim(), ["yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return day;
        errors.Add(Text.T($"{field}: «{raw}» non è una data (aaaa-mm-gg o gg/mm/aaaa).", $"{field}: \"{raw}\" is not a date (yyyy-mm-dd or dd/mm/yyyy)."));
        return null;
    }
}

sealed record AttendanceBody(string? Attendance);
