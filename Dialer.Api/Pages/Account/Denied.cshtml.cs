using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dialer.Api.Pages.Account;

/// <summary>Where a signed-in user lands on a page their role does not open, and where a failed external sign-in ends.</summary>
[AllowAnonymous]
sealed class DeniedModel : PageModel
{
    public void OnGet()
    {
    }
}
