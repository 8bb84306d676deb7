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

/// <summary>An admin lists the accounts and creates one (docs/accounts.md).</summary>
[Authorize(Policy = Roles.Admin)]
sealed class UsersModel(UserAccounts accounts, OperatorDirectory directory, TimeProvider time) : PageModel
{
    public sealed record NewAccount(string? Username, string? Name, string? Role);

    public IReadOnlyList<UserAccount> Accounts { get; private set; } = [];
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();
    public NewAccount Form { get; private set; } = new(null, null, Roles.Operator);
    public string? Saved { get; private set; }

    public async Task OnGetAsync(string? creato, CancellationToken ct)
    {
        if (creato is not null) Saved = Text.T($"Account «{creato}» creato.", $"Account «{creato}» created.");
        Accounts = await accounts.ListAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(string? username, string? name, string? role, string? password, CancellationToken ct)
    {
        Form = new NewAccount(username, name, role);
        try
        {
            var parsed = UserAccounts.ParseRole(role) ?? throw new UserAccountException([UserAccounts.UnknownRole("role", role)]);
            var added = await accounts.AddAsync((username ?? "").Trim(), name ?? "", parsed, password ?? "", ct);
            await HttpContext.AuditAsync(AuditActions.UserChanged, subject: $"user:{added.Username}", detail: UserAccounts.AuditDetail(added, "created", passwordSet: true));
            if (added.Role != UserRole.Operator) return RedirectToPage(new { creato = added.Username });
            // An operator: the profile for the console, then its CPI and phone on the account's page.
            await directory.EnsureProfileAsync(added, ct);
            return RedirectToPage("/Admin/User", new { username = added.Username, creato = true });
        }
        catch (UserAccountException ex)
        {
            Errors = FieldErrors.ByField(ex.Errors);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Accounts = await accounts.ListAsync(ct);
            return Page();
        }
    }

    public string State(UserAccount account) => account switch
    {
        { Active: false } => Text.T("Disattivato", "Deactivated"),
        { LockedUntil: { } until } when until > time.GetUtcNow() => Text.T($"Bloccato fino alle {ItalianFormat.Time(until)}", $"Locked until {ItalianFormat.Time(until)}"),
        _ => Text.T("Attivo", "Active"),
    };
}
