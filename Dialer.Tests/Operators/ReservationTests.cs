using Dialer.Core.Operators;

namespace Dialer.Tests.Operators;

public sealed class ReservationTests : OperatorsTest
{
    [Test]
    public async Task The_operator_idle_the_longest_is_reserved_and_recorded_on_the_attempt()
    {
        var campaign = await CampaignAsync();
        await OperatorAsync("anna");
        await OperatorAsync("bruno", phone: "+39 02 7740 4040");
        await OperatorAsync("carla");
        await Roster.SignInAsync("carla", None);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Roster.SignInAsync("bruno", None);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Roster.SignInAsync("anna", None);
        var first = await AttemptAsync(campaign);
        var second = await AttemptAsync(campaign);

        var carla = await Roster.TryReserveAsync(campaign, first, None);
        var bruno = await Roster.TryReserveAsync(campaign, second, None);
        var presence = await PresenceAsync("carla");
        await using var conn = await Db.OpenConnectionAsync();
        var assigned = await conn.ExecuteScalarAsync<long?>("SELECT operator_id FROM call_attempts WHERE id = @first", new { first });

        Assert.Multiple(() =>
        {
            Assert.That(carla?.Identity, Is.EqualTo("carla"));
            Assert.That(carla?.Target, Is.EqualTo("client:carla"));
            Assert.That(bruno?.Identity, Is.EqualTo("bruno"));
            Assert.That(bruno?.Target, Is.EqualTo("+390277404040"), "an operator with a phone is rung there");
            Assert.That(presence.State, Is.EqualTo(PresenceState.Reserved));
            Assert.That(presence.AttemptId, Is.EqualTo(first));
            Assert.That(assigned, Is.EqualTo(carla?.OperatorId));
        });
    }

    [Test]
    public async Task Nobody_is_reserved_when_nobody_is_available()
    {
        var campaign = await CampaignAsync();
        await OperatorAsync("anna");
        await OperatorAsync("bruno");
        await Roster.SignInAsync("bruno", None);
        await Roster.PauseAsync("bruno", PauseReason.Meeting, None);

        var reserved = await Roster.TryReserveAsync(campaign, await AttemptAsync(campaign), None);

        Assert.Multiple(async () =>
        {
            Assert.That(reserved, Is.Null);
            Assert.That(await Roster.CountAvailableAsync(campaign, None), Is.Zero);
        });
    }

    [Test]
    public async Task Operators_limited_to_some_campaigns_are_reserved_and_counted_only_for_those()
    {
        var cob23 = await CampaignAsync("cob23");
        var donne = await CampaignAsync("donne-milano");
        await OperatorAsync("anna", null, "donne-milano");
        await OperatorAsync("bruno");
        await Roster.SignInAsync("anna", None);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Roster.SignInAsync("bruno", None);

        var forCob23 = await Roster.CountAvailableAsync(cob23, None);
        var forDonne = await Roster.CountAvailableAsync(donne, None);
        var cob23Reserved = await Roster.TryReserveAsync(cob23, await AttemptAsync(cob23), None);
        var cob23Next = await Roster.TryReserveAsync(cob23, await AttemptAsync(cob23), None);
        var annaForDonne = await Roster.TryReserveAsync("anna", donne, await AttemptAsync(donne), None);

        Assert.Multiple(() =>
        {
            Assert.That(forCob23, Is.EqualTo(1));
            Assert.That(forDonne, Is.EqualTo(2));
            Assert.That(cob23Reserved?.Identity, Is.EqualTo("bruno"), "anna idles longer but does not take cob23");
            Assert.That(cob23Next, Is.Null);
            Assert.That(annaForDonne?.Identity, Is.EqualTo("anna"));
        });
    }

    [Test]
    public async Task Concurrent_reservations_never_get_the_same_operator()
    {
        const int operators = 6, attempts = 24;
        var campaign = await CampaignAsync();
        for (var i = 0; i < operators; i++)
        {
            await OperatorAsync($"op{i}");
            await Roster.SignInAsync($"op{i}", None);
        }
        var ids = new List<long>();
        for (var i = 0; i < attempts; i++) ids.Add(await AttemptAsync(campaign));

        using var start = new ManualResetEventSlim();
        var tasks = ids.Select(id => Task.Run(async () =>
        {
            start.Wait();
            return await Roster.TryReserveAsync(campaign, id, None);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(tasks);
        var reserved = results.Where(r => r is not null).Select(r => r!.Identity).ToList();

        await using var conn = await Db.OpenConnectionAsync();
        var assigned = await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM call_attempts WHERE operator_id IS NOT NULL");
        Assert.Multiple(() =>
        {
            Assert.That(reserved, Has.Count.EqualTo(operators), "every operator reserved once");
            Assert.That(reserved, Is.Unique);
            Assert.That(assigned, Is.EqualTo(operators));
        });
    }
}
