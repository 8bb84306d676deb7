using System.Net;
using Dialer.Core.Dialing.Queue;
using Dialer.Tests.Dialing;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Outcomes;

/// <summary>The ledger follows a real call: queued by the feed, then dialed, answered and disposed through the events.</summary>
public sealed class LedgerEventsTests : DatabaseTest
{
    DialingRig rig = null!;

    [TearDown]
    public async Task StopAsync()
    {
        if (rig is not null) await rig.DisposeAsync();
    }

    sealed record Row(bool Queued, DateOnly? DialedOn, DateOnly? AnsweredOn, bool RightPerson, long? OperatorId);

    static async Task<Row?> RowAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.QuerySingleOrDefaultAsync<Row>("""
            SELECT queued AS Queued, dialed_on AS DialedOn, answered_on AS AnsweredOn, right_person AS RightPerson, operator_id AS OperatorId
            FROM campaign_outcomes
            """);
    }

    [Test]
    public async Task A_call_worked_through_the_dialing_loop_moves_the_person_along_the_funnel()
    {
        rig = await DialingRig.StartAsync();
        var campaign = await rig.CampaignAsync();
        var today = DateOnly.FromDateTime(DialingRig.Morning.UtcDateTime);
        await using (var conn = await Db.OpenConnectionAsync())
        {
            await conn.ExecuteAsync("INSERT INTO people (cf, provisional, mobile_e164, domicile_comune) VALUES ('PRSN000000000001', false, '+393471000000', 'F205')");
            await conn.ExecuteAsync("""
                INSERT INTO contact_list_entries (campaign_id, person_cf, selected_on, priority, expires_on)
                VALUES (@campaign, 'PRSN000000000001', @today, 1, CAST(@today AS date) + 30)
                """, new { campaign, today = today.ToDateTime(TimeOnly.MinValue) });
        }
        Assert.That(await rig.Services.GetRequiredService<CallQueue>().FeedFromContactListAsync(campaign, default), Is.EqualTo(1));
        Assert.That(await RowAsync(), Is.EqualTo(new Row(true, null, null, false, null)), "queued: the feed refreshed the ledger");

        await rig.OperatorsAsync("anna");
        await rig.StartWorkerAsync();
        Assert.That(await Eventually.TrueAsync(async () => (await DialingRig.AttemptsAsync()).Any(a => a.State == "ended")
            && await DialingRig.PresenceAsync("anna") == "wrap_up", TimeSpan.FromSeconds(30)), Is.True);
        var attempt = (await DialingRig.AttemptsAsync()).Single();
        Assert.That(await Eventually.TrueAsync(async () => (await RowAsync())!.AnsweredOn == today, TimeSpan.FromSeconds(10)), Is.True,
            "the call's end reached the ledger");

        var response = await rig.DisposeCallAsync(attempt.Id, "anna", new { Code = "refused", Reason = "not_interested" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(await Eventually.TrueAsync(async () => (await RowAsync())!.RightPerson, TimeSpan.FromSeconds(10)), Is.True,
            "the disposition reached the ledger");
        var row = await RowAsync();
        Assert.Multiple(() =>
        {
            Assert.That(row!.DialedOn, Is.EqualTo(today));
            Assert.That(row.OperatorId, Is.EqualTo(attempt.OperatorId));
        });
    }
}
