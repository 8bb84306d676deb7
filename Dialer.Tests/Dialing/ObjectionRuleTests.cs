using Dialer.Core.Campaigns;
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
/// (objected_on) until it is withdrawn. One definition (objections_binding_on, migration 0470) is read by the nightly
/// selection and by the dial-time facts of the contact policy; the dial-time copy once treated an objection dated after
/// today as already binding while the claim did not. The selection and the dial must agree on every case.
/// </summary>
public sealed class ObjectionRuleTests : DatabaseTest
{
    // The population's as-of day, 10:00 in Rome (a holiday, 2 June: the policy stops an objector before the calendar).
    static readonly DateTimeOffset Now = new(2025, 6, 2, 8, 0, 0, TimeSpan.Zero);

    [TestCase(-1, false, true, TestName = "An_objection_made_yesterday_binds_the_selection_and_the_dial_alike")]
    [TestCase(0, false, true, TestName = "An_objection_made_today_binds_the_selection_and_the_dial_alike")]
    [TestCase(1, false, false, TestName = "An_objection_dated_tomorrow_binds_neither_the_selection_nor_the_dial_today")]
    [TestCase(-1, true, false, TestName = "A_withdrawn_objection_binds_neither_the_selection_nor_the_dial")]
    public async Task The_selection_and_the_dial_read_an_objection_the_same_way(int objectedDaysFromToday, bool withdrawn, bool binds)
    {
        var clock = new FakeTimeProvider(Now);
        await using var queue = new CallQueue(Db, clock, NullLogger<CallQueue>.Instance);
        var person = Population.Eligible("OBIETTORE");
        var phone = "+39" + person.Mobile;
        await new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance).RunAsync([CsvNotice.Input($"import-{Guid.NewGuid():N}.csv", [person])]);
        var campaign = (await new CampaignStore(Db).ApplyAsync(Population.Campaign("obiezioni"), default)).Campaign;
        var today = Population.AsOf;
        var objection = await new ObjectionRegister(Db).AddAsync(person.Cf!, null, today.AddDays(objectedDaysFromToday), ObjectionChannel.Letter, "", default);
        if (withdrawn)
        {
            await using var conn = await Db.OpenConnectionAsync();
            await conn.ExecuteAsync("UPDATE objections SET withdrawn_on = @on WHERE id = @objection",
                new { on = today.ToDateTime(TimeOnly.MinValue), objection });
        }
        await queue.EnqueueAsync([new QueueEntry(campaign.Id, person.Cf!, phone, "F205", 1, Now.AddMinutes(-1), null)], default);

        var selection = new List<string>();
        await foreach (var row in new Eligibility(Db).EachPersonAsync(campaign, today, default))
            if (row.Cf == person.Cf) selection.Add(row.Outcome);
        await ScreenedClaims.ClaimAsync(Db, queue, clock, campaign.Id);
        string? finished;
        await using (var conn = await Db.OpenConnectionAsync())
            finished = await conn.QuerySingleAsync<string?>("SELECT finished_reason FROM call_queue WHERE person_cf = @cf", new { cf = person.Cf });

        Assert.Multiple(() =>
        {
            Assert.That(selection, Is.EqualTo(new[] { binds ? "objected" : "selected" }), "the selection");
            Assert.That(finished == "objection", Is.EqualTo(binds), "the dial");
        });
    }
}
