using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core.Accounts;
using Dialer.Core.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Pages.Admin;

/// <summary>An admin changes an account: name, role, whether it may sign in, a new password (docs/accounts.md).</summary>
[Authorize(Policy = Roles.Admin)]
sealed class UserModel(UserAccounts accounts) : PageModel
{
    public UserAccount Account { get; private set; } = null!;
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string username, bool salvato, CancellationToken ct)
    {
        if (await accounts.FindAsync(username, ct) is not { } found) return NotFound();
        Account = found;
        Saved = salvato;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string username, string? name, string? role, bool active, string? password, CancellationToken ct)
    {
        if (await accounts.FindAsync(username, ct) is not { } found) return NotFound();
        try
        {
            var parsed = UserAccounts.ParseRole(role) ?? throw new UserAccountException([UserAccounts.UnknownRole("role", role)]);
            var saved = await accounts.UpdateAsync(username, name ?? "", parsed, active, string.IsNullOrEmpty(password) ? null : password, ct);
            await HttpContext.AuditAsync(AuditActions.UserChanged, subject: $"user:{saved.Username}",
                detail: UserAccounts.AuditDetail(saved, "updated", !string.IsNullOrEmpty(password)));
            return RedirectToPage(new { username, salvato = true });
        }
        catch (UserAccountException ex)
        {
            Account = found with { DisplayName = name ?? "" };
            Errors = FieldErrors.ByField(ex.Errors);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
    }
}
