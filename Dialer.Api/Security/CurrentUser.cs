using System.Security.Claims;

namespace Dialer.Api.Security;

/// <summary>The signed-in user as the handlers need them: the username is the operator identity, never taken from the URL.</summary>
static class CurrentUser
{
    public static string Username(this ClaimsPrincipal user) =>
        user.Identity?.Name ?? throw new InvalidOperationException("An endpoint that needs a role ran without a signed-in user.");

    /// <summary>Who acted, as the audit log writes it: the username, and the token's name when a script acted with one.</summary>
    public static string Actor(this ClaimsPrincipal user) =>
        user.FindFirstValue(TokenAuthentication.TokenNameClaim) is { } token ? $"{user.Username()} (token {token})" : user.Username();
}
