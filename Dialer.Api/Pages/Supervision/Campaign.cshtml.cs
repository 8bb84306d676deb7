using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core.Audit;
using Dialer.Core.Campaigns;
using Dialer.Core.Outcomes;
using Dialer.Core.Selection;
using Dialer.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Pages.Supervision;

/// <summary>
/// One campaign for a supervisor (docs/supervision.md, "Campagne"): its settings in words, "why is nobody being dialed"
/// (<see cref="DialingDiagnostics"/>, as <c>dialer campaign why</c>), the last selection's cascade, a dry run of the
/// selection (<see cref="Eligibility.PreviewAsync"/>, as <c>GET /api/campaigns/{slug}/selection</c>), pause and resume.
/// </summary>
[Authorize(Policy = Roles.Supervisor)]
sealed class CampaignModel(CampaignStore campaigns, CampaignOverview overview, CampaignChanges changes, DialingDiagnostics diagnostics,
    Eligibility eligibility, TimeProvider time) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;
    public string Territory { get; private set; } = "";
    public CampaignDiagnostics? Diagnostics { get; private set; }
    public LastSelection? Last { get; private set; }
    public DateTimeOffset Now { get; private set; }

    /// <summary>The dry run's date (today in Rome unless asked), its cascade when one was asked, or why it could not run.</summary>
    public DateOnly TrialDay { get; private set; }
    public Cascade? Trial { get; private set; }
    public string? TrialError { get; private set; }

    /// <summary>What the last action did (a pause, a resume, a save), for the status message.</summary>
    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, bool prova, DateOnly? data, string? esito, CancellationToken ct)
    {
        if (await campaigns.FindAsync(slug, ct) is not { } found) return NotFound();
        Campaign = found;
        Now = time.GetUtcNow();
        TrialDay = data ?? DateOnly.FromDateTime(ItalianFormat.Local(Now));
        Done = esito switch
        {
            "sospesa" => new CampaignActivity(slug, false, true).Message,
            "gia-sospesa" => new CampaignActivity(slug, false, false).Message,
            "riattivata" => new CampaignActivity(slug, true, true).Message,
            "gia-attiva" => new CampaignActivity(slug, true, false).Message,
            "creata" => Text.T("Campagna creata.", "Campaign created."),
            "salvata" => Text.T("Modifiche salvate.", "Changes saved."),
            _ => null,
        };
        Territory = await overview.TerritoryAsync(found.Definition.Territory, ct);
        Diagnostics = await diagnostics.ForAsync(slug, ct);
        Last = await overview.LastSelectionAsync(slug, ct);
        if (prova)
        {
            try
            {
                Trial = await eligibility.PreviewAsync(found, TrialDay, ct);
            }
            catch (CampaignValidationException ex)
            {
                TrialError = string.Join(" ", ex.Errors);
            }
        }
        return Page();
    }

    public Task<IActionResult> OnPostPauseAsync(string slug, CancellationToken ct) => SetAsync(slug, pause: true, ct);

    public Task<IActionResult> OnPostResumeAsync(string slug, CancellationToken ct) => SetAsync(slug, pause: false, ct);

    async Task<IActionResult> SetAsync(string slug, bool pause, CancellationToken ct)
    {
        var done = pause
            ? await changes.PauseAsync(slug, HttpContext.AuditEntry(AuditActions.CampaignPaused), ct)
            : await changes.ResumeAsync(slug, HttpContext.AuditEntry(AuditActions.CampaignResumed), ct);
        if (done is null) return NotFound();
        var esito = (done.Active, done.Changed) switch
        {
            (false, true) => "sospesa",
            (false, false) => "gia-sospesa",
            (true, true) => "riattivata",
            (true, false) => "gia-attiva",
        };
        return RedirectToPage(new { slug, esito });
    }
}
