using Dialer.Core.Campaigns;

namespace Dialer.Tests.Campaigns;

public sealed class StoredDialingSettingsTests : DatabaseTest
{
    const string WithDialing = DialingSettingsTests.WithDialing;

    [Test]
    public async Task A_stored_campaign_keeps_its_dialing_settings()
    {
        var store = new CampaignStore(Db);

        await store.ApplyAsync(CampaignDefinition.Parse(WithDialing), CancellationToken.None);
        var stored = (await store.FindAsync("cob23-donne-30-44", CancellationToken.None))!.Definition.Dialing;

        Assert.Multiple(() =>
        {
            Assert.That(stored.Mode, Is.EqualTo(DialingMode.Preview));
            Assert.That(stored.Windows.Select(w => (w.From, w.To)),
                Is.EqualTo(new[] { (new TimeOnly(9, 30), new TimeOnly(12, 30)), (new TimeOnly(10, 0), new TimeOnly(12, 0)) }));
            Assert.That(stored.Retry, Is.EqualTo(new RetryDelays { BusyMinutes = 45, NoAnswer = RetryStep.NextDay, Machine = RetryStep.NextHalfDay }));
        });
    }
}
