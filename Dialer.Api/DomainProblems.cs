using System.Security.Claims;
using Dialer.Core.Accounts;
using Dialer.Core.Campaigns;
using Dialer.Core.Dialing;
using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using Dialer.Core;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api;

/// <summary>
/// The one place where Core's domain exceptions become problem responses: a validation exception is a 400 naming each
/// field, an unknown operator or call a 404, a refused move or conflicting disposition a 409. Handlers call Core in
/// straight lines and declare these responses in their OpenAPI metadata; any other exception stays a 500 without details.
/// </summary>
sealed class DomainProblems : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        // The exception handler runs outside UseUserLanguage (registered before it), where the request's language was
        // set: without this the title would be Italian for an English reader while Core's message is English.
        Text.Use(context.User.FindFirstValue(Security.UserLanguage.Claim));
        if (ProblemFor(exception, context) is not { } problem) return false;
        await problem.ExecuteAsync(context);
        return true;
    }

    static IResult? ProblemFor(Exception exception, HttpContext context) => exception switch
    {
        OperatorValidationException e => Invalid(e.Errors, Text.T("L'operatore non è valido", "The operator is not valid")),
        DispositionValidationException e => Invalid(e.Errors, Text.T("L'esito non è valido", "The outcome is not valid")),
        CampaignValidationException e => Invalid(e.Errors, Text.T("La campagna non è valida", "The campaign is not valid")),
        SkipReasonException e => Invalid(e.Errors, Text.T("Motivo non valido", "Reason not valid")),
        UserAccountException e => Invalid(e.Errors, Text.T("Account non valido", "Account not valid")),
        AttendanceValidationException e => Invalid(e.Errors, Text.T("Appuntamenti: valori non validi", "Appointments: values not valid")),
        AttendanceFileException e => Problem(StatusCodes.Status400BadRequest, Text.T("File delle presenze illeggibile", "Attendance file unreadable"), e.Message),
        AppointmentNotFoundException e => Problem(StatusCodes.Status404NotFound, Text.T("Appuntamento sconosciuto", "Unknown appointment"), e.Message),
        OperatorNotFoundException e => Problem(StatusCodes.Status404NotFound, Text.T("Operatore sconosciuto", "Unknown operator"), e.Message),
        CallNotFoundException e => Problem(StatusCodes.Status404NotFound, Text.T("Chiamata sconosciuta", "Unknown call"), e.Message),
        PresenceMoveRefusedException e => Problem(StatusCodes.Status409Conflict, Text.T("Operazione non consentita", "Move not allowed"), e.Message, MovedOperator(context)),
        DispositionConflictException e => Problem(StatusCodes.Status409Conflict, Text.T("Esito non registrabile", "The outcome cannot be recorded"), e.Message),
        _ => null,
    };

    /// <summary>
    /// A refused presence move (sign-in, pause...) says which operator it was: the one named in the path, else the
    /// signed-in operator. The route values are cleared before an exception handler runs; the exception feature keeps
    /// those of the failed request.
    /// </summary>
    static Dictionary<string, object?>? MovedOperator(HttpContext context) =>
        (context.Features.Get<IExceptionHandlerFeature>()?.RouteValues?["identity"] as string ?? context.User.Identity?.Name) is { } identity
            ? new() { ["operator"] = identity }
            : null;

    static ProblemHttpResult Problem(int status, string title, string detail, Dictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);

    /// <summary>A 400 whose errors are grouped by field: each error reads "field: what is wrong".</summary>
    internal static ValidationProblem Invalid(IReadOnlyList<string> errors, string title) =>
        TypedResults.ValidationProblem(errors.GroupBy(e => e.Split(':')[0]).ToDictionary(g => g.Key, g => g.ToArray()), title: title);
}
