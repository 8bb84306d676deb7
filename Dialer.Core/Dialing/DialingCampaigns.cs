using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Policy;

namespace Dialer.Core.Dialing;

/// <summary>A campaign as the dialer sees it: its definition and the contact policy its <c>dialing</c> settings give.</summary>
public sealed record DialingCampaign(Campaign Campaign, ContactPolicy Policy)
{
    public long Id => Campaign.Id;
    public DialingSettings Settings => Policy.Settings;
}

/// <summary>Campaigns with their contact policy, the patron-day table included (cached by <see cref="PatronSaintDays"/>).</summary>
public sealed class DialingCampaigns(CampaignStore campaigns, PatronSaintDays patronDays)
{
    public async Task<IReadOnlyList<DialingCampaign>> ActiveAsync(CancellationToken ct)
    {
        var table = await patronDays.TableAsync(ct);
        return (await campaigns.ListAsync(ct)).Where(c => c.Active).Select(c => Of(c, table)).ToList();
    }

    public async Task<DialingCampaign?> FindAsync(long id, CancellationToken ct)
    {
        var table = await patronDays.TableAsync(ct);
        return await campaigns.FindAsync(id, ct) is { } c ? Of(c, table) : null;
    }

    public async Task<DialingCampaign?> FindAsync(string slug, CancellationToken ct)
    {
        var table = await patronDays.TableAsync(ct);
        return await campaigns.FindAsync(slug, ct) is { } c ? Of(c, table) : null;
    }

    static DialingCampaign Of(Campaign campaign, PatronDayTable patronDays) => new(campaign, new ContactPolicy(campaign.Definition.Dialing, patronDays));
}
