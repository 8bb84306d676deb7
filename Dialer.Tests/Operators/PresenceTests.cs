using Dialer.Core.Operators;

namespace Dialer.Tests.Operators;

public sealed class PresenceTests : OperatorsTest
{
    [Test]
    public async Task Each_move_updates_the_presence_and_appends_a_timestamped_history_row()
    {
        await OperatorAsync("anna");
        var signedIn = await Roster.SignInAsync("anna", None);
        Clock.Advance(TimeSpan.FromMinutes(5));
        var paused = await Roster.PauseAsync("anna", PauseReason.Training, None);
        Clock.Advance(TimeSpan.FromMinutes(30));
        var back = await Roster.SetAvailableAsync("anna", None);
        Clock.Advance(TimeSpan.FromMinutes(10));
        var signedOut = await Roster.SignOutAsync("anna", None);

        var history = await HistoryAsync("anna");
        Assert.Multiple(() =>
        {
            Assert.That(signedIn.State, Is.EqualTo(PresenceState.Available));
            Assert.That(signedIn.Since, Is.EqualTo(Start));
            Assert.That(paused.State, Is.EqualTo(PresenceState.Paused));
            Assert.That(paused.PauseReason, Is.EqualTo(PauseReason.Training));
            Assert.That(paused.PauseLabel, Is.EqualTo("Formazione"));
            Assert.That(back.State, Is.EqualTo(PresenceState.Available));
            Assert.That(back.PauseReason, Is.Null);
            Assert.That(signedOut.State, Is.EqualTo(PresenceState.SignedOut));
            Assert.That(history.Select(h => (h.State, h.PauseReason)), Is.EqualTo(new (string, string?)[]
            {
                ("signed_out", null), ("available", null), ("paused", "training"), ("available", null), ("signed_out", null),
            }));
            Assert.That(history.Skip(1).Select(h => h.At), Is.EqualTo(new[]
            {
                Start.UtcDateTime, Start.UtcDateTime.AddMinutes(5), Start.UtcDateTime.AddMinutes(35), Start.UtcDateTime.AddMinutes(45),
            }));
        });
    }

    [Test]
    public async Task A_repeated_move_changes_nothing_and_writes_no_history()
    {
        await OperatorAsync("anna");
        await Roster.SignInAsync("anna", None);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var again = await Roster.SignInAsync("anna", None);
        await Roster.PauseAsync("anna", PauseReason.Break, None);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var pausedAgain = await Roster.PauseAsync("anna", PauseReason.Break, None);

        Assert.Multiple(async () =>
        {
            Assert.That(again.Since, Is.EqualTo(Start), "still available since the first sign-in");
            Assert.That(pausedAgain.Since, Is.EqualTo(Start.AddMinutes(1)));
            Assert.That(await HistoryAsync("anna"), Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task Moves_the_state_does_not_allow_are_refused_with_the_reason()
    {
        var campaign = await CampaignAsync();
        await OperatorAsync("anna");
        await OperatorAsync("bruno");
        await Directory.SaveAsync(new OperatorProfile("carla", "Carla", Active: false), None);

        var signedOut = Assert.ThrowsAsync<PresenceMoveRefusedException>(() => Roster.SetAvailableAsync("anna", None));
        var pausedOut = Assert.ThrowsAsync<PresenceMoveRefusedException>(() => Roster.PauseAsync("anna", PauseReason.Break, None));
        var deactivated = Assert.ThrowsAsync<PresenceMoveRefusedException>(() => Roster.SignInAsync("carla", None));
        await Roster.SignInAsync("anna", None);
        var systemReason = Assert.ThrowsAsync<PresenceMoveRefusedException>(() => Roster.PauseAsync("anna", PauseReason.WrapUpOverrun, None));

        var attempt = await OnCallAsync("bruno", campaign);
        var signOutOnCall = Assert.ThrowsAsync<PresenceMoveRefusedException>(() => Roster.SignOutAsync("bruno", None));
        var bruno = (await PresenceAsync("bruno")).OperatorId;
        await Roster.EndCallAsync(bruno, attempt, TimeSpan.FromMinutes(2), None);
        var availableOwing = Assert.ThrowsAsync<PresenceMoveRefusedException>(() => Roster.SetAvailableAsync("bruno", None));
        var signOutOwing = Assert.ThrowsAsync<PresenceMoveRefusedException>(() => Roster.SignOutAsync("bruno", None));
        var unknown = Assert.ThrowsAsync<OperatorNotFoundException>(() => Roster.SignInAsync("nessuno", None));

        Assert.Multiple(async () =>
        {
            Assert.That(signedOut!.Message, Does.Contain("non è in servizio: prima entrare in servizio"));
            Assert.That(pausedOut!.Message, Does.Contain("prima entrare in servizio"));
            Assert.That(deactivated!.Message, Does.Contain("è disattivato"));
            Assert.That(systemReason!.Message, Does.Contain("la imposta il sistema"));
            Assert.That(signOutOnCall!.Message, Does.Contain("(on_call)").And.Contain($"chiamata {attempt} in corso"));
            Assert.That(availableOwing!.Message, Does.Contain("prima registrare l'esito"));
            Assert.That(signOutOwing!.Message, Does.Contain("prima registrare l'esito"));
            Assert.That(unknown!.Message, Does.Contain("nessuno"));
            Assert.That((await PresenceAsync("bruno")).State, Is.EqualTo(PresenceState.WrapUp), "a refused move changes nothing");
        });
    }

    [Test]
    public async Task The_engine_moves_apply_only_to_the_attempt_the_operator_is_reserved_for()
    {
        var campaign = await CampaignAsync();
        await OperatorAsync("anna");
        await Roster.SignInAsync("anna", None);
        var first = await AttemptAsync(campaign);
        var other = await AttemptAsync(campaign);
        var reserved = (await Roster.TryReserveAsync(campaign, first, None))!;

        var releaseOther = await Roster.ReleaseAsync(reserved.OperatorId, other, None);
        var endBeforeConnect = await Roster.EndCallAsync(reserved.OperatorId, first, TimeSpan.FromMinutes(1), None);
        Clock.Advance(TimeSpan.FromSeconds(20));
        var connect = await Roster.ConnectAsync(reserved.OperatorId, first, None);
        var connectAgain = await Roster.ConnectAsync(reserved.OperatorId, first, None);
        var releaseConnected = await Roster.ReleaseAsync(reserved.OperatorId, first, None);
        Clock.Advance(TimeSpan.FromMinutes(3));
        var end = await Roster.EndCallAsync(reserved.OperatorId, first, TimeSpan.FromSeconds(90), None);
        var wrapUp = await PresenceAsync("anna");

        Assert.Multiple(() =>
        {
            Assert.That(releaseOther, Is.False);
            Assert.That(endBeforeConnect, Is.False);
            Assert.That(connect, Is.True);
            Assert.That(connectAgain, Is.False, "already on the call");
            Assert.That(releaseConnected, Is.False, "an answered call is not released");
            Assert.That(end, Is.True);
            Assert.That(wrapUp.State, Is.EqualTo(PresenceState.WrapUp));
            Assert.That(wrapUp.AttemptId, Is.EqualTo(first));
            Assert.That(wrapUp.DispositionOwed, Is.True);
            Assert.That(wrapUp.WrapUpDeadline, Is.EqualTo(Start.AddSeconds(20 + 180 + 90)));
        });
    }

    [Test]
    public async Task An_unanswered_reservation_is_released_back_to_available()
    {
        var campaign = await CampaignAsync();
        await OperatorAsync("anna");
        await Roster.SignInAsync("anna", None);
        var attempt = await AttemptAsync(campaign);
        var reserved = (await Roster.TryReserveAsync(campaign, attempt, None))!;
        Clock.Advance(TimeSpan.FromSeconds(30));

        var released = await Roster.ReleaseAsync(reserved.OperatorId, attempt, None);
        var presence = await PresenceAsync("anna");

        Assert.Multiple(() =>
        {
            Assert.That(released, Is.True);
            Assert.That(presence.State, Is.EqualTo(PresenceState.Available));
            Assert.That(presence.AttemptId, Is.Null);
            Assert.That(presence.Since, Is.EqualTo(Start.AddSeconds(30)), "idle again from the release");
        });
    }

    [Test]
    public async Task Altro_tempo_moves_the_wrap_up_deadline_a_minute_later_each_time_and_only_in_wrap_up()
    {
        var campaign = await CampaignAsync();
        await OperatorAsync("anna");
        var attempt = await OnCallAsync("anna", campaign);
        var refusedOnCall = Assert.ThrowsAsync<PresenceMoveRefusedException>(() => Roster.ExtendWrapUpAsync("anna", None));
        await Roster.EndCallAsync((await PresenceAsync("anna")).OperatorId, attempt, TimeSpan.FromSeconds(60), None);
        var wrapUp = await PresenceAsync("anna");
        var deadline = wrapUp.WrapUpDeadline!.Value;
        var historyBefore = (await HistoryAsync("anna")).Count;

        Clock.Advance(TimeSpan.FromSeconds(45));
        var once = await Roster.ExtendWrapUpAsync("anna", None);
        var twice = await Roster.ExtendWrapUpAsync("anna", None);
        var stored = await PresenceAsync("anna");
        var history = await HistoryAsync("anna");
        var enforced = await Roster.EnforceWrapUpLimitsAsync(deadline.AddSeconds(90), None);

        Assert.Multiple(() =>
        {
            Assert.That(refusedOnCall!.Message, Does.Contain("non è in post-chiamata"));
            Assert.That(once.WrapUpDeadline, Is.EqualTo(deadline + PresenceRules.WrapUpExtension));
            Assert.That(twice.WrapUpDeadline, Is.EqualTo(deadline + 2 * PresenceRules.WrapUpExtension), "as often as needed");
            Assert.That((twice.State, twice.AttemptId), Is.EqualTo((PresenceState.WrapUp, (long?)attempt)));
            Assert.That(stored.WrapUpDeadline, Is.EqualTo(deadline + 2 * PresenceRules.WrapUpExtension), "as stored");
            Assert.That(stored.Since, Is.EqualTo(wrapUp.Since), "one stretch of wrap-up: its start stays");
            Assert.That(history, Has.Count.EqualTo(historyBefore), "and no history row");
            Assert.That(enforced, Is.Zero, "the old deadline no longer pauses anna");
        });
    }

    [Test]
    public async Task Past_the_wrap_up_limit_the_operator_is_paused_for_overrun_still_owing_the_disposition()
    {
        var campaign = await CampaignAsync();
        await OperatorAsync("anna");
        await OperatorAsync("bruno");
        var attempt = await OnCallAsync("anna", campaign);
        var anna = (await PresenceAsync("anna")).OperatorId;
        await Roster.EndCallAsync(anna, attempt, TimeSpan.FromSeconds(60), None);
        var otherAttempt = await OnCallAsync("bruno", campaign);
        await Roster.EndCallAsync((await PresenceAsync("bruno")).OperatorId, otherAttempt, TimeSpan.FromSeconds(600), None);

        var early = await Roster.EnforceWrapUpLimitsAsync(Start.AddSeconds(59), None);
        var late = await Roster.EnforceWrapUpLimitsAsync(Start.AddSeconds(75), None);
        var again = await Roster.EnforceWrapUpLimitsAsync(Start.AddSeconds(80), None);
        var presence = await PresenceAsync("anna");
        var history = await HistoryAsync("anna");

        Assert.Multiple(async () =>
        {
            Assert.That(early, Is.Zero);
            Assert.That(late, Is.EqualTo(1), "only anna is past her deadline");
            Assert.That(again, Is.Zero);
            Assert.That(presence.State, Is.EqualTo(PresenceState.Paused));
            Assert.That(presence.PauseReason, Is.EqualTo(PauseReason.WrapUpOverrun));
            Assert.That(presence.Since, Is.EqualTo(Start.AddSeconds(60)), "the overrun starts at the deadline");
            Assert.That(presence.AttemptId, Is.EqualTo(attempt));
            Assert.That(presence.DispositionOwed, Is.True);
            Assert.That(history[^1], Is.EqualTo(("paused", (string?)"wrap_up_overrun", Start.UtcDateTime.AddSeconds(60))));
            Assert.That((await PresenceAsync("bruno")).State, Is.EqualTo(PresenceState.WrapUp));
            Assert.That(() => Roster.SetAvailableAsync("anna", None),
                Throws.InstanceOf<PresenceMoveRefusedException>().With.Message.Contains("prima registrare l'esito"));
            Assert.That((await Roster.PauseAsync("anna", PauseReason.Break, None)).PauseAfterCall, Is.True,
                "a pause asked while the disposition is owed applies after it (PauseAfterCallTests)");
        });
    }

    [Test]
    public async Task Time_in_each_state_is_reported_from_the_history()
    {
        var campaign = await CampaignAsync();
        await OperatorAsync("anna");
        await Roster.SignInAsync("anna", None);                             // 09:00 available
        Clock.Advance(TimeSpan.FromMinutes(10));
        await Roster.PauseAsync("anna", PauseReason.Break, None);           // 09:10 paused (break)
        Clock.Advance(TimeSpan.FromMinutes(15));
        await Roster.SetAvailableAsync("anna", None);                       // 09:25 available
        Clock.Advance(TimeSpan.FromMinutes(5));
        var attempt = await AttemptAsync(campaign);
        var reserved = (await Roster.TryReserveAsync(campaign, attempt, None))!; // 09:30 reserved
        Clock.Advance(TimeSpan.FromSeconds(30));
        await Roster.ConnectAsync(reserved.OperatorId, attempt, None);      // 09:30:30 on call
        Clock.Advance(TimeSpan.FromMinutes(4));
        await Roster.EndCallAsync(reserved.OperatorId, attempt, TimeSpan.FromMinutes(2), None); // 09:34:30 wrap-up

        var report = await Roster.TimeInStatesAsync(Start.AddMinutes(5), Start.AddMinutes(35), None);
        TimeSpan Of(PresenceState state, PauseReason? reason = null) =>
            report.Where(r => r.State == state && r.PauseReason == reason).Select(r => r.Duration).SingleOrDefault();

        Assert.Multiple(() =>
        {
            Assert.That(Of(PresenceState.Available), Is.EqualTo(TimeSpan.FromMinutes(10)), "09:05-09:10 and 09:25-09:30");
            Assert.That(Of(PresenceState.Paused, PauseReason.Break), Is.EqualTo(TimeSpan.FromMinutes(15)));
            Assert.That(Of(PresenceState.Reserved), Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(Of(PresenceState.OnCall), Is.EqualTo(TimeSpan.FromMinutes(4)));
            Assert.That(Of(PresenceState.WrapUp), Is.EqualTo(TimeSpan.FromSeconds(30)), "cut at the end of the period");
            Assert.That(report.All(r => r.Identity == "anna"), Is.True);
        });
    }
}
