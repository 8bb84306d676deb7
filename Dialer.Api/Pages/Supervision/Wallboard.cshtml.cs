using Dialer.Api.Security;
using Dialer.Api.Supervision;
using Dialer.Core.Supervision;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dialer.Api.Pages.Supervision;

/// <summary>
/// The wallboard (docs/supervision.md "Situazione in tempo reale"): the floor as it is when the page is asked for,
/// rendered on the server; wallboard.js then follows /api/wallboard/events and puts each new snapshot in place.
/// </summary>
[Authorize(Policy = Roles.Supervisor)]
public sealed class WallboardModel(Wallboard wallboard) : PageModel
{
    public WallboardView View { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => View = WallboardView.From(await wallboard.ReadAsync(ct));
}
