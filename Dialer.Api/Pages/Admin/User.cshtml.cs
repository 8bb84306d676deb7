using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core.Accounts;
using Dialer.Core.Audit;
using Dialer.Core.Operators;
using Dialer.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Pages.Admin;

/// <summary>
/// An admin changes an account: name, role, whether it may sign in, a new password; and for an operator the console's
/// profile: the CPI they book appointments for and a desk phone (docs/accounts.md).
/// </summary>
[Authorize(Policy = Roles.Admin)]
sealed class UserModel(UserAccounts accounts, OperatorDirectory directory, OperatorDesk desk) : PageModel
{
    public UserAccount Account { get; private set; } = null!;
    public Operator? Profile { get; private set; }
    public IReadOnlyList<DeskCpi> Cpis { get; private set; } = [];
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();
    public string? Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string username, bool salvato, bool creato, CancellationToken ct)
    {
        if (await accounts.FindAsync(username, ct) is not { } found) return NotFound();
        Account = found;
        Saved = creato ? Text.T($"Account «{found.Username}» creato: scegliere il suo Centro per l'Impiego.", $"Account «{found.Username}» created: choose its job centre (CPI).") : salvato ? Text.T("Modifiche salvate.", "Changes saved.") : null;
        await LoadProfileAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string username, string? name, string? role, bool active, string? password, string? cpi,
        string? phone, bool operatorFields, CancellationToken ct)
    {
        if (await accounts.FindAsync(username, ct) is not { } found) return NotFound();
        try
        {
            var parsed = UserAccounts.ParseRole(role) ?? throw new UserAccountException([UserAccounts.UnknownRole("role", role)]);
            if (parsed == UserRole.Operator && operatorFields)
            {
                // Checked before the account changes, so that a wrong phone changes nothing.
                var errors = ProfileOf(username, name, cpi, phone, active, null).Validate();
                if (errors.Count > 0) throw new UserAccountException(errors);
            }
            var saved = await accounts.UpdateAsync(username, name ?? "", parsed, active, string.IsNullOrEmpty(password) ? null : password, ct);
            await HttpContext.AuditAsync(AuditActions.UserChanged, subject: $"user:{saved.Username}",
                detail: UserAccounts.AuditDetail(saved, "updated", !string.IsNullOrEmpty(password)));
            // The operator's fields are on the page only when the account already was an operator; one just made an
            // operator gets its profile, then the page shows them.
            if (saved.Role == UserRole.Operator && !operatorFields) await directory.EnsureProfileAsync(saved, ct);
            else if (saved.Role == UserRole.Operator)
            {
                var campaigns = (await directory.FindAsync(username, ct))?.Campaigns;
                var (profile, _) = await directory.SaveAsync(ProfileOf(username, saved.DisplayName, cpi, phone, active, campaigns), ct);
                await HttpContext.AuditAsync(AuditActions.UserChanged, subject: $"operator:{profile.Identity}",
                    detail: new { change = "updated", profile.Active, cpi = profile.CpiCode, deskPhone = profile.PhoneE164 is not null });
            }
            return RedirectToPage(new { username, salvato = true });
        }
        catch (Exception ex) when (ex is UserAccountException or OperatorValidationException)
        {
            Account = found with { DisplayName = name ?? "" };
            Errors = FieldErrors.ByField(ex is UserAccountException u ? u.Errors : ((OperatorValidationException)ex).Errors);
            await LoadProfileAsync(ct);
            Profile = (Profile ?? new Operator(0, username, name ?? "", null, null, active, [])) with
            {
                CpiCode = string.IsNullOrWhiteSpace(cpi) ? null : cpi, PhoneE164 = string.IsNullOrWhiteSpace(phone) ? null : phone,
            };
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
    }

    static OperatorProfile ProfileOf(string username, string? name, string? cpi, string? phone, bool active, IReadOnlyList<string>? campaigns) =>
        new(username, name, string.IsNullOrWhiteSpace(cpi) ? null : cpi, string.IsNullOrWhiteSpace(phone) ? null : phone.Trim(), active, campaigns);

    async Task LoadProfileAsync(CancellationToken ct)
    {
        Profile = await directory.FindAsync(Account.Username, ct);
        Cpis = await desk.CpisAsync(ct);
    }
}
