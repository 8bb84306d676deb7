using Dialer.Core.Outcomes;

namespace Dialer.Tests.Outcomes;

/// <summary>The request checks, one message per field (pure: no database).</summary>
public sealed class DispositionRulesTests
{
    /// <summary>Monday 23 November 2026, 10:00 in Rome.</summary>
    static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    static string[] Errors(DispositionRequest request) =>
        Assert.Throws<DispositionValidationException>(() => DispositionRules.Validate(request, Now))!.Errors.ToArray();

    [Test]
    public void A_missing_or_unknown_code_is_named()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Errors(new DispositionRequest(null))[0], Does.StartWith("code: obbligatorio"));
            Assert.That(Errors(new DispositionRequest("sale"))[0], Does.StartWith("code: esito sconosciuto \"sale\""));
        });
    }

    [Test]
    public void Each_missing_appointment_field_gets_its_own_error()
    {
        var errors = Errors(new DispositionRequest("intake_accepted", Appointment: new AppointmentRequest(null, null, null, null, null)));

        Assert.That(errors.Select(e => e.Split(':')[0]), Is.EqualTo(new[]
        {
            "appointment.cpi", "appointment.at", "appointment.channel", "appointment.reminderConsent", "appointment.privacyNoticeGiven",
        }));
    }

    [TestCase("2026-11-25 10:30", "non è una data e ora")]
    [TestCase("2026-11-25T10:30+01:00", "non è una data e ora")]
    [TestCase("2026-11-23T09:59", "è già passato")]
    [TestCase("2027-03-01T10:00", "oltre 90 giorni da oggi")]
    public void An_appointment_time_must_be_local_in_the_future_and_near(string at, string message)
    {
        var errors = Errors(new DispositionRequest("intake_accepted", Appointment: new AppointmentRequest("MI_CENTRO", at, "video", false, true)));

        Assert.That(errors, Has.Length.EqualTo(1).And.Some.StartsWith("appointment.at:").And.Contains(message));
    }

    [Test]
    public void Invalid_values_and_fields_that_do_not_belong_are_named()
    {
        var intake = Errors(new DispositionRequest("intake_accepted", "retired",
            new AppointmentRequest("MI CENTRO", "2026-11-25T10:30", "phone", true, false, "XYZ"), new CallbackRequest("2026-11-24T10:00", "team")));

        Assert.That(intake.Select(e => e.Split(':')[0]), Is.EqualTo(new[]
        {
            "reason", "appointment.cpi", "appointment.channel", "appointment.privacyNoticeGiven", "appointment.reason", "callback",
        }));
        Assert.That(intake[3], Does.Contain("l'informativa va letta"));
    }

    [Test]
    public void A_call_back_needs_a_time_and_a_scope()
    {
        var missing = Errors(new DispositionRequest("call_back"));
        var invalid = Errors(new DispositionRequest("call_back", Callback: new CallbackRequest("2026-12-31T10:00", "me")));

        Assert.Multiple(() =>
        {
            Assert.That(missing, Is.EqualTo(new[] { "callback: obbligatorio per call_back (at, scope)." }));
            Assert.That(invalid, Is.EqualTo(new[]
            {
                "callback.at: 2026-12-31T10:00 è oltre 30 giorni da oggi.",
                "callback.scope: \"me\" non è personal né team.",
            }));
        });
    }

    [Test]
    public void Local_times_follow_daylight_saving_time_in_Rome()
    {
        var spring = new DateTimeOffset(2027, 3, 20, 9, 0, 0, TimeSpan.Zero);
        var autumn = new DateTimeOffset(2026, 10, 20, 9, 0, 0, TimeSpan.Zero);

        var gap = Assert.Throws<DispositionValidationException>(() =>
            DispositionRules.Validate(new DispositionRequest("call_back", Callback: new CallbackRequest("2027-03-28T02:30", "team")), spring))!;
        var afterChange = DispositionRules.Validate(new DispositionRequest("call_back", Callback: new CallbackRequest("2027-03-29T10:00", "team")), spring);
        var ambiguous = DispositionRules.Validate(new DispositionRequest("call_back", Callback: new CallbackRequest("2026-10-25T02:30", "team")), autumn);
        var winter = DispositionRules.Validate(new DispositionRequest("call_back", Callback: new CallbackRequest("2026-10-26T10:00", "team")), autumn);

        Assert.Multiple(() =>
        {
            Assert.That(gap.Errors[0], Does.Contain("non esiste in Italia"));
            Assert.That(afterChange.Callback!.DueAt, Is.EqualTo(new DateTimeOffset(2027, 3, 29, 8, 0, 0, TimeSpan.Zero)), "summer time: UTC+2");
            Assert.That(ambiguous.Callback!.DueAt, Is.EqualTo(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero)), "the first 02:30, summer time");
            Assert.That(winter.Callback!.DueAt, Is.EqualTo(new DateTimeOffset(2026, 10, 26, 9, 0, 0, TimeSpan.Zero)), "winter time: UTC+1");
        });
    }
}
