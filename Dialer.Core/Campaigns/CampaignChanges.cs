using Dialer.Core.Audit;

namespace Dialer.Core.Campaigns;

/// <summary>The outcome of a pause or resume: the campaign's state now, and whether this call changed it.</summary>
public sealed record CampaignActivity(string Slug, bool Active, bool Changed)
{
    /// <summary>What the person who asked reads: done, or already so (a repeat is not an error).</summary>
    public string Message => (Active, Changed) switch
    {
        (false, true) => Text.T("Campagna sospesa: non si chiama nessuno finché non viene riattivata.", "Campaign paused: nobody is called until it is resumed."),
        (false, false) => Text.T("La campagna era già sospesa: nulla è cambiato.", "The campaign was already paused: nothing changed."),
        (true, true) => Text.T("Campagna riattivata: le chiamate riprendono nelle fasce orarie.", "Campaign resumed: calls start again within the calling windows."),
        (true, false) => Text.T("La campagna era già attiva: nulla è cambiato.", "The campaign was already active: nothing changed."),
    };
}

/// <summary>
/// Every change to a campaign, whoever asks (the pages, <c>PUT /api/campaigns/{slug}</c>, <c>dialer campaign apply</c>):
/// applied through <see cref="CampaignStore"/> and audited with the actor. Each method takes <c>by</c>, an entry naming
/// who acted (actor, role, client address); the action, subject and detail are set here (docs/supervision.md, "Campagne").
/// </summary>
public sealed class CampaignChanges(CampaignStore store, AuditLog audit)
{
    /// <summary>Creates or replaces the campaign with this document's slug; a document that is not valid changes nothing.</summary>
    /// <exception cref="CampaignValidationException">The document's problems, each naming its field.</exception>
    public async Task<(Campaign Campaign, bool Created)> ApplyAsync(CampaignDefinition definition, AuditEntry by, CancellationToken ct)
    {
        var (stored, created) = await store.ApplyAsync(definition, ct);
        await audit.RecordAsync(by with
        {
            Action = AuditActions.CampaignChanged,
            Subject = $"campaign:{stored.Slug}",
            Detail = new { change = created ? "created" : "updated", stored.Active },
        }, ct);
        return (stored, created);
    }

    /// <summary>Stops the campaign dialing (the engine holds its queue, reason campaign_inactive); null for an unknown slug.</summary>
    public Task<CampaignActivity?> PauseAsync(string slug, AuditEntry by, CancellationToken ct) => SetActiveAsync(slug, false, by, ct);

    /// <summary>Lets the campaign dial again; null for an unknown slug.</summary>
    public Task<CampaignActivity?> ResumeAsync(string slug, AuditEntry by, CancellationToken ct) => SetActiveAsync(slug, true, by, ct);

    /// <summary>A repeat (pausing a paused campaign) changes nothing and records nothing.</summary>
    async Task<CampaignActivity?> SetActiveAsync(string slug, bool active, AuditEntry by, CancellationToken ct)
    {
        if (await store.SetActiveAsync(slug, active, ct) is not { } before) return null;
        var changed = before != active;
        if (changed)
            await audit.RecordAsync(by with
            {
                Action = active ? AuditActions.CampaignResumed : AuditActions.CampaignPaused,
                Subject = $"campaign:{slug}",
                Detail = null,
            }, ct);
        return new CampaignActivity(slug, active, changed);
    }
}
