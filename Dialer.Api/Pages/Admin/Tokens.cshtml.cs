using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core.Accounts;
using Dialer.Core.Audit;
using Dialer.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Pages.Admin;

/// <summary>An admin creates personal API tokens (the secret shown once) and revokes them (docs/accounts.md).</summary>
[Authorize(Policy = Roles.Admin)]
sealed class TokensModel(ApiTokens tokens) : PageModel
{
    public IReadOnlyList<ApiToken> Tokens { get; private set; } = [];
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();
    public CreatedApiToken? Created { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Tokens = await tokens.ListAsync(ct);

    public async Task OnPostAsync(string? username, string? name, string? role, DateOnly? expiresAt, CancellationToken ct)
    {
        try
        {
            var parsed = UserAccounts.ParseRole(role) ?? throw new UserAccountException([UserAccounts.UnknownRole("role", role)]);
            // A date means "valid through that day", in Italy.
            DateTimeOffset? until = expiresAt is { } day
                ? new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), ItalianTime.Rome.GetUtcOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue)))
                : null;
            Created = await tokens.CreateAsync((username ?? "").Trim(), name ?? "", parsed, until, User.Actor(), ct);
            await HttpContext.AuditAsync(AuditActions.TokenCreated, subject: $"token:{Created.Token.Id}", detail: ApiTokens.AuditDetail(Created.Token));
        }
        catch (UserAccountException ex)
        {
            Errors = FieldErrors.ByField(ex.Errors);
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Tokens = await tokens.ListAsync(ct);
    }

    public async Task<IActionResult> OnPostRevocaAsync(long id, CancellationToken ct)
    {
        if (await tokens.RevokeAsync(id, ct)) await HttpContext.AuditAsync(AuditActions.TokenRevoked, subject: $"token:{id}");
        return RedirectToPage();
    }
}
