using Dialer.Api.Accounts;
using Dialer.Api.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dialer.Api.Pages.Account;

/// <summary>The sign-in page: a local account's username and password, or the regional identity provider when configured.</summary>
[AllowAnonymous]
sealed class SignInModel(SignInFlow flow, IConfiguration configuration) : PageModel
{
    public string? Error { get; private set; }
    public string? Username { get; private set; }
    public string ReturnUrl { get; private set; } = "";
    public string? ExternalLabel { get; private set; }

    public void OnGet(string? returnUrl) => Prepare(returnUrl);

    public async Task<IActionResult> OnPostAsync(string? username, string? password, string? returnUrl)
    {
        Prepare(returnUrl);
        var result = await flow.SignInAsync(HttpContext, username, password, persistent: false);
        if (result.User is { } user) return LocalRedirect(ReturnUrl.Length > 0 ? ReturnUrl : SignInFlow.Home(user.Role));
        Username = username;
        Error = flow.Refusal(result);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }

    public IActionResult OnPostEsterno(string? returnUrl)
    {
        Prepare(returnUrl);
        if (ExternalLabel is null) return NotFound();
        return Challenge(new AuthenticationProperties { RedirectUri = ReturnUrl.Length > 0 ? ReturnUrl : "/" }, ExternalSignIn.Scheme);
    }

    void Prepare(string? returnUrl)
    {
        // Only a path of this site: an address elsewhere would make the page an open redirect.
        ReturnUrl = returnUrl is not null && Url.IsLocalUrl(returnUrl) ? returnUrl : "";
        ExternalLabel = ExternalSignIn.IsConfigured(configuration) ? ExternalSignIn.ButtonLabel(configuration) : null;
    }
}
