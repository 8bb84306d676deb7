using System.Net;
using System.Text.RegularExpressions;
using Dialer.Core.Accounts;
using Dialer.Core.Operators;
using Dialer.Core.Selection;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.OperatorConsole;

/// <summary>
/// The operator console over real HTTP, signed in with the cookie the way a browser is (POST /api/session): each state
/// renders what docs/console.md says, only operators reach it, and the outcome form (without JavaScript: a plain POST
/// with its antiforgery token) shows the Italian messages tied to their fields, or records the disposition.
/// </summary>
public sealed class ConsolePageTests : DatabaseTest
{
    DialerApp app = null!;
    OperatorRoster roster = null!;
    long campaignId;

    const string Cf = "RSSMRA80A41F205X";

    [SetUp]
    public async Task StartAsync()
    {
        app = new DialerApp();
        roster = app.Services.GetRequiredService<OperatorRoster>();
        await using var conn = await Db.OpenConnectionAsync();
        campaignId = await conn.ExecuteScalarAsync<long>("""
            INSERT INTO campaigns (slug, name, active, caller_id, definition)
            VALUES ('cob23', 'Donne 30-44 Milano', true, '+390277404040', '{}') RETURNING id
            """);
        await conn.ExecuteAsync("""
            INSERT INTO cpi_offices (code, name) VALUES ('MI_CENTRO', 'CPI Milano Centro'), ('MI_SUD', 'CPI Milano Sud');
            INSERT INTO cpi_comuni (cpi_code, comune_code) VALUES ('MI_CENTRO', 'F205');
            INSERT INTO people (cf, provisional, sex, birth_on, surname, name, domicile_comune, last_end_on, last_contract_type)
            VALUES (@Cf, false, 'F', '1980-01-01', 'ROSSI', 'MARIA', 'F205', current_date - 200, 'A.02.00');
            INSERT INTO employment_spells (person_cf, employer_cf, start_on, employer_name, contract_type, hired, planned_end_on)
            VALUES (@Cf, '01234567890', current_date - 400, 'Bottega Srl', 'A.02.00', true, current_date - 200);
            """, new { Cf });
        await app.Services.GetRequiredService<OperatorDirectory>().SaveAsync(new OperatorProfile("anna", "Anna Bianchi", "MI_SUD"), default);
    }

    [TearDown]
    public void StopApi() => app.Dispose();

    [Test]
    public async Task An_operator_signed_out_then_waiting_sees_what_to_do_now_and_the_presence_as_text()
    {
        using var anna = await SignedInAsync("anna", UserRole.Operator);
        var signedOut = await PageAsync(anna);
        await roster.SignInAsync("anna", default);
        var waiting = await PageAsync(anna);

        Assert.Multiple(() =>
        {
            Assert.That(H1(signedOut), Is.EqualTo("Non sei in servizio"));
            Assert.That(signedOut, Does.Contain("Entra in servizio"));
            Assert.That(H1(waiting), Is.EqualTo("In attesa della prossima persona"));
            Assert.That(Text(waiting), Does.Contain("Stato: Disponibile da meno di un minuto"));
            Assert.That(waiting, Does.Contain("Prossima persona").And.Contain("Motivo della pausa").And.Contain("Termina il turno"));
            Assert.That(waiting, Does.Contain("name=\"csrf-token\""), "the page's API calls need the antiforgery token");
            Assert.That(waiting, Does.Match("id=\"annuncio\"[^>]*role=\"status\""), "the polite live region is there from the start");
            Assert.That(waiting, Does.Match("id=\"annuncio-urgente\"[^>]*aria-live=\"assertive\""));
            Assert.That(Regex.Matches(waiting, "<(header|main|section|aside) id=\"([^\"]+)\"").Select(m => $"{m.Groups[1].Value}#{m.Groups[2].Value}"),
                Is.EqualTo(new[] { "header#regione-presenza", "main#principale", "section#regione-copione", "section#regione-esito", "aside#regione-personale" }),
                "the five regions in reading order");
        });
    }

    [Test]
    public async Task The_comune_is_shown_by_its_name_once_the_territory_file_gives_it()
    {
        using var anna = await SignedInAsync("anna", UserRole.Operator);
        await roster.SignInAsync("anna", default);
        await ReservedAsync("preview");
        var before = Text(await PageAsync(anna));
        await new Territories(Db).ApplyAsync(Territories.Parse("""
            { "cpis": [ { "code": "MI_CENTRO", "name": "CPI Milano Centro", "comuni": ["F205"], "comuneNames": { "F205": "Milano" } } ] }
            """), default);

        var after = Text(await PageAsync(anna));

        Assert.Multiple(() =>
        {
            Assert.That(before, Does.Contain("zona del CPI Milano Centro (codice catastale F205)"));
            Assert.That(after, Does.Contain("Milano (zona del CPI Milano Centro)").And.Not.Contain("codice catastale"));
        });
    }

    [Test]
    public async Task A_preview_card_shows_the_person_the_last_job_and_the_masked_number_with_Chiama_and_Salta()
    {
        using var anna = await SignedInAsync("anna", UserRole.Operator);
        await roster.SignInAsync("anna", default);
        var attemptId = await ReservedAsync("preview");

        var page = await PageAsync(anna);
        Assert.Multiple(() =>
        {
            Assert.That(H1(page), Is.EqualTo("Leggi la scheda, poi chiama o salta"));
            Assert.That(page, Does.Match("<h2 id=\"scheda-titolo\"[^>]*tabindex=\"-1\">Maria Rossi, \\d+ anni</h2>"));
            Assert.That(Text(page), Does.Contain("Lavoro a tempo determinato, presso Bottega Srl"));
            Assert.That(Text(page), Does.Contain("zona del CPI Milano Centro"));
            Assert.That(Text(page), Does.Contain("(6 mesi fa)"));
            Assert.That(page, Does.Contain("+39 347 ••• ••67"));
            Assert.That(page, Does.Contain($"data-api=\"/api/calls/{attemptId}/call\"").And.Contain(">Chiama</button>"));
            Assert.That(page, Does.Contain("Motivo per saltare").And.Contain("Da proporre più tardi"));
            Assert.That(page, Does.Contain("Informativa letta"));
            Assert.That(Text(page), Does.Contain("Buongiorno, parlo con Maria Rossi? Sono Anna Bianchi del CPI Milano Centro."),
                "the campaign's script with the merge fields filled");
            Assert.That(Text(page), Does.Contain("art. 14 GDPR"));
            Assert.That(page, Does.Not.Contain("id=\"esito\""), "no outcome form before the call");
        });
    }

    [Test]
    public async Task Ringing_connected_wrap_up_and_paused_each_say_what_to_do_now()
    {
        using var anna = await SignedInAsync("anna", UserRole.Operator);
        await roster.SignInAsync("anna", default);
        var attemptId = await ReservedAsync("dialing");
        var ringing = await PageAsync(anna);
        var operatorId = (await roster.FindAsync("anna", default))!.OperatorId;
        await roster.ConnectAsync(operatorId, attemptId, default);
        var connected = await PageAsync(anna);
        // A pause asked during the call is kept for after it.
        await roster.PauseAsync("anna", PauseReason.Training, default);
        await roster.EndCallAsync(operatorId, attemptId, TimeSpan.FromMinutes(2), default);
        var wrapUp = await PageAsync(anna);

        Assert.Multiple(() =>
        {
            Assert.That(H1(ringing), Is.EqualTo("Sto chiamando…"));
            Assert.That(H1(connected), Is.EqualTo("In linea: parla con la persona"));
            Assert.That(connected, Does.Contain("data-focus=\"scheda-titolo\"").And.Contain("data-person=\"Maria Rossi\""));
            Assert.That(connected, Does.Contain("id=\"esito\""), "the outcome form appears once connected");
            Assert.That(H1(wrapUp), Is.EqualTo("Registra l'esito della chiamata"));
            Assert.That(wrapUp, Does.Match("id=\"conto-alla-rovescia\" role=\"timer\" data-deadline="));
            Assert.That(wrapUp, Does.Contain("data-focus=\"esito-prima\""));
            Assert.That(Regex.Matches(wrapUp, "name=\"Esito\"").Count, Is.EqualTo(7), "every outcome an operator records");
            Assert.That(Text(wrapUp), Does.Contain("Accetta la presa in carico").And.Contain("Già occupato/a").And.Contain("Non richiamare (opposizione)"));
            Assert.That(Text(wrapUp), Does.Contain("Pausa dopo questa chiamata: Formazione"));
        });

        await DisposeAsync(anna, attemptId, "Esito=already_employed");
        var paused = await PageAsync(anna);
        Assert.Multiple(() =>
        {
            Assert.That(H1(paused), Is.EqualTo("In pausa: Formazione"));
            Assert.That(paused, Does.Contain(">Riprendi</button>"));
            Assert.That(Text(paused), Does.Contain("Stato: In pausa (Formazione)"));
        });
    }

    [Test]
    public async Task An_operator_who_chose_English_gets_the_console_in_English_with_the_script_marked_Italian()
    {
        await app.AccountAsync("anna", UserRole.Operator);
        await app.Services.GetRequiredService<UserAccounts>().SetLanguageAsync("anna", "en", default);
        using var anna = await SignedInAsync("anna", UserRole.Operator);
        await roster.SignInAsync("anna", default);
        var waiting = await PageAsync(anna);
        var attemptId = await ReservedAsync("preview");
        var card = await PageAsync(anna);
        await roster.ConnectAsync((await roster.FindAsync("anna", default))!.OperatorId, attemptId, default);
        var connected = await PageAsync(anna);
        var nothing = await PostOutcomeAsync(anna, attemptId, "");
        var ledger = await PostOutcomeAsync(anna, attemptId, $"Esito=intake_accepted&Cpi=&DataAppuntamento={Italian(Tomorrow())}&OraAppuntamento=10:30");

        Assert.Multiple(() =>
        {
            Assert.That(waiting, Does.Contain("<html lang=\"en\">"));
            Assert.That(H1(waiting), Is.EqualTo("Waiting for the next person"));
            Assert.That(Text(waiting), Does.Contain("Status: Available for less than a minute"));
            Assert.That(waiting, Does.Contain(">Next person</button>").And.Contain("Reason for the pause").And.Contain("End my shift"));
            Assert.That(waiting, Does.Contain("<kbd>Alt+Shift+P</kbd>").And.Contain("<kbd>Alt+Shift+X</kbd></td><td>Outcome: Do not call again (objection)"));
            Assert.That(waiting, Does.Not.Contain("Maiusc"));
            Assert.That(H1(card), Is.EqualTo("Read the card, then call or skip"));
            Assert.That(card, Does.Match("<h2 id=\"scheda-titolo\"[^>]*tabindex=\"-1\">Maria Rossi, \\d+ years old</h2>"));
            Assert.That(Text(card), Does.Contain("Last job").And.Contain(", at Bottega Srl").And.Contain("Job ended on").And.Contain("(6 months ago)"));
            Assert.That(Text(card), Does.Contain("Attempts so far").And.Contain("area of CPI Milano Centro (cadastral code F205)"));
            Assert.That(card, Does.Contain(">Call</button>").And.Contain(">Skip</button>").And.Contain("Reason to skip"));
            Assert.That(card, Does.Contain(">Script</h2>").And.Contain("Privacy notice (GDPR art. 14), to read at first contact"));
            Assert.That(card, Does.Contain("<p lang=\"it\">Buongiorno, parlo con Maria Rossi?"), "what is read to the person stays Italian, and says so");
            Assert.That(H1(connected), Is.EqualTo("On the line: talk to the person"));
            Assert.That(connected, Does.Contain("How did it go?").And.Contain("Accepts an intake appointment").And.Contain("If they accept: the appointment"));
            Assert.That(connected, Does.Contain(">Save the outcome</button>").And.Contain("dd/mm/yyyy, for example 25/11/2026"));
            Assert.That(nothing.Html, Does.Contain("<a href=\"#esito-intake_accepted\">Choose the outcome of the call.</a>"));
            Assert.That(ledger.Html, Does.Contain("<div id=\"cpi-errore\" class=\"invalid-feedback d-block\">Choose the job centre (CPI) for the appointment.</div>"));
            Assert.That(ledger.Html, Does.Contain("Read the privacy notice to the person"));
            Assert.That(Text(connected), Does.Contain("My call-backs and my day").And.Contain("Appointments booked"));
        });
    }

    [Test]
    public async Task A_supervisor_is_refused_the_console_and_nobody_is_sent_to_sign_in()
    {
        using var bruno = await SignedInAsync("bruno", UserRole.Supervisor);
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        var refused = await bruno.GetAsync("/console");
        var nobody = await anonymous.GetAsync("/console");
        var token = await (await app.ClientAsync("carla", UserRole.Supervisor)).GetAsync("/console");
        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(refused.Headers.Location?.AbsolutePath, Is.EqualTo("/accesso-negato"));
            Assert.That(nobody.Headers.Location?.AbsolutePath, Is.EqualTo("/accedi"));
            Assert.That(token.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "a supervisor's token: 403");
        });
    }

    [Test]
    public async Task The_outcome_form_without_its_fields_comes_back_with_Italian_messages_tied_to_each_field()
    {
        using var anna = await SignedInAsync("anna", UserRole.Operator);
        await roster.SignInAsync("anna", default);
        var attemptId = await ConnectedAsync();

        var nothing = await PostOutcomeAsync(anna, attemptId, "");
        var noDate = await PostOutcomeAsync(anna, attemptId, "Esito=intake_accepted");
        var tomorrow = Tomorrow();
        var ledger = await PostOutcomeAsync(anna, attemptId, $"Esito=intake_accepted&Cpi=&DataAppuntamento={tomorrow}&OraAppuntamento=10:30");
        var badDate = await PostOutcomeAsync(anna, attemptId, "Esito=call_back&DataRichiamo=31/02/2026&OraRichiamo=25:00&Ambito=team");

        Assert.Multiple(async () =>
        {
            Assert.That(nothing.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(nothing.Html, Does.Contain("C'è un problema"));
            Assert.That(nothing.Html, Does.Contain("<a href=\"#esito-intake_accepted\">Scegliere l'esito della chiamata.</a>"));
            Assert.That(noDate.Html, Does.Match("id=\"data-appuntamento\"[^>]*aria-describedby=\"data-appuntamento-aiuto data-appuntamento-errore\""));
            Assert.That(noDate.Html, Does.Contain("<div id=\"data-appuntamento-errore\" class=\"invalid-feedback d-block\">Indicare la data dell'appuntamento.</div>"));
            Assert.That(noDate.Html, Does.Contain("Indicare l'ora dell'appuntamento."));
            Assert.That(noDate.Html, Does.Match("id=\"esito-intake_accepted\" value=\"intake_accepted\" checked=\"checked\""), "what was chosen stays");
            // The ledger's checks, said in Italian next to the field.
            Assert.That(ledger.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(ledger.Html, Does.Contain("<div id=\"cpi-errore\" class=\"invalid-feedback d-block\">Scegliere il Centro per l'Impiego dell'appuntamento.</div>"));
            Assert.That(ledger.Html, Does.Contain("canale-in_person-errore").And.Contain("promemoria-si-errore").And.Contain("informativa-errore"));
            Assert.That(ledger.Html, Does.Match("id=\"informativa\"[^>]*aria-describedby=\"informativa-errore\""));
            Assert.That(ledger.Html, Does.Contain($"value=\"{tomorrow}\""), "the date typed stays");
            Assert.That(ledger.Html, Does.Not.Contain("required,").And.Not.Contain("appointment."), "no English from the API leaks");
            Assert.That(badDate.Html, Does.Contain("Scrivere la data del richiamo come gg/mm/aaaa, per esempio 25/11/2026."));
            Assert.That(badDate.Html, Does.Contain("Scrivere l'ora del richiamo come hh:mm, per esempio 10:30."));
            Assert.That(await PresenceAsync(), Is.EqualTo(PresenceState.OnCall), "nothing was recorded");
        });
    }

    [Test]
    public async Task An_accepted_intake_with_its_appointment_is_recorded_through_the_form_and_the_operator_is_available_again()
    {
        using var anna = await SignedInAsync("anna", UserRole.Operator);
        await roster.SignInAsync("anna", default);
        var attemptId = await ConnectedAsync();
        var tomorrow = Tomorrow();

        var posted = await PostOutcomeAsync(anna, attemptId,
            $"Esito=intake_accepted&Cpi=MI_CENTRO&DataAppuntamento={Italian(tomorrow)}&OraAppuntamento=10.30&Canale=in_person&Promemoria=si&Informativa=true");
        var after = await PageAsync(anna);

        await using var conn = await Db.OpenConnectionAsync();
        var booked = await conn.QuerySingleAsync<(string Cpi, string Channel, bool Reminder, bool Notice)>(
            "SELECT cpi_code, channel, reminder_consent, privacy_notice_given FROM appointments WHERE attempt_id = @attemptId", new { attemptId });
        Assert.Multiple(async () =>
        {
            Assert.That(posted.Status, Is.EqualTo(HttpStatusCode.Redirect), posted.Html);
            Assert.That(booked, Is.EqualTo(("MI_CENTRO", "in_person", true, true)));
            Assert.That(await PresenceAsync(), Is.EqualTo(PresenceState.Available));
            Assert.That(after, Does.Contain("Esito salvato."));
            Assert.That(H1(after), Is.EqualTo("In attesa della prossima persona"));
            Assert.That(Text(after), Does.Match("Appuntamenti fissati\\s*1"));
        });
    }

    [Test]
    public async Task The_page_handlers_work_without_JavaScript_available_pause_and_back()
    {
        using var anna = await SignedInAsync("anna", UserRole.Operator);
        var token = Token(await PageAsync(anna));
        await PostAsync(anna, "Entra", $"__RequestVerificationToken={token}");
        await PostAsync(anna, "Pausa", $"__RequestVerificationToken={token}&reason=meeting");
        var paused = await PresenceAsync();
        var refused = await anna.PostAsync("/console?handler=Pausa", Form("reason=meeting"));
        await PostAsync(anna, "Disponibile", $"__RequestVerificationToken={token}");
        Assert.Multiple(async () =>
        {
            Assert.That(paused, Is.EqualTo(PresenceState.Paused));
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a form without its antiforgery token is refused");
            Assert.That(await PresenceAsync(), Is.EqualTo(PresenceState.Available));
        });
    }

    // ---- helpers

    Task<HttpClient> SignedInAsync(string username, UserRole role) => ConsoleClient.SignedInAsync(app, username, role);

    static Task<string> PageAsync(HttpClient client) => client.PageAsync();

    static Task<(HttpStatusCode Status, string Html)> PostOutcomeAsync(HttpClient client, long attemptId, string fields) =>
        client.PostAsync("Esito", $"AttemptId={attemptId}&{fields}");

    static async Task DisposeAsync(HttpClient client, long attemptId, string fields)
    {
        var (status, html) = await PostOutcomeAsync(client, attemptId, fields);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Redirect), html);
    }

    static async Task PostAsync(HttpClient client, string handler, string fields)
    {
        var response = await client.PostAsync($"/console?handler={handler}", Form(fields));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await response.Content.ReadAsStringAsync());
    }

    static FormUrlEncodedContent Form(string fields) => ConsoleClient.Form(fields);

    static string Token(string html) => ConsoleClient.Token(html);

    static string H1(string html) => ConsoleClient.H1(html);

    static string Text(string html) => ConsoleClient.Text(html);

    /// <summary>Tomorrow in Italy, as the date input writes it: always in the future and well within the horizon.</summary>
    static string Tomorrow() =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Core.ItalianTime.Rome).DateTime).AddDays(1).ToString("yyyy-MM-dd",
            System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>2026-12-03 as an operator types it: 03/12/2026.</summary>
    static string Italian(string isoDate) => $"{isoDate[8..]}/{isoDate[5..7]}/{isoDate[..4]}";

    async Task<PresenceState> PresenceAsync() => (await roster.FindAsync("anna", default))!.State;

    async Task<long> ReservedAsync(string attemptState)
    {
        await using var conn = await Db.OpenConnectionAsync();
        var attemptId = await conn.ExecuteScalarAsync<long>("""
            INSERT INTO call_attempts (campaign_id, person_cf, phone_e164, mode, state, created_at)
            VALUES (@campaignId, @Cf, '+393471234567', 'preview', @attemptState, now()) RETURNING id
            """, new { campaignId, Cf, attemptState });
        Assert.That(await roster.TryReserveAsync("anna", campaignId, attemptId, default), Is.Not.Null);
        return attemptId;
    }

    async Task<long> ConnectedAsync()
    {
        var attemptId = await ReservedAsync("placed");
        await roster.ConnectAsync((await roster.FindAsync("anna", default))!.OperatorId, attemptId, default);
        return attemptId;
    }
}
