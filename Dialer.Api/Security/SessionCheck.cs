using System.Security.Claims;
using Dialer.Core.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Dialer.Api.Security;

/// <summary>
/// A session ends when its account changes under it: deactivated, given another role, or a new password (the security
/// stamp rotates with each). Checked on every request that rides on the cookie: one primary-key read.
/// </summary>
static class SessionCheck
{
    public const string StampClaim = "dialer:stamp";

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var username = principal?.Identity?.Name;
        var stamp = principal?.FindFirstValue(StampClaim);
        // Accounts signed in through OpenID Connect carry no stamp: the identity provider owns them (docs/accounts.md).
        if (stamp is null && principal?.FindFirstValue(ExternalSignIn.ProviderClaim) is not null) return;
        var account = username is null ? null
            : await context.HttpContext.RequestServices.GetRequiredService<UserAccounts>().FindAsync(username, context.HttpContext.RequestAborted);
        if (account is { Active: true } && stamp == account.SecurityStamp.ToString("N")
            && principal!.IsInRole(UserAccounts.RoleCode(account.Role))) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
