using Dialer.Core.Campaigns;
using Dialer.Worker.Campaigns;

namespace Dialer.Tests.Campaigns;

public sealed class ShippedCampaignsTests : DatabaseTest
{
    [Test]
    public async Task The_demo_applies_the_shipped_campaigns_once_and_never_undoes_an_edit()
    {
        var store = new CampaignStore(Db);
        var shipped = Directory.GetFiles(ShippedCampaigns.Folder, "*.json").Length;

        var first = await ShippedCampaigns.ApplyMissingAsync(store, ShippedCampaigns.Folder, default);
        var cob23 = (await store.FindAsync("cob23-donne-30-44", default))!;
        await store.ApplyAsync(cob23.Definition with { Name = "Cob23, modificata" }, default);
        var second = await ShippedCampaigns.ApplyMissingAsync(store, ShippedCampaigns.Folder, default);

        Assert.Multiple(async () =>
        {
            Assert.That(shipped, Is.GreaterThanOrEqualTo(1), "deploy/campaigns is copied beside the executable");
            Assert.That(first, Has.Count.EqualTo(shipped).And.Contains("cob23-donne-30-44"));
            Assert.That(second, Is.Empty);
            Assert.That((await store.FindAsync("cob23-donne-30-44", default))!.Name, Is.EqualTo("Cob23, modificata"));
        });
    }
}
