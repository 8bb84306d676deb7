using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core.Audit;
using Dialer.Core.Campaigns;
using Dialer.Core.Selection;
using Dialer.Core;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Campaigns;

static class CampaignsApi
{
    public static RouteGroupBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        // Supervisors read campaigns and dry-run their selection; admins change them.
        var group = app.MapGroup("/api/campaigns").WithTags("Campaigns").RequireAuthorization(Roles.Supervisor);

        group.MapGet("/", async (CampaignStore campaigns, CancellationToken ct) =>
            TypedResults.Ok((await campaigns.ListAsync(ct)).Select(CampaignView.From)));

        group.MapGet("/{slug}", async Task<Results<Ok<CampaignView>, NotFound>> (string slug, CampaignStore campaigns, CancellationToken ct) =>
            await campaigns.FindAsync(slug, ct) is { } c ? TypedResults.Ok(CampaignView.From(c)) : TypedResults.NotFound());

        group.MapPut("/{slug}", Apply).Accepts<CampaignDefinition>("application/json").ProducesValidationProblem().RequireAuthorization(Roles.Admin);

        group.MapGet("/{slug}/selection", Preview).ProducesValidationProblem();

        // Supervisors pause and resume (docs/supervision.md, "Campagne"); a repeat is a 200 that says nothing changed.
        group.MapPost("/{slug}/pause", Pause);
        group.MapPost("/{slug}/resume", Resume);

        return group;
    }

    /// <summary>The same document as `dialer campaign apply`; the slug in the path wins over a missing one in the body.</summary>
    static async Task<Results<Created<CampaignView>, Ok<CampaignView>, ValidationProblem>> Apply(
        string slug, HttpRequest request, CampaignChanges changes, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var definition = CampaignDefinition.Parse(await reader.ReadToEndAsync(ct), slug);
        if (definition.Slug != slug) return Invalid([Text.T($"slug: il documento dice \"{definition.Slug}\" ma l'indirizzo dice \"{slug}\".", $"slug: the document says \"{definition.Slug}\" but the address says \"{slug}\".")]);

        var (stored, created) = await changes.ApplyAsync(definition, request.HttpContext.AuditEntry(AuditActions.CampaignChanged), ct);
        var view = CampaignView.From(stored);
        return created ? TypedResults.Created($"/api/campaigns/{slug}", view) : TypedResults.Ok(view);
    }

    static async Task<Results<Ok<Cascade>, NotFound>> Preview(
        string slug, DateOnly? asOf, CampaignStore campaigns, Eligibility eligibility, TimeProvider time, CancellationToken ct)
    {
        if (await campaigns.FindAsync(slug, ct) is not { } campaign) return TypedResults.NotFound();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(campaign.Definition.Schedule.TimeZone);
        var day = asOf ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
        return TypedResults.Ok(await eligibility.PreviewAsync(campaign, day, ct));
    }

    /// <summary>The campaign stops dialing: its queue is held (reason campaign_inactive) until it is resumed.</summary>
    static async Task<Results<Ok<CampaignActivity>, NotFound>> Pause(string slug, HttpContext http, CampaignChanges changes, CancellationToken ct) =>
        await changes.PauseAsync(slug, http.AuditEntry(AuditActions.CampaignPaused), ct) is { } done ? TypedResults.Ok(done) : TypedResults.NotFound();

    static async Task<Results<Ok<CampaignActivity>, NotFound>> Resume(string slug, HttpContext http, CampaignChanges changes, CancellationToken ct) =>
        await changes.ResumeAsync(slug, http.AuditEntry(AuditActions.CampaignResumed), ct) is { } done ? TypedResults.Ok(done) : TypedResults.NotFound();

    static ValidationProblem Invalid(IReadOnlyList<string> errors) => DomainProblems.Invalid(errors, Text.T("La campagna non è valida", "The campaign is not valid"));
}

/// <summary>A campaign as the API shows it: its state and the document that defines it.</summary>
sealed record CampaignView(string Slug, string Name, bool Active, DateTimeOffset UpdatedAt, CampaignDefinition Definition)
{
    public static CampaignView From(Campaign c) => new(c.Slug, c.Name, c.Active, c.UpdatedAt, c.Definition);
}
