using Dialer.Api.Security;
using Dialer.Core;
using Dialer.Core.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Dialer.Api.Accounts;

/// <summary>
/// Signing in with a local account, for the sign-in page and <c>POST /api/session</c> alike: the password check with its
/// lockout, then the cookie; and the one wording of each refusal (docs/accounts.md).
/// </summary>
sealed class SignInFlow(UserAccounts accounts, TimeProvider time)
{
    public async Task<SignInResult> SignInAsync(HttpContext context, string? username, string? password, bool persistent)
    {
        var result = await accounts.SignInAsync((username ?? "").Trim().ToLowerInvariant(), password ?? "", context.RequestAborted);
        if (result is { Outcome: SignInOutcome.Succeeded, User: { } user })
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
                SignInRegistration.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme),
                new AuthenticationProperties { IsPersistent = persistent });
        return result;
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
