using Dialer.Api.Security;
using Dialer.Core.Audit;
using Dialer.Core.Outcomes;

namespace Dialer.Api.Audit;

/// <summary>Audit entries for what the signed-in user of a request did (docs/audit.md, "Recording from the API").</summary>
public static class AuditRequests
{
    static readonly string[] RolesByRank = [Roles.Admin, Roles.Supervisor, Roles.Operator];

    /// <summary>
    /// An entry with the request's user as actor, their role, and the client's address (the proxy's, unless the host is
    /// configured with forwarded headers). A request without a signed-in user (a failed sign-in) gives the actor explicitly:
    /// <c>http.AuditEntry(AuditActions.SignInFailed) with { Actor = username }</c>.
    /// </summary>
    public static AuditEntry AuditEntry(this HttpContext http, string action, string? personCf = null, string? subject = null, object? detail = null)
    {
        var ip = http.Connection.RemoteIpAddress;
        if (ip is { IsIPv4MappedToIPv6: true }) ip = ip.MapToIPv4();
        return new AuditEntry(
            http.User.Identity?.Name is { Length: > 0 } ? http.User.Actor() : "anonymous",
            action,
            RolesByRank.FirstOrDefault(http.User.IsInRole),
            personCf,
            subject,
            detail,
            ip?.ToString());
    }

    /// <summary>Records <see cref="AuditEntry(HttpContext, string, string?, string?, object?)"/> at once, in its own transaction.</summary>
    public static Task AuditAsync(this HttpContext http, string action, string? personCf = null, string? subject = null, object? detail = null) =>
        http.RequestServices.GetRequiredService<AuditLog>().RecordAsync(http.AuditEntry(action, personCf, subject, detail), http.RequestAborted);

    /// <summary>Records an entry about a call attempt and its person (<see cref="AuditLog.RecordForAttemptAsync"/>).</summary>
    public static Task AuditAttemptAsync(this HttpContext http, string action, long attemptId, object? detail = null, bool oncePerHour = false) =>
        http.RequestServices.GetRequiredService<AuditLog>()
            .RecordForAttemptAsync(http.AuditEntry(action, detail: detail), attemptId, oncePerHour, http.RequestAborted);

    /// <summary>A view of a person's data on a call attempt (<see cref="PersonViews"/>), once per hour for the same view.</summary>
    public static Task AuditPersonViewAsync(this HttpContext http, long attemptId, string view) =>
        http.AuditAttemptAsync(AuditActions.PersonViewed, attemptId, new { view }, oncePerHour: true);

    /// <summary>A recorded disposition (and, for do-not-call, the objection it registers); an identical repeat records nothing.</summary>
    public static async Task AuditDispositionAsync(this HttpContext http, DispositionResult recorded)
    {
        if (recorded.Repeated) return;
        await http.AuditAttemptAsync(AuditActions.DispositionRecorded, recorded.AttemptId,
            new { code = recorded.Code, intake = recorded.IntakeId, appointment = recorded.AppointmentId, callback = recorded.CallbackId });
        if (recorded.Code == DispositionCatalogue.DoNotCall)
            await http.AuditAttemptAsync(AuditActions.ObjectionRecorded, recorded.AttemptId, new { channel = "phone" });
    }
}
