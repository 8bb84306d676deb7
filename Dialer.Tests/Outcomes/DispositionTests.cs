using Dialer.Core.Dialing;
using Dialer.Core.Operators;
using Dialer.Core.Outcomes;

namespace Dialer.Tests.Outcomes;

public sealed class DispositionTests : DispositionsTest
{
    [Test]
    public async Task An_accepted_intake_writes_the_intake_and_the_appointment_frees_the_operator_and_publishes_both_events()
    {
        var result = await RecordAsync(new DispositionRequest("intake_accepted", Appointment: Appointment(channel: "video", reason: "ORI")));

        var presence = await PresenceAsync("anna");
        await using var conn = await Db.OpenConnectionAsync();
        var intake = await conn.QuerySingleAsync<(string Cf, DateTime TakenOn, string Cpi, string Source)>(
            "SELECT person_cf, taken_on, cpi_code, source FROM intakes WHERE id = @IntakeId", result);
        var appointment = await conn.QuerySingleAsync<(DateTime StartsAt, string Channel, string Mode, string Reason, bool Reminder, bool Privacy, long Operator)>(
            "SELECT starts_at, channel, contact_mode, reason, reminder_consent, privacy_notice_given, operator_id FROM appointments WHERE id = @AppointmentId", result);
        var row = await conn.QuerySingleAsync<(string Code, string? Anpal, string Disposition)>("""
            SELECT d.code, d.anpal_code, a.disposition FROM call_dispositions d JOIN call_attempts a ON a.id = d.attempt_id WHERE d.attempt_id = @Attempt
            """, new { Attempt });
        var recorded = Harness.Published.Select<DispositionRecorded>().Select(m => m.Context.Message).SingleOrDefault();
        var accepted = Harness.Published.Select<IntakeAccepted>().Select(m => m.Context.Message).SingleOrDefault();

        Assert.Multiple(() =>
        {
            Assert.That(result.Repeated, Is.False);
            Assert.That(intake, Is.EqualTo((Cf, new DateTime(2026, 11, 23), "MI_CENTRO", "dialer")));
            Assert.That(appointment, Is.EqualTo((new DateTime(2026, 11, 25, 9, 30, 0, DateTimeKind.Utc), "video", "04", "ORI", true, true, Anna)),
                "10:30 in Rome is 09:30 UTC in November");
            Assert.That(row, Is.EqualTo(("intake_accepted", (string?)"04", "intake_accepted")));
            Assert.That(presence.State, Is.EqualTo(PresenceState.Available));
            Assert.That(presence.AttemptId, Is.Null);
            Assert.That(recorded, Is.EqualTo(new DispositionRecorded(Attempt, Campaign, Anna, "intake_accepted", null, null, Start)));
            Assert.That(accepted, Is.EqualTo(new IntakeAccepted(Attempt, Campaign, Anna, "MI_CENTRO",
                new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.Zero), "video", Start)));
        });
    }

    [Test]
    public async Task A_refusal_needs_a_reason_and_keeps_its_ANPAL_code()
    {
        var missing = Assert.ThrowsAsync<DispositionValidationException>(() => RecordAsync(new DispositionRequest("refused")));
        var unknown = Assert.ThrowsAsync<DispositionValidationException>(() => RecordAsync(new DispositionRequest("refused", "stanco")));
        await RecordAsync(new DispositionRequest("refused", "retired"));

        Assert.Multiple(async () =>
        {
            Assert.That(missing!.Errors, Is.EqualTo(new[] { "reason: obbligatorio per un rifiuto, uno tra not_interested, reinstated, retired, deceased." }));
            Assert.That(unknown!.Errors[0], Does.StartWith("reason: motivo di rifiuto sconosciuto \"stanco\""));
            Assert.That(await ScalarAsync<string>("SELECT anpal_code FROM call_dispositions"), Is.EqualTo("PENSIONAM"));
            Assert.That(await ScalarAsync<string>("SELECT details->>'reason' FROM call_dispositions"), Is.EqualTo("retired"));
        });
    }

    [TestCase("wrong_number")]
    [TestCase("wrong_person")]
    public async Task A_wrong_number_or_person_flags_the_number(string code)
    {
        await RecordAsync(new DispositionRequest(code));

        await using var conn = await Db.OpenConnectionAsync();
        var flagged = await conn.QuerySingleAsync<(string Reason, long Attempt)>(
            "SELECT reason, attempt_id FROM flagged_numbers WHERE phone_e164 = @Phone", new { Phone });
        Assert.That(flagged, Is.EqualTo((code, Attempt)));
    }

    [TestCase("personal", true)]
    [TestCase("team", false)]
    public async Task A_call_back_is_written_for_the_operator_or_the_team(string scope, bool personal)
    {
        var result = await RecordAsync(new DispositionRequest("call_back", Callback: new CallbackRequest("2026-11-24T17:15", scope)));

        await using var conn = await Db.OpenConnectionAsync();
        var callback = await conn.QuerySingleAsync<(long Campaign, string Cf, string Phone, DateTime Due, long? Operator, string State)>(
            "SELECT campaign_id, person_cf, phone_e164, due_at, operator_id, state FROM callbacks WHERE id = @CallbackId", result);
        var recorded = Harness.Published.Select<DispositionRecorded>().Single().Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(callback, Is.EqualTo((Campaign, Cf, Phone, new DateTime(2026, 11, 24, 16, 15, 0, DateTimeKind.Utc),
                personal ? Anna : (long?)null, "scheduled")));
            Assert.That(recorded.CallbackAt, Is.EqualTo(new DateTimeOffset(2026, 11, 24, 16, 15, 0, TimeSpan.Zero)));
            Assert.That(recorded.CallbackOperatorId, Is.EqualTo(personal ? Anna : null));
        });
    }

    [Test]
    public async Task Do_not_call_enters_the_objection_register()
    {
        await RecordAsync(new DispositionRequest("do_not_call"));

        await using var conn = await Db.OpenConnectionAsync();
        var objection = await conn.QuerySingleAsync<(string Cf, string Phone, DateTime On, string Channel)>(
            "SELECT person_cf, phone_e164, objected_on, channel FROM objections");
        Assert.That(objection, Is.EqualTo((Cf, Phone, new DateTime(2026, 11, 23), "phone")));
    }

    [Test]
    public async Task Already_employed_records_OCCUPATO_and_frees_the_operator()
    {
        await RecordAsync(new DispositionRequest("already_employed"));

        Assert.Multiple(async () =>
        {
            Assert.That(await ScalarAsync<string>("SELECT anpal_code FROM call_dispositions"), Is.EqualTo("OCCUPATO"));
            Assert.That((await PresenceAsync("anna")).State, Is.EqualTo(PresenceState.Available));
        });
    }

    [Test]
    public async Task An_identical_repeat_is_idempotent_and_a_different_second_disposition_is_refused()
    {
        var request = new DispositionRequest("call_back", Callback: new CallbackRequest("2026-11-24T17:15", "team"));
        var first = await RecordAsync(request);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var repeat = await RecordAsync(request);
        var different = Assert.ThrowsAsync<DispositionConflictException>(() => RecordAsync(new DispositionRequest("refused", "not_interested")));
        var otherTime = Assert.ThrowsAsync<DispositionConflictException>(() =>
            RecordAsync(new DispositionRequest("call_back", Callback: new CallbackRequest("2026-11-24T18:00", "team"))));

        Assert.Multiple(async () =>
        {
            Assert.That(repeat, Is.EqualTo(first with { Repeated = true }));
            Assert.That(different!.Message, Does.Contain("ha già l'esito call_back"));
            Assert.That(otherTime, Is.Not.Null);
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM callbacks"), Is.EqualTo(1));
            Assert.That(Harness.Published.Select<DispositionRecorded>().Count(), Is.EqualTo(1), "published once");
        });
    }

    [Test]
    public async Task Only_the_operator_of_the_current_answered_call_may_record_its_disposition()
    {
        var notHers = Assert.ThrowsAsync<DispositionConflictException>(() => RecordAsync(new DispositionRequest("already_employed"), "bruno"));
        var unknownOperator = Assert.ThrowsAsync<OperatorNotFoundException>(() => RecordAsync(new DispositionRequest("already_employed"), "nessuno"));
        var unknownCall = Assert.ThrowsAsync<CallNotFoundException>(() => RecordAsync(new DispositionRequest("already_employed"), attempt: 999_999));
        await Roster.SignInAsync("bruno", CancellationToken.None);
        var ringing = await AttemptAsync(Campaign);
        await Roster.TryReserveAsync("bruno", Campaign, ringing, CancellationToken.None);
        var notAnswered = Assert.ThrowsAsync<DispositionConflictException>(() =>
            RecordAsync(new DispositionRequest("already_employed"), "bruno", ringing));

        Assert.Multiple(async () =>
        {
            Assert.That(notHers!.Message, Does.Contain("non è assegnata a bruno"));
            Assert.That(unknownOperator, Is.Not.Null);
            Assert.That(unknownCall!.Message, Does.Contain("999999"));
            Assert.That(notAnswered!.Message, Does.Contain("non ha ancora avuto risposta"));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM call_dispositions"), Is.Zero);
            Assert.That((await PresenceAsync("anna")).State, Is.EqualTo(PresenceState.OnCall));
        });
    }

    [Test]
    public async Task A_disposition_after_a_wrap_up_overrun_makes_the_operator_available_again()
    {
        await Roster.EndCallAsync(Anna, Attempt, TimeSpan.FromSeconds(30), CancellationToken.None);
        await Roster.EnforceWrapUpLimitsAsync(Start.AddMinutes(5), CancellationToken.None);
        var overrun = await PresenceAsync("anna");

        await RecordAsync(new DispositionRequest("already_employed"));

        Assert.Multiple(async () =>
        {
            Assert.That(overrun.PauseReason, Is.EqualTo(PauseReason.WrapUpOverrun));
            Assert.That((await PresenceAsync("anna")).State, Is.EqualTo(PresenceState.Available));
        });
    }

    [Test]
    public async Task An_unknown_CPI_site_is_refused_and_nothing_is_written()
    {
        var error = Assert.ThrowsAsync<DispositionValidationException>(() =>
            RecordAsync(new DispositionRequest("intake_accepted", Appointment: Appointment(cpi: "MI_NORD"))));

        Assert.Multiple(async () =>
        {
            Assert.That(error!.Errors, Is.EqualTo(new[] { "appointment.cpi: nessuna sede di CPI con codice \"MI_NORD\" (le sedi si caricano con `dialer territory apply`)." }));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM intakes"), Is.Zero);
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM call_dispositions"), Is.Zero);
            Assert.That((await PresenceAsync("anna")).State, Is.EqualTo(PresenceState.OnCall), "rolled back with the rest");
        });
    }

    [Test]
    public async Task The_engine_records_provider_outcomes_which_operators_cannot_choose()
    {
        var other = await AttemptAsync(Campaign);
        var busy = await Dispositions.RecordSystemAsync(other, "busy", CancellationToken.None);
        var again = await Dispositions.RecordSystemAsync(other, "busy", CancellationToken.None);
        var changed = Assert.ThrowsAsync<DispositionConflictException>(() => Dispositions.RecordSystemAsync(other, "machine", CancellationToken.None));
        var notSystem = Assert.ThrowsAsync<DispositionValidationException>(() => Dispositions.RecordSystemAsync(other, "refused", CancellationToken.None));
        var byOperator = Assert.ThrowsAsync<DispositionValidationException>(() => RecordAsync(new DispositionRequest("no_answer")));

        Assert.Multiple(async () =>
        {
            Assert.That(busy.Repeated, Is.False);
            Assert.That(again.Repeated, Is.True);
            Assert.That(changed, Is.Not.Null);
            Assert.That(notSystem!.Errors[0], Does.Contain("non è un esito del sistema"));
            Assert.That(byOperator!.Errors[0], Does.Contain("lo registra il sistema"));
            Assert.That(await ScalarAsync<string>("SELECT disposition FROM call_attempts WHERE id = @other", new { other }), Is.EqualTo("busy"));
        });
    }
}
