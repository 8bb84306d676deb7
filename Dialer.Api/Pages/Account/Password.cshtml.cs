using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core.Accounts;
using Dialer.Core.Audit;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dialer.Api.Pages.Account;

/// <summary>Any signed-in user changes their own password, proving the current one; the other sessions end.</summary>
sealed class PasswordModel(UserAccounts accounts) : PageModel
{
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();
    public bool Done { get; private set; }

    public void OnGet()
    {
    }

    public async Task OnPostAsync(string? currentPassword, string? newPassword, CancellationToken ct)
    {
        try
        {
            await accounts.ChangePasswordAsync(User.Username(), currentPassword ?? "", newPassword ?? "", ct);
            await HttpContext.AuditAsync(AuditActions.UserChanged, subject: $"user:{User.Username()}", detail: new { password = "changed" });
        }
        catch (UserAccountException ex)
        {
            Errors = FieldErrors.ByField(ex.Errors);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        if (await accounts.FindAsync(User.Username(), ct) is { } account)
            await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
                SignInRegistration.Principal(account, CookieAuthenticationDefaults.AuthenticationScheme));
        Done = true;
    }
}
