using Dialer.Api.Security;
using Dialer.Core;
using Dialer.Core.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dialer.Api.Pages.Account;

/// <summary>
/// Any signed-in user with a local account chooses the language of their pages and messages: Italiano (the default) or
/// English. The session continues in the new language at once (docs/accessibility.md, "Language").
/// </summary>
sealed class LanguageModel(UserAccounts accounts) : PageModel
{
    public string Current => Text.Language;
    public bool Saved { get; private set; }

    public void OnGet(bool salvata) => Saved = salvata;

    public async Task<IActionResult> OnPostAsync(string? language, CancellationToken ct)
    {
        if (await accounts.FindAsync(User.Username(), ct) is null) return NotFound();
        var account = await accounts.SetLanguageAsync(User.Username(), language is "en" ? "en" : "it", ct);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            SignInRegistration.Principal(account, CookieAuthenticationDefaults.AuthenticationScheme));
        return RedirectToPage(new { salvata = true });
    }
}
