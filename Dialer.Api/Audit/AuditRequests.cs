using Dialer.Api.Security;
using Dialer.Core.Audit;

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
            http.User.Identity?.Name is { Length: > 0 } name ? name : "anonymous",
            action,
            RolesByRank.FirstOrDefault(http.User.IsInRole),
            personCf,
            subject,
            detail,
            ip?.ToString());
    }
}
