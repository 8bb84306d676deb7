using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core.Audit;
using Dialer.Core.Campaigns;
using Dialer.Core.Operators;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Pages.Supervision;

/// <summary>An admin edits a campaign through the form over its document, as <c>PUT /api/campaigns/{slug}</c> does (docs/supervision.md).</summary>
[Authorize(Policy = Roles.Admin)]
sealed class CampaignEditModel(CampaignStore campaigns, CampaignChanges changes, OperatorDesk desk) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;
    public CampaignFormView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        if (await campaigns.FindAsync(slug, ct) is not { } found) return NotFound();
        Campaign = found;
        View = new(CampaignForm.From(found.Definition), new Dictionary<string, string>(), await desk.CpisAsync(ct), IsNew: false);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string slug, CancellationToken ct)
    {
        if (await campaigns.FindAsync(slug, ct) is not { } found) return NotFound();
        Campaign = found;
        var form = CampaignForm.Posted(Request.Form);
        var (json, errors) = form.ToDocument(slug, found.Definition.ToJson());
        if (json is not null)
        {
            try
            {
                await changes.ApplyAsync(CampaignDefinition.Parse(json), HttpContext.AuditEntry(AuditActions.CampaignChanged), ct);
                return RedirectToPage("/Supervision/Campaign", new { slug, esito = "salvata" });
            }
            catch (CampaignValidationException ex)
            {
                errors = ex.Errors;
            }
        }
        View = new(form, CampaignForm.ErrorsByInput(errors), await desk.CpisAsync(ct), IsNew: false);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
