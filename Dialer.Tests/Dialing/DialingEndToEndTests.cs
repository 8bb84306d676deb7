using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Dialing;
using Dialer.Core.Outcomes;
using Dialer.Worker.Dialing;
using Dialer.Worker.Telephony.Emulator;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Dialing;

/// <summary>
/// Both modes end to end: the dialing loop (or the preview endpoints) places calls through the Twilio emulator, which
/// calls our webhooks back; operators are driven through the API, as the console will.
/// </summary>
public sealed class DialingEndToEndTests : DatabaseTest
{
    DialingRig rig = null!;

    [TearDown]
    public async Task StopAsync()
    {
        if (rig is not null) await rig.DisposeAsync();
    }


    [Test]
    public async Task Progressive_mode_calls_one_person_per_available_operator_connects_them_and_waits_for_the_disposition()
    {
        rig = await DialingRig.StartAsync();
        var campaign = await rig.CampaignAsync();
        var phones = await rig.EnqueueAsync(campaign, 3);
        await rig.OperatorsAsync("anna", "bruno");
        await rig.StartWorkerAsync();

        // Two operators, so two calls; each ends with its operator in wrap-up, owing a disposition.
        Assert.That(await Eventually.TrueAsync(async () => (await DialingRig.AttemptsAsync()).Count(a => a.State == "ended") == 2
            && await DialingRig.PresenceAsync("anna") == "wrap_up" && await DialingRig.PresenceAsync("bruno") == "wrap_up", TimeSpan.FromSeconds(30)), Is.True);
        await Task.Delay(1500);
        var whileInWrapUp = await DialingRig.AttemptsAsync();
        Assert.That(whileInWrapUp, Has.Count.EqualTo(2), "nobody is rung while no operator is available");

        foreach (var a in whileInWrapUp)
        {
            var identity = await IdentityAsync(a.OperatorId!.Value);
            var response = await rig.DisposeCallAsync(a.Id, identity, new { Code = "already_employed" });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        }
        Assert.That(await Eventually.TrueAsync(async () => (await DialingRig.AttemptsAsync()).Count(a => a.State == "ended") == 3, TimeSpan.FromSeconds(30)), Is.True);

        var attempts = await DialingRig.AttemptsAsync();
        Assert.Multiple(() =>
        {
            Assert.That(rig.PeopleCalled(), Is.EquivalentTo(phones), "each person rung exactly once");
            Assert.That(attempts.Select(a => a.Outcome), Has.All.EqualTo(ProviderOutcomes.Answered));
            Assert.That(attempts.Select(a => a.Abandoned), Has.All.False, "progressive mode reserves the operator first: nothing abandoned");
            Assert.That(attempts.Select(a => a.OperatorId), Has.All.Not.Null);
        });

        // The diagnostics count finished contacts by the operator's disposition, or "answered" while it is still owed.
        Assert.That(await Eventually.TrueAsync(async () =>
        {
            var d = await rig.Services.GetRequiredService<DialingDiagnostics>().ForAsync("donne-milano", default);
            return d!.Finished.Any(f => f.Code == "already_employed" && f.Count == 2) && d.Finished.Any(f => f.Code == "answered" && f.Count == 1);
        }, TimeSpan.FromSeconds(10)), Is.True);
    }

    static async Task<long> HeldCountAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.QuerySingleAsync<long>("SELECT count(*) FROM call_queue WHERE hold_reason IS NOT NULL AND state = 'queued'");
    }

    static async Task<string> IdentityAsync(long operatorId)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.QuerySingleAsync<string>("SELECT identity FROM operators WHERE id = @operatorId", new { operatorId });
    }

    [Test]
    public async Task Two_workers_on_one_database_ring_nobody_twice()
    {
        // Everyone is busy: each person gets exactly one attempt (the retry is 30 minutes later, and the clock stands still).
        rig = await DialingRig.StartAsync(new CallProfile { Busy = 1, Ring = new(1, 2) });
        var campaign = await rig.CampaignAsync();
        var phones = await rig.EnqueueAsync(campaign, 24);
        await rig.OperatorsAsync("op1", "op2", "op3", "op4");
        await rig.StartWorkerAsync();
        await rig.StartWorkerAsync();

        Assert.That(await Eventually.TrueAsync(async () => (await DialingRig.AttemptsAsync()).Count(a => a.State == "ended") == 24
            && await HeldCountAsync() == 24, TimeSpan.FromSeconds(60)), Is.True);
        await Task.Delay(1500);

        var attempts = await DialingRig.AttemptsAsync();
        Assert.Multiple(() =>
        {
            Assert.That(rig.PeopleCalled(), Is.EquivalentTo(phones), "every person rung, none twice, by two workers together");
            Assert.That(attempts, Has.Count.EqualTo(24));
            Assert.That(attempts.Select(a => a.Outcome), Has.All.EqualTo(ProviderOutcomes.Busy));
        });
        await using var conn = await Db.OpenConnectionAsync();
        var reasons = (await conn.QueryAsync<string>("SELECT hold_reason FROM call_queue")).ToList();
        // Busy would be retried in 30 minutes, but the daily cap (1) binds: tomorrow, and that is the reason recorded.
        Assert.That(reasons, Has.All.EqualTo("daily_cap_reached"), "each contact waits, with the binding reason recorded");
    }

    [Test]
    public async Task A_crashed_workers_claim_comes_back_when_its_lease_ends_and_the_person_is_rung_once()
    {
        rig = await DialingRig.StartAsync();
        var campaign = await rig.CampaignAsync();
        var phones = await rig.EnqueueAsync(campaign, 1);
        await rig.OperatorsAsync("anna");
        // A worker claimed the contact and died before dialing.
        var queue = rig.Services.GetRequiredService<CallQueue>();
        var claimed = await queue.ClaimAsync(new ClaimRequest(campaign, "crashed-worker", 1, TimeSpan.FromMinutes(2)), default);
        Assert.That(claimed, Has.Count.EqualTo(1));

        var worker = await rig.StartWorkerAsync();
        var placedEvents = EventLog.Attach(worker.Services);
        await Task.Delay(2500);
        Assert.That(rig.PeopleCalled(), Is.Empty, "the lease still holds");

        rig.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.That(await Eventually.TrueAsync(async () => (await DialingRig.AttemptsAsync()).Any(a => a.State == "ended"), TimeSpan.FromSeconds(30)), Is.True);
        var attempt = (await DialingRig.AttemptsAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(rig.PeopleCalled(), Is.EqualTo(phones));
            Assert.That(placedEvents.Of<CallPlaced>().Select(e => (e.AttemptId, e.CallSid)), Is.EqualTo(new[] { (attempt.Id, attempt.CallSid!) }),
                "the worker that placed the call published CallPlaced");
        });
    }

    [Test]
    public async Task Outside_the_calling_window_nobody_is_rung_and_the_diagnostics_say_why()
    {
        rig = await DialingRig.StartAsync();
        rig.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 14, 10, 0, 0, TimeSpan.Zero));   // a Saturday
        var campaign = await rig.CampaignAsync();
        await rig.EnqueueAsync(campaign, 5);
        await rig.OperatorsAsync("anna");
        await rig.StartWorkerAsync();
        await Task.Delay(2500);

        var diagnostics = await rig.Client.GetFromJsonAsync<JsonElement>("/api/campaigns/donne-milano/diagnostics");
        var blocking = diagnostics.GetProperty("blocking").EnumerateArray().ToList();
        var printed = new StringWriter();
        DialingCommands.Print((await rig.Services.GetRequiredService<DialingDiagnostics>().ForAsync("donne-milano", default))!, printed);
        Assert.Multiple(() =>
        {
            Assert.That(rig.PeopleCalled(), Is.Empty);
            Assert.That(diagnostics.GetProperty("dialingNow").GetBoolean(), Is.False);
            Assert.That(blocking.Select(b => b.GetProperty("code").GetString()), Does.Contain("outside_calling_window"));
            Assert.That(blocking.Single(b => b.GetProperty("code").GetString() == "outside_calling_window").GetProperty("count").GetInt64(), Is.EqualTo(5));
            Assert.That(diagnostics.GetProperty("nextOpening").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2026, 3, 16, 8, 30, 0, TimeSpan.Zero)),
                "Monday 09:30 in Rome");
            Assert.That(printed.ToString(), Does.Contain("Cosa ferma la campagna").And.Contain("(outside_calling_window): 5 contatti"));
        });
    }

    [Test]
    public async Task Preview_mode_shows_the_person_then_calls_on_request_and_a_skip_rings_nobody()
    {
        rig = await DialingRig.StartAsync();
        var campaign = await rig.CampaignAsync("preview");
        var phones = await rig.EnqueueAsync(campaign, 2);
        await rig.OperatorsAsync("carla");

        var carla = await rig.OperatorAsync("carla");
        var first = await carla.PostAsync("/api/me/preview/next", null);
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK), await first.Content.ReadAsStringAsync());
        var card = await first.Content.ReadFromJsonAsync<JsonElement>();
        var attemptId = card.GetProperty("attemptId").GetInt64();
        Assert.Multiple(async () =>
        {
            Assert.That(card.GetProperty("phoneMasked").GetString(), Does.StartWith("+39 347").And.Contain("•"));
            Assert.That(card.GetProperty("script").GetString(), Does.Contain("art. 14"));
            Assert.That(rig.PeopleCalled(), Is.Empty, "nobody is rung before the operator presses Call");
            Assert.That(await DialingRig.PresenceAsync("carla"), Is.EqualTo("reserved"));
        });

        var call = await carla.PostAsync($"/api/calls/{attemptId}/call", null);
        Assert.That(call.StatusCode, Is.EqualTo(HttpStatusCode.OK), await call.Content.ReadAsStringAsync());
        var again = await carla.PostAsync($"/api/calls/{attemptId}/call", null);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "a second Call for the same preview never rings again");
        Assert.That(await Eventually.TrueAsync(async () => await DialingRig.PresenceAsync("carla") == "wrap_up", TimeSpan.FromSeconds(30)), Is.True);
        var disposed = await rig.DisposeCallAsync(attemptId, "carla", new { Code = "already_employed" });
        Assert.That(disposed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await disposed.Content.ReadAsStringAsync());

        var second = await carla.PostAsync("/api/me/preview/next", null);
        var secondId = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("attemptId").GetInt64();
        var skip = await carla.PostAsJsonAsync($"/api/calls/{secondId}/skip", new { Reason = "later" });
        var badSkip = await carla.PostAsJsonAsync($"/api/calls/{secondId}/skip", new { Reason = "boh" });
        var none = await carla.PostAsync("/api/me/preview/next", null);

        await using var conn = await Db.OpenConnectionAsync();
        var held = await conn.QuerySingleAsync<string>("SELECT hold_reason FROM call_queue WHERE phone_e164 = @phone", new { phone = phones[1] });
        Assert.Multiple(async () =>
        {
            Assert.That(skip.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(badSkip.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "the skipped person comes back tomorrow, the other is done");
            Assert.That(rig.PeopleCalled(), Is.EqualTo(new[] { phones[0] }), "only the person the operator chose to call was rung");
            Assert.That(held, Is.EqualTo("skipped_by_operator"));
            Assert.That(await DialingRig.PresenceAsync("carla"), Is.EqualTo("available"));
        });
    }

    [Test]
    public async Task A_personal_call_back_reopens_the_contact_at_the_chosen_time_and_rings_the_same_operator_despite_the_daily_cap()
    {
        rig = await DialingRig.StartAsync();
        var campaign = await rig.CampaignAsync();
        var phones = await rig.EnqueueAsync(campaign, 1);
        await rig.OperatorsAsync("anna", "bruno");
        var events = EventLog.Attach(rig.Services);
        await rig.StartWorkerAsync();

        Assert.That(await Eventually.TrueAsync(async () => (await DialingRig.AttemptsAsync()).Any(a => a.State == "ended")
            && (await DialingRig.AttemptsAsync()).Single().OperatorId is { } op && await DialingRig.PresenceAsync(await IdentityAsync(op)) == "wrap_up", TimeSpan.FromSeconds(30)), Is.True);
        var first = (await DialingRig.AttemptsAsync()).Single();
        var identity = await IdentityAsync(first.OperatorId!.Value);
        // 10:00 now; the person asks to be called back at 15:00 (Rome), by the same operator.
        var disposed = await rig.DisposeCallAsync(first.Id, identity,
            new { Code = "call_back", Callback = new { At = "2026-03-10T15:00", Scope = "personal" } });
        Assert.That(disposed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await disposed.Content.ReadAsStringAsync());

        await using var conn = await Db.OpenConnectionAsync();
        Assert.That(await Eventually.TrueAsync(async () =>
            await conn.QuerySingleAsync<string?>("SELECT hold_reason FROM call_queue") == "callback_scheduled", TimeSpan.FromSeconds(15)), Is.True);
        var due = await conn.QuerySingleAsync<DateTime>("SELECT due_at FROM call_queue");
        await Task.Delay(1500);
        Assert.That((await DialingRig.AttemptsAsync()).Count, Is.EqualTo(1), "nobody is rung before the time the person chose");

        rig.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 10, 14, 0, 30, TimeSpan.Zero));
        Assert.That(await Eventually.TrueAsync(async () => (await DialingRig.AttemptsAsync()).Count(a => a.State == "ended") == 2, TimeSpan.FromSeconds(30)), Is.True);
        var second = (await DialingRig.AttemptsAsync())[1];
        var callbackState = await conn.QuerySingleAsync<string>("SELECT state FROM callbacks");
        Assert.Multiple(() =>
        {
            Assert.That(due, Is.EqualTo(new DateTime(2026, 3, 10, 14, 0, 0, DateTimeKind.Utc)), "15:00 in Rome");
            Assert.That(rig.PeopleCalled(), Is.EqualTo(new[] { phones[0], phones[0] }));
            Assert.That(second.IsCallback, Is.True);
            Assert.That(second.OperatorId, Is.EqualTo(first.OperatorId), "a personal call-back goes to the operator the person spoke to");
            Assert.That(callbackState, Is.EqualTo("done"));
            Assert.That(events.Of<CallPlaced>(), Has.Count.EqualTo(0), "CallPlaced is published by the worker, not the API");
            Assert.That(events.Of<CallAnswered>().Select(e => e.AttemptId), Is.EquivalentTo(new[] { first.Id, second.Id }));
            Assert.That(events.Of<DispositionRecorded>().Single().CallbackAt, Is.EqualTo(new DateTimeOffset(2026, 3, 10, 14, 0, 0, TimeSpan.Zero)));
        });
    }

    [Test]
    public async Task An_answering_machine_is_hung_up_on_frees_the_operator_and_is_retried_another_day()
    {
        rig = await DialingRig.StartAsync(new CallProfile { Machine = 1, Ring = new(1, 2), Talk = new(60, 80), Detection = new(1, 2) });
        var campaign = await rig.CampaignAsync();
        await rig.EnqueueAsync(campaign, 1);
        await rig.OperatorsAsync("anna");
        var events = EventLog.Attach(rig.Services);
        await rig.StartWorkerAsync();

        // CallCompleted is published once everything about the outcome is durable.
        Assert.That(await Eventually.TrueAsync(() => events.Of<CallCompleted>().Count == 1, TimeSpan.FromSeconds(30)), Is.True);
        var attempt = (await DialingRig.AttemptsAsync()).Single();
        await using var conn = await Db.OpenConnectionAsync();
        var queued = await conn.QuerySingleAsync<(string State, DateTime DueAt)>("SELECT state AS State, due_at AS DueAt FROM call_queue");
        Assert.Multiple(async () =>
        {
            Assert.That(attempt.Outcome, Is.EqualTo(ProviderOutcomes.Machine));
            Assert.That(attempt.Disposition, Is.EqualTo("machine"), "the provider outcome is recorded as the system disposition");
            Assert.That(await DialingRig.PresenceAsync("anna"), Is.EqualTo("available"), "no disposition is owed for a machine");
            Assert.That(queued.State, Is.EqualTo("queued"));
            Assert.That(queued.DueAt, Is.EqualTo(new DateTime(2026, 3, 11, 8, 30, 0, DateTimeKind.Utc)), "the next day at 09:30 in Rome");
            Assert.That(events.Of<CallCompleted>().Single().Outcome, Is.EqualTo(ProviderOutcomes.Machine));
        });
    }

    [Test]
    public async Task A_create_that_fails_is_reconciled_not_resent_and_the_contact_waits_a_quarter_of_an_hour()
    {
        rig = await DialingRig.StartAsync();
        var campaign = await rig.CampaignAsync();
        await rig.EnqueueAsync(campaign, 1);
        await rig.OperatorsAsync("anna");
        // A 500 with nothing created: ambiguous for the client, so it is reconciled (nothing found), never sent again.
        rig.Emulator.Emulator.InjectFault(new CreateFault(CreateFaultKind.ServerError));
        await rig.StartWorkerAsync();

        Assert.That(await Eventually.TrueAsync(async () => (await DialingRig.AttemptsAsync()).Any(a => a.State == "not_placed")
            && await HeldCountAsync() == 1, TimeSpan.FromSeconds(30)), Is.True);
        await Task.Delay(1500);
        await using var conn = await Db.OpenConnectionAsync();
        var queued = await conn.QuerySingleAsync<(string Reason, DateTime DueAt)>("SELECT hold_reason AS Reason, due_at AS DueAt FROM call_queue");
        Assert.Multiple(async () =>
        {
            Assert.That(rig.PeopleCalled(), Is.Empty, "nothing was created, and nothing was sent again");
            Assert.That(await DialingRig.AttemptsAsync(), Has.Count.EqualTo(1), "no second attempt while the contact waits");
            Assert.That(await DialingRig.PresenceAsync("anna"), Is.EqualTo("available"));
            Assert.That(queued.Reason, Is.EqualTo("not_placed_reconciled"), "#12: telephony was never paused");
            Assert.That(queued.DueAt, Is.EqualTo(DialingRig.Morning.UtcDateTime + AttemptSettlement.NotPlacedRetry));
        });
    }

    [Test]
    public async Task A_preview_left_on_screen_past_its_lease_is_closed_and_the_operator_freed()
    {
        rig = await DialingRig.StartAsync();
        var campaign = await rig.CampaignAsync("preview");
        await rig.EnqueueAsync(campaign, 1);
        await rig.OperatorsAsync("carla");
        var shown = await (await rig.OperatorAsync("carla")).PostAsync("/api/me/preview/next", null);
        Assert.That(shown.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await DialingRig.PresenceAsync("carla"), Is.EqualTo("reserved"));

        rig.Clock.Advance(TimeSpan.FromMinutes(11));
        await rig.StartWorkerAsync();

        Assert.That(await Eventually.TrueAsync(async () => await DialingRig.PresenceAsync("carla") == "available", TimeSpan.FromSeconds(15)), Is.True);
        var again = await (await rig.OperatorAsync("carla")).PostAsync("/api/me/preview/next", null);
        Assert.Multiple(async () =>
        {
            Assert.That((await DialingRig.AttemptsAsync())[0].Outcome, Is.EqualTo("skipped"));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the contact came back with its lease and can be shown again");
            Assert.That(rig.PeopleCalled(), Is.Empty);
        });
    }

    [Test]
    public async Task A_contact_whose_list_entry_expired_while_queued_is_not_rung()
    {
        rig = await DialingRig.StartAsync();
        var campaign = await rig.CampaignAsync();
        await rig.OperatorsAsync("anna");
        await using var conn = await Db.OpenConnectionAsync();
        // Two people selected on 1 February; one entry expired yesterday (9 March), the other expires tomorrow.
        var entries = (await conn.QueryAsync<long>("""
            INSERT INTO contact_list_entries (campaign_id, person_cf, selected_on, priority, expires_on, state)
            VALUES (@campaign, 'PRSNEXPIRED0', '2026-02-01', 1, '2026-03-09', 'in_progress'),
                   (@campaign, 'PRSNCURRENT0', '2026-02-01', 2, '2026-03-11', 'in_progress')
            RETURNING id
            """, new { campaign })).ToList();
        await rig.Services.GetRequiredService<CallQueue>().EnqueueAsync(
        [
            new QueueEntry(campaign, "PRSNEXPIRED0", "+393470000001", "F205", 1, DialingRig.Morning.AddMinutes(-1), entries[0]),
            new QueueEntry(campaign, "PRSNCURRENT0", "+393470000002", "F205", 2, DialingRig.Morning.AddMinutes(-1), entries[1]),
        ], default);
        await rig.StartWorkerAsync();

        Assert.That(await Eventually.TrueAsync(async () => (await DialingRig.AttemptsAsync()).Any(a => a.State == "ended"), TimeSpan.FromSeconds(30)), Is.True);
        var expired = await conn.QuerySingleAsync<(string Queue, string? Reason, string Entry)>("""
            SELECT q.state AS Queue, q.finished_reason AS Reason, e.state AS Entry
            FROM   call_queue q JOIN contact_list_entries e ON e.id = q.contact_list_entry_id
            WHERE  q.person_cf = 'PRSNEXPIRED0'
            """);
        Assert.Multiple(() =>
        {
            Assert.That(rig.PeopleCalled(), Is.EqualTo(new[] { "+393470000002" }));
            Assert.That(expired, Is.EqualTo(("done", (string?)"contact_expired", "expired")));
        });
    }
}
