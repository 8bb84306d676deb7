using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using Dialer.Tests.Outcomes;

namespace Dialer.Tests.Operators;

/// <summary>Every presence move, the operator's and the engine's, is published as OperatorPresenceChanged once committed.</summary>
public sealed class PresenceEventsTests : DispositionsTest
{
    [Test]
    public async Task Every_move_of_a_call_is_published_system_moves_included()
    {
        Clock.Advance(TimeSpan.FromSeconds(30));
        await Roster.EndCallAsync(Anna, Attempt, TimeSpan.FromSeconds(60), None);
        Clock.Advance(TimeSpan.FromSeconds(90));
        await Roster.EnforceWrapUpLimitsAsync(Clock.GetUtcNow(), None);
        await RecordAsync(new DispositionRequest("already_employed"));

        var moves = Moves("anna");

        Assert.Multiple(() =>
        {
            Assert.That(moves.Select(m => (m.State, m.PauseReason)), Is.EqualTo(new (string, string?)[]
            {
                ("available", null), ("reserved", null), ("on_call", null), ("wrap_up", null), ("paused", "wrap_up_overrun"), ("available", null),
            }));
            Assert.That(moves.All(m => m.OperatorId == Anna && !m.PauseAfterCall), Is.True);
            Assert.That(moves[4].Since, Is.EqualTo(Start.AddSeconds(90)), "the overrun starts at the deadline");
            Assert.That(moves[4].At, Is.EqualTo(Start.AddSeconds(120)));
            Assert.That(moves[5].Since, Is.EqualTo(Start.AddSeconds(120)));
        });
    }

    [Test]
    public async Task A_released_reservation_and_the_operators_own_moves_are_published()
    {
        await Roster.SignInAsync("bruno", None);
        var attempt = await AttemptAsync(Campaign, "BRNMRA80A01F205X", "+393471234568");
        var bruno = (await Roster.TryReserveAsync("bruno", Campaign, attempt, None))!;
        await Roster.ReleaseAsync(bruno.OperatorId, attempt, None);
        await Roster.PauseAsync("bruno", PauseReason.Training, None);
        await Roster.PauseAsync("bruno", PauseReason.Training, None);
        await Roster.SignOutAsync("bruno", None);

        Assert.That(Moves("bruno").Select(m => (m.State, m.PauseReason)), Is.EqualTo(new (string, string?)[]
        {
            ("available", null), ("reserved", null), ("available", null), ("paused", "training"), ("signed_out", null),
        }), "a repeated pause changes nothing and publishes nothing");
    }

    List<OperatorPresenceChanged> Moves(string identity) =>
        Harness.Published.Select<OperatorPresenceChanged>().Select(m => m.Context.Message).Where(m => m.Identity == identity).ToList();
}
