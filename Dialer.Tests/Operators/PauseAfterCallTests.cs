using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using Dialer.Tests.Outcomes;

namespace Dialer.Tests.Operators;

/// <summary>
/// A pause asked while the operator is reserved, on a call or owing its disposition is kept and applied when the call is
/// over, never lost to the race with a reservation (issue 15). Anna is on a call (attempt <see cref="DispositionsTest.Attempt"/>).
/// </summary>
public sealed class PauseAfterCallTests : DispositionsTest
{
    [Test]
    public async Task A_pause_asked_on_a_call_applies_when_the_disposition_is_recorded_and_no_call_is_reserved_meanwhile()
    {
        var asked = await Roster.PauseAsync("anna", PauseReason.Meeting, None);
        await Roster.EndCallAsync(Anna, Attempt, TimeSpan.FromMinutes(2), None);
        var wrapUp = await PresenceAsync("anna");
        await RecordAsync(new DispositionRequest("already_employed"));
        var after = await PresenceAsync("anna");
        var next = await Roster.TryReserveAsync(Campaign, await AttemptAsync(Campaign, "BRNMRA80A01F205X", "+393471234568"), None);

        Assert.Multiple(() =>
        {
            Assert.That(asked.State, Is.EqualTo(PresenceState.OnCall), "the call goes on");
            Assert.That(asked.PauseAfterCall, Is.True);
            Assert.That(asked.Since, Is.EqualTo(Start), "asking is not a move: the call's start stays");
            Assert.That(wrapUp.PauseRequested, Is.EqualTo(PauseReason.Meeting), "kept through the wrap-up");
            Assert.That(after.State, Is.EqualTo(PresenceState.Paused));
            Assert.That(after.PauseReason, Is.EqualTo(PauseReason.Meeting));
            Assert.That(after.PauseAfterCall, Is.False, "applied, so no longer pending");
            Assert.That(next, Is.Null, "a paused operator is never reserved");
            Assert.That(Harness.Published.Select<OperatorPresenceChanged>().Select(m => m.Context.Message)
                .Where(m => m.Identity == "anna").Select(m => (m.State, m.PauseAfterCall)),
                Is.EqualTo(new[] { ("available", false), ("reserved", false), ("on_call", false), ("on_call", true), ("wrap_up", true), ("paused", false) }));
        });
    }

    [Test]
    public async Task Reserve_then_pause_race_always_ends_paused_after_the_call_and_never_reserved_again()
    {
        await Roster.SignInAsync("bruno", None);
        for (var round = 0; round < 20; round++)
        {
            await Roster.SetAvailableAsync("bruno", None);
            var attempt = await AttemptAsync(Campaign, "BRNMRA80A01F205X", "+393471234568");
            var reserve = Task.Run(() => Roster.TryReserveAsync("bruno", Campaign, attempt, None));
            var pause = Task.Run(() => Roster.PauseAsync("bruno", PauseReason.Break, None));
            await Task.WhenAll(reserve, pause);
            if (reserve.Result is { } reserved) await Roster.ReleaseAsync(reserved.OperatorId, attempt, None);
            var again = await Roster.TryReserveAsync("bruno", Campaign, await AttemptAsync(Campaign, "BRNMRA80A01F205X", "+393471234568"), None);
            var presence = await PresenceAsync("bruno");

            Assert.Multiple(() =>
            {
                Assert.That(presence.State, Is.EqualTo(PresenceState.Paused), $"round {round}");
                Assert.That(presence.PauseReason, Is.EqualTo(PauseReason.Break), $"round {round}");
                Assert.That(again, Is.Null, $"round {round}: never reserved after the pause");
            });
        }
    }

    [Test]
    public async Task Asking_to_be_available_cancels_the_pause_after_the_call()
    {
        await Roster.PauseAsync("anna", PauseReason.Break, None);
        var cancelled = await Roster.SetAvailableAsync("anna", None);
        await Roster.EndCallAsync(Anna, Attempt, TimeSpan.FromMinutes(2), None);
        await RecordAsync(new DispositionRequest("already_employed"));

        Assert.Multiple(async () =>
        {
            Assert.That(cancelled.State, Is.EqualTo(PresenceState.OnCall));
            Assert.That(cancelled.PauseAfterCall, Is.False);
            Assert.That((await PresenceAsync("anna")).State, Is.EqualTo(PresenceState.Available));
        });
    }

    [Test]
    public async Task A_pause_asked_in_the_wrap_up_overrun_applies_after_the_late_disposition()
    {
        await Roster.EndCallAsync(Anna, Attempt, TimeSpan.FromSeconds(60), None);
        Clock.Advance(TimeSpan.FromSeconds(90));
        await Roster.EnforceWrapUpLimitsAsync(Clock.GetUtcNow(), None);
        var asked = await Roster.PauseAsync("anna", PauseReason.EndOfShift, None);
        await RecordAsync(new DispositionRequest("already_employed"));
        var after = await PresenceAsync("anna");

        Assert.Multiple(() =>
        {
            Assert.That(asked.PauseReason, Is.EqualTo(PauseReason.WrapUpOverrun), "still the overrun until the disposition");
            Assert.That(asked.PauseAfterCall, Is.True);
            Assert.That(after.State, Is.EqualTo(PresenceState.Paused));
            Assert.That(after.PauseReason, Is.EqualTo(PauseReason.EndOfShift));
        });
    }
}
