using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core.Audit;
using Dialer.Core.Campaigns;
using Dialer.Core.Operators;
using Dialer.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Pages.Supervision;

/// <summary>An admin creates a campaign through the form (docs/supervision.md, "Campagne"); an existing slug is refused, not replaced.</summary>
[Authorize(Policy = Roles.Admin)]
sealed class CampaignNewModel(CampaignStore campaigns, CampaignChanges changes, OperatorDesk desk) : PageModel
{
    public CampaignFormView View { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => View = new(CampaignForm.New(), new Dictionary<string, string>(), await desk.CpisAsync(ct), IsNew: true);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var form = CampaignForm.Posted(Request.Form);
        var (json, errors) = form.ToDocument(slug: null, stored: null);
        if (json is not null)
        {
            try
            {
                var definition = CampaignDefinition.Parse(json);
                if (definition.Slug == "nuova")
                    errors = [$"slug: {Text.T("«nuova» è l'indirizzo di questo modulo: sceglierne un altro.", "«nuova» is this form's address: choose another.")}"];
                else if (await campaigns.FindAsync(definition.Slug, ct) is not null)
                    errors = [$"slug: {Text.T($"esiste già una campagna «{definition.Slug}»: sceglierne un altro, o modificare quella.", $"there already is a campaign «{definition.Slug}»: choose another, or edit that one.")}"];
                else
                {
                    await changes.ApplyAsync(definition, HttpContext.AuditEntry(AuditActions.CampaignChanged), ct);
                    return RedirectToPage("/Supervision/Campaign", new { slug = definition.Slug, esito = "creata" });
                }
            }
            catch (CampaignValidationException ex)
            {
                errors = ex.Errors;
            }
        }
        View = new(form, CampaignForm.ErrorsByInput(errors), await desk.CpisAsync(ct), IsNew: true);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
