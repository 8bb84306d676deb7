using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Dialer.Core.Operators;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Operators;

/// <summary>Operators and calls over real HTTP (the API on Kestrel) against the test database.</summary>
public sealed class OperatorsApiTests : OperatorsTest
{
    [Test]
    public async Task Operators_are_created_and_moved_through_the_API_with_specific_status_codes()
    {
        using var app = new DialerApp();
        var http = await app.AdminAsync();
        var anna = await app.OperatorAsync("anna");
        var nessuno = await app.OperatorAsync("nessuno");

        var created = await http.PutAsJsonAsync("/api/operators/anna", new { name = "Anna Rossi", cpi = "MI_CENTRO" });
        var updated = await http.PutAsJsonAsync("/api/operators/anna", new { name = "Anna Rossi", phone = "+39 347 1234567" });
        var invalid = await http.PutAsJsonAsync("/api/operators/anna%20rossi", new { name = "" });
        var availableFirst = await anna.PostAsync("/api/me/available", null);
        var signIn = await anna.PostAsync("/api/me/sign-in", null);
        var badPause = await anna.PostAsJsonAsync("/api/me/pause", new { reason = "caffè" });
        var systemPause = await anna.PostAsJsonAsync("/api/me/pause", new { reason = "wrap_up_overrun" });
        var pause = await anna.PostAsJsonAsync("/api/me/pause", new { reason = "back_office" });
        var unknown = await nessuno.PostAsync("/api/me/sign-in", null);
        var me = await anna.GetFromJsonAsync<JsonElement>("/api/me");
        var one = await http.GetFromJsonAsync<JsonElement>("/api/operators/anna");
        var roster = await http.GetFromJsonAsync<JsonElement>("/api/operators");
        var missing = await http.GetAsync("/api/operators/nessuno");
        var reasons = await http.GetFromJsonAsync<JsonElement>("/api/pause-reasons");
        await Task.Delay(50);
        var report = await http.GetFromJsonAsync<JsonElement>("/api/presence-report");
        var badPeriod = await http.GetAsync("/api/presence-report?from=2026-11-23T10:00:00Z&to=2026-11-23T09:00:00Z");

        var conflict = await availableFirst.Content.ReadFromJsonAsync<JsonElement>();
        var validation = await invalid.Content.ReadFromJsonAsync<JsonElement>();
        var paused = await pause.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Multiple(async () =>
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(updated.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(validation.GetProperty("errors").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "identity", "name" }));
            Assert.That(availableFirst.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(availableFirst.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(conflict.GetProperty("detail").GetString(), Does.Contain("prima entrare in servizio"));
            Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(badPause.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await badPause.Content.ReadAsStringAsync()), Does.Contain("motivo di pausa sconosciuto"));
            Assert.That(systemPause.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(paused.GetProperty("state").GetString(), Is.EqualTo("paused"));
            Assert.That(paused.GetProperty("pauseReason").GetString(), Is.EqualTo("back_office"));
            Assert.That(paused.GetProperty("pauseLabel").GetString(), Is.EqualTo("Back office"));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(one.GetProperty("operator").GetProperty("phoneE164").GetString(), Is.EqualTo("+393471234567"));
            Assert.That(one.GetProperty("presence").GetProperty("state").GetString(), Is.EqualTo("paused"));
            Assert.That(me.GetProperty("operator").GetProperty("identity").GetString(), Is.EqualTo("anna"));
            Assert.That(roster.GetArrayLength(), Is.EqualTo(1));
            Assert.That(roster[0].GetProperty("since").GetDateTimeOffset(), Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5)));
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(report.EnumerateArray().Select(r => (r.GetProperty("identity").GetString(), r.GetProperty("state").GetString())),
                Is.EquivalentTo(new[] { ("anna", "available"), ("anna", "paused") }));
            Assert.That(badPeriod.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(reasons.EnumerateArray().Select(r => r.GetProperty("label").GetString()), Does.Contain("Fine turno").And.Not.Contains("Tempo di post-chiamata superato"));
        });
    }

    [Test]
    public async Task A_disposition_is_recorded_over_HTTP_and_the_call_shows_it_without_the_full_number()
    {
        using var app = new DialerApp();
        var admin = await app.AdminAsync();
        var http = await app.OperatorAsync("anna");
        var campaign = await CampaignAsync();
        await admin.PutAsJsonAsync("/api/operators/anna", new { name = "Anna Rossi" });
        await http.PostAsync("/api/me/sign-in", null);
        var attempt = await AttemptAsync(campaign);
        var roster = app.Services.GetRequiredService<OperatorRoster>();
        var reserved = (await roster.TryReserveAsync(campaign, attempt, CancellationToken.None))!;
        await roster.ConnectAsync(reserved.OperatorId, attempt, CancellationToken.None);
        var busy = await http.PostAsync("/api/me/available", null);

        var catalogue = await http.GetFromJsonAsync<JsonElement>("/api/dispositions");
        var notAnOperator = await admin.PostAsJsonAsync($"/api/calls/{attempt}/disposition", new { code = "refused", reason = "retired" });
        var otherOperator = await (await app.OperatorAsync("bruno")).GetAsync($"/api/calls/{attempt}");
        var invalid = await http.PostAsJsonAsync($"/api/calls/{attempt}/disposition", new { code = "refused" });
        var unknownCall = await http.PostAsJsonAsync("/api/calls/424242/disposition", new { code = "already_employed" });
        var recorded = await http.PostAsJsonAsync($"/api/calls/{attempt}/disposition", new { code = "refused", reason = "retired" });
        var repeated = await http.PostAsJsonAsync($"/api/calls/{attempt}/disposition", new { code = "refused", reason = "retired" });
        var different = await http.PostAsJsonAsync($"/api/calls/{attempt}/disposition", new { code = "wrong_number" });
        var call = await http.GetFromJsonAsync<JsonElement>($"/api/calls/{attempt}");
        var missingCall = await http.GetAsync("/api/calls/424242");
        var presence = await http.GetFromJsonAsync<JsonElement>("/api/me");
        var supervisorView = await (await app.ClientAsync("sara", Dialer.Core.Accounts.UserRole.Supervisor)).GetAsync($"/api/calls/{attempt}");

        var codes = catalogue.GetProperty("dispositions").EnumerateArray().ToDictionary(d => d.GetProperty("code").GetString()!, d => d);
        var invalidBody = await invalid.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Multiple(async () =>
        {
            Assert.That(busy.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "on a call");
            Assert.That(codes.Keys, Is.EquivalentTo(new[] { "intake_accepted", "refused", "already_employed", "wrong_person", "wrong_number",
                "call_back", "do_not_call", "no_answer", "busy", "machine", "failed" }));
            Assert.That(codes["already_employed"].GetProperty("label").GetString(), Is.EqualTo("Già occupato"));
            Assert.That(codes["already_employed"].GetProperty("anpalCode").GetString(), Is.EqualTo("OCCUPATO"));
            Assert.That(catalogue.GetProperty("refusalReasons").EnumerateArray().Select(r => r.GetProperty("anpalCode").GetString()),
                Is.EqualTo(new[] { "RIFIUTO", "REINTEGRA", "PENSIONAM", "DECESSO" }));
            Assert.That(notAnOperator.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "only an operator records a disposition");
            Assert.That(otherOperator.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another operator's call");
            Assert.That(supervisorView.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(invalidBody.GetProperty("errors").GetProperty("reason")[0].GetString(), Does.StartWith("reason: obbligatorio per un rifiuto"));
            Assert.That(unknownCall.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(recorded.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await recorded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("repeated").GetBoolean(), Is.False);
            Assert.That(repeated.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await repeated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("repeated").GetBoolean(), Is.True);
            Assert.That(different.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(call.GetProperty("disposition").GetProperty("code").GetString(), Is.EqualTo("refused"));
            Assert.That(call.GetProperty("disposition").GetProperty("anpalCode").GetString(), Is.EqualTo("PENSIONAM"));
            Assert.That(call.GetProperty("disposition").GetProperty("label").GetString(), Is.EqualTo("Rifiuta"));
            Assert.That(call.GetProperty("operator").GetString(), Is.EqualTo("anna"));
            Assert.That(call.GetProperty("phoneMasked").GetString(), Is.EqualTo("+39•••••••567"));
            Assert.That(call.ToString(), Does.Not.Contain("RSSMRA80A01F205X").And.Not.Contain("3471234567"));
            Assert.That(missingCall.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(presence.GetProperty("presence").GetProperty("state").GetString(), Is.EqualTo("available"));
        });
    }
}

public sealed class OperatorsApiInProductionTests
{
    [Test]
    public async Task In_production_operator_routes_answer_a_signed_in_operator_and_refuse_anyone_else()
    {
        using var app = new DialerApp(settings: new Dictionary<string, string?>(ProductionTelephony.Settings) { ["environment"] = "Production" });
        var admin = await app.AdminAsync();
        await admin.PutAsJsonAsync("/api/operators/anna", new { name = "Anna Rossi" });
        var anna = await app.OperatorAsync("anna");

        var anonymous = await app.Client.PostAsync("/api/me/sign-in", null);
        var asAdmin = await admin.PostAsync("/api/me/sign-in", null);
        var signIn = await anna.PostAsync("/api/me/sign-in", null);
        var roster = await anna.GetAsync("/api/operators");

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(asAdmin.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(roster.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "the roster is for supervisors");
        });
    }
}
