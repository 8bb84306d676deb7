using Dialer.Api.Security;
using Dialer.Core.Campaigns;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dialer.Api.Pages.Supervision;

/// <summary>The supervisor's list of campaigns: state, mode, territory, last selection, people waiting (docs/supervision.md).</summary>
[Authorize(Policy = Roles.Supervisor)]
sealed class CampaignsModel(CampaignOverview overview) : PageModel
{
    public IReadOnlyList<CampaignSummary> Campaigns { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Campaigns = await overview.ListAsync(ct);
}
