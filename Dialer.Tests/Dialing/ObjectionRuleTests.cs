using Dialer.Core.Campaigns;
using Dialer.Core.Dialing;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Notices;
using Dialer.Core.Selection;
using Dialer.Tests.Notices;
using Dialer.Tests.Selection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dialer.Tests.Dialing;

/// <summary>
/// "This person objected" means the same at every place that asks it: an objection binds from the day it was made
/// (objected_on) until it is withdrawn. The dial-time contact policy (ContactHistory) once treated an objection dated
/// after today as already binding while the claim did not: the two must agree on every case.
/// </summary>
public sealed class ObjectionRuleTests : DatabaseTest
{
    static readonly DateTimeOffset Now = new(2026, 3, 11, 9, 0, 0, TimeSpan.Zero);

    [TestCase(-1, false, true, TestName = "An_objection_made_yesterday_binds_the_claim_and_the_contact_policy_alike")]
    [TestCase(0, false, true, TestName = "An_objection_made_today_binds_the_claim_and_the_contact_policy_alike")]
    [TestCase(1, false, false, TestName = "An_objection_dated_tomorrow_binds_neither_the_claim_nor_the_contact_policy_today")]
    [TestCase(-1, true, false, TestName = "A_withdrawn_objection_binds_neither_the_claim_nor_the_contact_policy")]
    public async Task The_claim_and_the_contact_policy_read_an_objection_the_same_way(int objectedDaysFromToday, bool withdrawn, bool binds)
    {
        var clock = new FakeTimeProvider(Now);
        await using var queue = new CallQueue(Db, clock, NullLogger<CallQueue>.Instance);
        var person = Population.Eligible("OBIETTORE");
        var phone = "+39" + person.Mobile;
        await new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance).RunAsync([CsvNotice.Input($"import-{Guid.NewGuid():N}.csv", [person])]);
        var campaign = (await new CampaignStore(Db).ApplyAsync(Population.Campaign("obiezioni"), default)).Campaign.Id;
        var today = new DateOnly(2026, 3, 11);
        var objection = await new ObjectionRegister(Db).AddAsync(person.Cf!, null, today.AddDays(objectedDaysFromToday), ObjectionChannel.Letter, "", default);
        if (withdrawn)
        {
            await using var conn = await Db.OpenConnectionAsync();
            await conn.ExecuteAsync("UPDATE objections SET withdrawn_on = @on WHERE id = @objection",
                new { on = today.ToDateTime(TimeOnly.MinValue), objection });
        }
        await queue.EnqueueAsync([new QueueEntry(campaign, person.Cf!, phone, "F205", 1, Now.AddMinutes(-1), null)], default);

        var claimed = await queue.ClaimAsync(new ClaimRequest(campaign, "w1", 10, TimeSpan.FromMinutes(2), ClaimGuards.Defaults), default);
        var facts = await new ContactHistory(Db).FactsAsync(campaign, person.Cf!, phone, "F205", Now, default);

        Assert.Multiple(() =>
        {
            Assert.That(claimed.Count == 0, Is.EqualTo(binds), "the claim");
            Assert.That(facts.ObjectionActive, Is.EqualTo(binds), "the contact policy's facts");
        });
    }
}
