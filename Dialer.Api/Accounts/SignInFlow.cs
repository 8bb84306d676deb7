using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core.Accounts;
using Dialer.Core.Audit;
using Dialer.Core;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication;

namespace Dialer.Api.Accounts;

/// <summary>
/// Signing in with a local account, for the sign-in page and <c>POST /api/session</c> alike: the password check with its
/// lockout, then the cookie; and the one wording of each refusal (docs/accounts.md).
/// </summary>
sealed class SignInFlow(UserAccounts accounts, AuditLog audit, TimeProvider time)
{
    public async Task<SignInResult> SignInAsync(HttpContext context, string? username, string? password, bool persistent)
    {
        var result = await accounts.SignInAsync((username ?? "").Trim().ToLowerInvariant(), password ?? "", context.RequestAborted);
        if (result is { Outcome: SignInOutcome.Succeeded, User: { } user })
        {
            var principal = SignInRegistration.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties { IsPersistent = persistent });
            // The rest of this request acts as the user: an antiforgery token issued now is valid for the new session.
            context.User = principal;
        }
        await audit.RecordAsync(AuditOf(context, result, username), context.RequestAborted);
        return result;
    }

    /// <summary>The audit entry of an attempt: a refused one names the username as typed (cut to the column's size).</summary>
    static AuditEntry AuditOf(HttpContext context, SignInResult result, string? username)
    {
        var typed = (username ?? "").Trim();
        if (typed.Length > 100) typed = typed[..100];
        return result switch
        {
            { Outcome: SignInOutcome.Succeeded, User: { } user } => context.AuditEntry(AuditActions.SignIn) with
            {
                Actor = user.Username, ActorRole = UserAccounts.RoleCode(user.Role),
            },
            { Outcome: SignInOutcome.LockedOut } => context.AuditEntry(AuditActions.SignInLocked, detail: new { until = result.LockedUntil }) with
            {
                Actor = typed.Length > 0 ? typed : "anonymous",
            },
            _ => context.AuditEntry(AuditActions.SignInFailed, detail: new { outcome = result.Outcome.ToString().ToLowerInvariant() }) with
            {
                Actor = typed.Length > 0 ? typed : "anonymous",
            },
        };
    }

    /// <summary>Why a sign-in was refused, as the person reads it; null when it succeeded.</summary>
    public string? Refusal(SignInResult result) => result.Outcome switch
    {
        SignInOutcome.Succeeded => null,
        SignInOutcome.LockedOut => $"Troppi tentativi non riusciti: l'account è bloccato fino alle {ItalianFormat.Time(result.LockedUntil ?? time.GetUtcNow())}.",
        SignInOutcome.Inactive => "Questo account è disattivato: rivolgersi all'amministratore.",
        _ => "Nome utente o password non corretti.",
    };

    /// <summary>Where a role starts after signing in.</summary>
    public static string Home(UserRole role) => role == UserRole.Operator ? "/console" : "/";
}
