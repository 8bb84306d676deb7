using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core.Audit;
using Dialer.Core.Operators;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Pages.Account;

/// <summary>
/// Signing out (a POST with antiforgery, from the header's "Esci" button). An operator also leaves the floor: their
/// presence becomes signed out, so that nobody is reserved for a closed console.
/// </summary>
[AllowAnonymous]
sealed class SignOutModel(OperatorRoster roster, OperatorDirectory directory) : PageModel
{
    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? Page() : LocalRedirect(SignInRegistration.SignInPath);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (User.IsInRole(Roles.Operator) && await directory.FindAsync(User.Username(), ct) is not null)
        {
            try
            {
                await roster.SignOutAsync(User.Username(), ct);
            }
            catch (PresenceMoveRefusedException)
            {
                // On a call: the presence follows the call's end; the session still ends now.
            }
        }
        if (User.Identity?.IsAuthenticated == true) await HttpContext.AuditAsync(AuditActions.SignOut);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return LocalRedirect(SignInRegistration.SignInPath);
    }
}
