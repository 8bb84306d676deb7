using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Policy;
using static Dialer.Tests.Dialing.Policy.CallingCalendarTests;

namespace Dialer.Tests.Dialing.Policy;

public sealed class ContactPolicyTests
{
    static readonly ContactPolicy Defaults = new(new DialingSettings(), PatronDays);

    // Three attempts a day allowed, so that the retry delays, not the daily cap, decide.
    static readonly ContactPolicy ThreeADay = new(new DialingSettings { MaxAttemptsPerDay = 3 }, PatronDays);

    static readonly ContactFacts Person = new() { Comune = Monza };

    static readonly DateTimeOffset WednesdayTen = At("2026-03-11T10:00:00+01:00");

    [Test]
    public void A_fresh_contact_inside_a_window_is_dialed() =>
        Assert.That(Defaults.Decide(Person, WednesdayTen), Is.EqualTo(PolicyDecision.Dial));

    [Test]
    public void A_flagged_number_is_never_dialed() =>
        Assert.That(Defaults.Decide(Person with { NumberFlagged = true }, WednesdayTen),
            Is.EqualTo(PolicyDecision.Stop(PolicyReasons.NumberFlagged)));

    [Test]
    public void An_objection_stops_every_call_even_a_callback() =>
        Assert.That(Defaults.Decide(Person with { ObjectionActive = true, CallbackAt = WednesdayTen.AddHours(5) }, WednesdayTen),
            Is.EqualTo(PolicyDecision.Stop(PolicyReasons.Objection)));

    [Test]
    public void A_failed_call_stops_and_flags_the_number()
    {
        var decision = Defaults.Decide(Person with { LastOutcome = "failed", LastAttemptEndedAt = WednesdayTen.AddMinutes(-5), AttemptsTotal = 1 }, WednesdayTen);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Verdict, Is.EqualTo(PolicyVerdict.Stop));
            Assert.That(decision.Reason, Is.EqualTo(PolicyReasons.NumberFlagged));
            Assert.That(decision.FlagNumber, Is.True);
            Assert.That(decision.Label, Is.EqualTo("Numero segnalato come non valido"));
        });
    }

    [TestCase(3, PolicyVerdict.Dial)]
    [TestCase(4, PolicyVerdict.Stop)]
    [TestCase(7, PolicyVerdict.Stop)]
    public void The_total_cap_across_campaigns_stops_the_person(int attemptsTotal, PolicyVerdict verdict)
    {
        var decision = Defaults.Decide(Person with { AttemptsTotal = attemptsTotal }, WednesdayTen);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Verdict, Is.EqualTo(verdict));
            Assert.That(decision.Reason, verdict == PolicyVerdict.Stop ? Is.EqualTo(PolicyReasons.TotalCapReached) : Is.Null);
        });
    }

    [Test]
    public void The_daily_cap_waits_for_the_next_local_day()
    {
        var decision = Defaults.Decide(Person with { AttemptsToday = 1, AttemptsTotal = 1 }, WednesdayTen);

        Assert.That(decision, Is.EqualTo(PolicyDecision.Wait(At("2026-03-12T09:30:00+01:00"), PolicyReasons.DailyCapReached)));
    }

    [Test]
    public void A_larger_daily_cap_allows_more_calls_the_same_day() =>
        Assert.That(ThreeADay.Decide(Person with { AttemptsToday = 2, AttemptsTotal = 2 }, WednesdayTen), Is.EqualTo(PolicyDecision.Dial));

    [Test]
    public void With_the_default_daily_cap_the_binding_reason_after_a_busy_line_is_the_cap()
    {
        var facts = Person with { AttemptsToday = 1, AttemptsTotal = 1, LastOutcome = "busy", LastAttemptEndedAt = WednesdayTen };

        Assert.That(Defaults.Decide(facts, WednesdayTen.AddMinutes(5)),
            Is.EqualTo(PolicyDecision.Wait(At("2026-03-12T09:30:00+01:00"), PolicyReasons.DailyCapReached)));
    }

    // Busy: +30 minutes, then the next allowed slot.
    [TestCase("busy", "2026-03-11T10:00:00+01:00", "2026-03-11T10:30:00+01:00", Description = "busy inside the window")]
    [TestCase("busy", "2026-03-11T12:15:00+01:00", "2026-03-11T14:00:00+01:00", Description = "busy, moved to the afternoon")]
    [TestCase("busy", "2026-03-13T17:45:00+01:00", "2026-03-16T09:30:00+01:00", Description = "busy on Friday evening: Monday")]
    // No answer: the next half-day.
    [TestCase("no_answer", "2026-03-11T10:00:00+01:00", "2026-03-11T14:00:00+01:00", Description = "a morning attempt: that afternoon")]
    [TestCase("no_answer", "2026-03-11T12:29:00+01:00", "2026-03-11T14:00:00+01:00", Description = "end of the morning: that afternoon")]
    [TestCase("no_answer", "2026-03-11T15:00:00+01:00", "2026-03-12T09:30:00+01:00", Description = "an afternoon attempt: the next morning")]
    [TestCase("no_answer", "2026-03-13T15:00:00+01:00", "2026-03-16T09:30:00+01:00", Description = "Friday afternoon: Monday morning")]
    [TestCase("no_answer", "2026-03-27T15:00:00+01:00", "2026-03-30T09:30:00+02:00", Description = "across the spring switch")]
    // Answering machine: the next allowed day.
    [TestCase("machine", "2026-03-11T10:00:00+01:00", "2026-03-12T09:30:00+01:00", Description = "the next day")]
    [TestCase("machine", "2026-04-03T10:00:00+02:00", "2026-04-07T09:30:00+02:00", Description = "Friday before Easter: weekend and Easter Monday skipped")]
    [TestCase("machine", "2026-10-23T10:00:00+02:00", "2026-10-26T09:30:00+01:00", Description = "across the autumn switch")]
    public void Each_outcome_waits_its_retry_delay_then_the_next_allowed_slot(string outcome, string ended, string notBefore)
    {
        var facts = Person with { AttemptsToday = 1, AttemptsTotal = 1, LastOutcome = outcome, LastAttemptEndedAt = At(ended) };
        var reason = "retry_delay_" + outcome;

        Assert.Multiple(() =>
        {
            Assert.That(ThreeADay.Decide(facts, At(ended).AddMinutes(1)), Is.EqualTo(PolicyDecision.Wait(At(notBefore), reason)));
            Assert.That(ThreeADay.Decide(facts, At(notBefore)), Is.EqualTo(PolicyDecision.Dial), "once the delay is over");
        });
    }

    [Test]
    public void No_answer_in_one_long_window_still_waits_for_the_window_to_end()
    {
        var oneWindow = new ContactPolicy(new DialingSettings
        {
            MaxAttemptsPerDay = 3,
            Windows = [new CallingWindow { Days = [DayOfWeek.Wednesday, DayOfWeek.Thursday], From = new TimeOnly(12, 0), To = new TimeOnly(14, 0) }],
        }, PatronDays);
        var facts = Person with { AttemptsToday = 1, AttemptsTotal = 1, LastOutcome = "no_answer", LastAttemptEndedAt = At("2026-03-11T12:50:00+01:00") };

        Assert.That(oneWindow.Decide(facts, At("2026-03-11T13:30:00+01:00")),
            Is.EqualTo(PolicyDecision.Wait(At("2026-03-12T12:00:00+01:00"), PolicyReasons.RetryDelayNoAnswer)));
    }

    [TestCase("canceled")]
    [TestCase("not_placed")]
    [TestCase("answered")]
    public void Outcomes_without_a_retry_delay_leave_the_caps_and_calendar_to_decide(string outcome) =>
        Assert.That(ThreeADay.Decide(Person with { AttemptsToday = 1, AttemptsTotal = 1, LastOutcome = outcome, LastAttemptEndedAt = WednesdayTen },
            WednesdayTen.AddMinutes(1)), Is.EqualTo(PolicyDecision.Dial));

    [Test]
    public void An_abandoned_call_cools_off_for_five_days()
    {
        var facts = Person with { AttemptsTotal = 1, LastAbandonedAt = At("2026-03-09T10:00:00+01:00") };

        Assert.Multiple(() =>
        {
            // Five days after Monday 10:00 is Saturday 10:00: the next allowed slot is Monday morning.
            Assert.That(Defaults.Decide(facts, WednesdayTen), Is.EqualTo(PolicyDecision.Wait(At("2026-03-16T09:30:00+01:00"), PolicyReasons.AbandonedCoolOff)));
            Assert.That(Defaults.Decide(facts, At("2026-03-16T09:30:00+01:00")), Is.EqualTo(PolicyDecision.Dial));
        });
    }

    [Test]
    public void Outside_the_windows_the_decision_names_the_next_opening()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Defaults.Decide(Person, At("2026-03-14T10:00:00+01:00")),
                Is.EqualTo(PolicyDecision.Wait(At("2026-03-16T09:30:00+01:00"), PolicyReasons.OutsideCallingWindow)), "Saturday");
            Assert.That(Defaults.Decide(Person, At("2026-04-06T10:00:00+02:00")),
                Is.EqualTo(PolicyDecision.Wait(At("2026-04-07T09:30:00+02:00"), PolicyReasons.PublicHoliday)), "Easter Monday");
            Assert.That(Defaults.Decide(Person with { Comune = Milano }, At("2026-12-07T10:30:00+01:00")),
                Is.EqualTo(PolicyDecision.Wait(At("2026-12-09T09:30:00+01:00"), PolicyReasons.PatronSaintDay)), "Sant'Ambrogio in Milan");
            Assert.That(Defaults.Decide(Person, At("2026-12-07T10:30:00+01:00")), Is.EqualTo(PolicyDecision.Dial), "an ordinary day elsewhere");
        });
    }

    [Test]
    public void A_callback_waits_for_the_chosen_time_and_is_exempt_from_the_caps()
    {
        var facts = Person with { AttemptsToday = 1, AttemptsTotal = 4, CallbackAt = At("2026-03-11T15:15:00+01:00") };

        Assert.Multiple(() =>
        {
            Assert.That(Defaults.Decide(facts, WednesdayTen), Is.EqualTo(PolicyDecision.Wait(At("2026-03-11T15:15:00+01:00"), PolicyReasons.CallbackScheduled)));
            Assert.That(Defaults.Decide(facts, At("2026-03-11T15:16:00+01:00")), Is.EqualTo(PolicyDecision.Dial));
        });
    }

    [Test]
    public void A_callback_on_a_holiday_evening_is_still_under_the_policy()
    {
        // The person asked to be called on Easter Monday at 19:00: the next allowed slot is Tuesday morning, and the
        // decision says why the chosen time was refused.
        var facts = Person with { AttemptsTotal = 1, CallbackAt = At("2026-04-06T19:00:00+02:00") };

        Assert.That(Defaults.Decide(facts, At("2026-04-03T10:00:00+02:00")),
            Is.EqualTo(PolicyDecision.Wait(At("2026-04-07T09:30:00+02:00"), PolicyReasons.PublicHoliday)));
    }

    [Test]
    public void A_callback_in_the_evening_of_a_working_day_waits_for_the_next_window()
    {
        var facts = Person with { AttemptsTotal = 1, CallbackAt = At("2026-03-11T20:30:00+01:00") };

        Assert.That(Defaults.Decide(facts, WednesdayTen),
            Is.EqualTo(PolicyDecision.Wait(At("2026-03-12T09:30:00+01:00"), PolicyReasons.OutsideCallingWindow)));
    }

    [Test]
    public void A_callback_after_an_abandoned_call_waits_for_the_later_of_the_two()
    {
        var facts = Person with { AttemptsTotal = 1, LastAbandonedAt = At("2026-03-10T10:00:00+01:00"), CallbackAt = At("2026-03-11T15:00:00+01:00") };

        Assert.That(Defaults.Decide(facts, WednesdayTen),
            Is.EqualTo(PolicyDecision.Wait(At("2026-03-16T09:30:00+01:00"), PolicyReasons.AbandonedCoolOff)));
    }

    [Test]
    public void Bad_facts_get_a_specific_error()
    {
        var unknown = Assert.Throws<ArgumentException>(() =>
            Defaults.Decide(Person with { LastOutcome = "voicemail", LastAttemptEndedAt = WednesdayTen }, WednesdayTen));
        var noEnd = Assert.Throws<ArgumentException>(() => Defaults.Decide(Person with { LastOutcome = "busy" }, WednesdayTen));

        Assert.Multiple(() =>
        {
            Assert.That(unknown!.Message, Does.Contain("Unknown outcome \"voicemail\""));
            Assert.That(noEnd!.Message, Does.Contain("LastAttemptEndedAt is required"));
        });
    }

    [Test]
    public void Every_not_before_is_an_open_instant_in_the_future()
    {
        // A year of random situations: whatever the facts, a NotBefore is always an allowed slot after now.
        var random = new Random(20261121);
        var outcomes = new[] { null, "busy", "no_answer", "machine", "canceled", "answered" };
        var start = At("2026-01-01T00:00:00+01:00");
        var checkedWaits = 0;
        for (var i = 0; i < 3000; i++)
        {
            var now = start.AddMinutes(random.Next(0, 365 * 24 * 60));
            var outcome = outcomes[random.Next(outcomes.Length)];
            var facts = new ContactFacts
            {
                Comune = random.Next(3) == 0 ? Milano : Monza,
                AttemptsToday = random.Next(0, 3),
                AttemptsTotal = random.Next(0, 4),
                LastOutcome = outcome,
                LastAttemptEndedAt = outcome is null ? null : now.AddMinutes(-random.Next(0, 600)),
                LastAbandonedAt = random.Next(10) == 0 ? now.AddDays(-random.Next(0, 7)) : null,
                CallbackAt = random.Next(10) == 0 ? now.AddHours(random.Next(-5, 72)) : null,
            };

            var decision = ThreeADay.Decide(facts, now);

            if (decision.Verdict == PolicyVerdict.Dial) Assert.That(ThreeADay.Calendar.IsOpen(now, facts.Comune), Is.True, $"dialed while closed at {now:O}");
            if (decision.Verdict != PolicyVerdict.NotBefore) continue;
            checkedWaits++;
            Assert.That(decision.NotBefore, Is.GreaterThan(now), $"{facts} at {now:O}");
            Assert.That(ThreeADay.Calendar.IsOpen(decision.NotBefore!.Value, facts.Comune), Is.True, $"{decision} for {facts} at {now:O}");
            Assert.That(PolicyReasons.Labels.ContainsKey(decision.Reason!), Is.True);
        }
        Assert.That(checkedWaits, Is.GreaterThan(1000), "the sample must exercise waits");
    }

    [Test]
    public void Every_reason_of_the_shared_vocabulary_has_an_Italian_label()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PolicyReasons.Labels, Has.Count.EqualTo(18));
            Assert.That(PolicyReasons.Label(PolicyReasons.OutsideCallingWindow), Is.EqualTo("Fuori dalla fascia oraria di chiamata"));
            Assert.That(PolicyReasons.Labels.Values, Is.Unique);
            Assert.That(PolicyReasons.Label("something_new"), Is.EqualTo("something_new"));
        });
    }
}
