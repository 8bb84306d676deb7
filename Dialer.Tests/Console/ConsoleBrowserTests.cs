using Dialer.Core.Accounts;
using Dialer.Core.Operators;
using Dialer.Tests.Browser;
using Dialer.Tests.Dialing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dialer.Tests.OperatorConsole;

/// <summary>
/// A whole preview call in Chromium with the keyboard alone (docs/console.md): sign in at /accedi, Entra in servizio,
/// Prossima persona, Chiama, the emulator connects the person, Riaggancia, an outcome form refused then an appointment
/// booked, and the next person. In each state reached: axe-core finds no WCAG 2.1 A/AA violation, a screenshot is kept,
/// and for the card, the connected call and the refused form the accessibility tree has the names and roles a screen
/// reader announces.
/// </summary>
public sealed class ConsoleBrowserTests : DatabaseTest
{
    DialingRig? rig;

    [TearDown]
    public async Task StopAsync()
    {
        if (rig is not null) await rig.DisposeAsync();
    }

    [Test]
    public async Task A_preview_call_is_worked_with_the_keyboard_alone_and_every_state_passes_axe()
    {
        rig = await StartAsync("preview", people: 2);
        await using (var conn = await Db.OpenConnectionAsync())
            await conn.ExecuteAsync("INSERT INTO cpi_comuni (cpi_code, comune_code) VALUES ('MI_CENTRO', 'F205')");

        await using var browser = await Chromium.NewPageAsync(rig.Api.BaseAddress);
        var page = browser.Page;
        var keys = page.Keyboard;

        // Sign in: the sign-in page, then the operator's home is the console.
        await browser.GotoAsync("/accedi");
        await TabToAsync(page, "#username");
        await keys.TypeAsync("carla");
        await keys.PressAsync("Tab");
        await keys.TypeAsync(DialerApp.Password);
        await keys.PressAsync("Enter");
        await page.WaitForURLAsync("**/console");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Non sei in servizio");
        await CheckAsync(page, "console-fuori-servizio", "signed out");

        await TabToButtonAsync(page, "Entra in servizio");
        await keys.PressAsync("Enter");
        await Expect(page.Locator("h1")).ToHaveTextAsync("In attesa della prossima persona");
        await Expect(page.Locator("#annuncio")).ToContainTextAsync("Disponibile");
        await CheckAsync(page, "console-in-attesa", "waiting");

        // Prossima persona by its shortcut: the card comes, and focus moves to its heading.
        await keys.PressAsync("Alt+Shift+KeyP");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Leggi la scheda, poi chiama o salta");
        await Expect(page.Locator("#scheda-titolo")).ToBeFocusedAsync();
        await CheckAsync(page, "console-scheda", "card shown");
        await PageChecks.AssertAriaSnapshotAsync(page.Locator("#principale"), """
            - heading "Leggi la scheda, poi chiama o salta" [level=1]
            - region /Maria Rossi, \d+ anni/:
              - heading /Maria Rossi, \d+ anni/ [level=2]
              - term: Comune
              - definition: /CPI Milano Centro/
              - term: Ultimo lavoro
              - definition: Lavoro a tempo determinato
              - term: Numero
              - definition: /\+39 347 •+ •+\d\d/
              - button "Chiama"
              - combobox "Motivo per saltare"
              - button "Salta"
            """);

        // Chiama: the emulator rings the person, who answers; the operator is connected.
        await TabToButtonAsync(page, "Chiama");
        await keys.PressAsync("Enter");
        await Expect(page.Locator("h1")).ToHaveTextAsync("In linea: parla con la persona", new() { Timeout = 30_000 });
        await Expect(page.Locator("#annuncio-urgente")).ToHaveTextAsync("Persona in linea: Maria Rossi");
        await Expect(page.Locator("#scheda-titolo")).ToBeFocusedAsync();
        await CheckAsync(page, "console-in-linea", "call connected");
        await PageChecks.AssertAriaSnapshotAsync(page.Locator("#principale"), """
            - heading /In linea. parla con la persona/ [level=1]
            - region /Maria Rossi/:
              - heading /Maria Rossi/ [level=2]
            - region "Telefono":
              - heading "Telefono" [level=2]
              - paragraph: /In linea/
              - button "Riaggancia"
            """);
        await PageChecks.AssertAriaSnapshotAsync(page.Locator("#regione-esito"), """
            - heading "Esito della chiamata" [level=2]
            - group "Com'è andata?":
              - radio "Accetta la presa in carico"
              - radio "Rifiuta"
              - radio "Già occupato/a"
              - radio "Richiamare"
              - radio "Persona errata"
              - radio "Numero errato"
              - radio "Non richiamare (opposizione)"
            """);

        // Informativa letta, then Riaggancia: the call ends, wrap-up, focus to the form's first field.
        await keys.PressAsync("Alt+Shift+KeyI");
        await Expect(page.Locator("#informativa")).ToBeCheckedAsync();
        await TabToButtonAsync(page, "Riaggancia");
        await keys.PressAsync("Enter");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Registra l'esito della chiamata", new() { Timeout = 30_000 });
        await Expect(page.Locator("#esito-intake_accepted")).ToBeFocusedAsync();
        // The countdown runs on the server's clock (the rig's is months away from this computer's).
        await Expect(page.Locator("#conto-alla-rovescia")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"Tempo per l'esito: \d+:\d\d"));
        await Expect(page.Locator("#conto-alla-rovescia")).Not.ToContainTextAsync("esito: 0:00");
        await CheckAsync(page, "console-post-chiamata", "wrap-up");

        // Altro tempo (Alt+Shift+T): the deadline moves a minute later; the focus stays in the form.
        var before = await page.Locator("#conto-alla-rovescia").GetAttributeAsync("data-deadline");
        await keys.PressAsync("Alt+Shift+KeyT");
        await Expect(page.Locator("#conto-alla-rovescia")).Not.ToHaveAttributeAsync("data-deadline", before!);
        await Expect(page.Locator("#annuncio")).ToContainTextAsync("Altro tempo concesso");
        await Expect(page.Locator("#esito-intake_accepted")).ToBeFocusedAsync();

        // Accetta la presa in carico, saved without its date: the error summary takes focus, each message beside its field.
        await keys.PressAsync("Alt+Shift+KeyA");
        await Expect(page.Locator("#esito-intake_accepted")).ToBeCheckedAsync();
        await Expect(page.Locator("#data-appuntamento")).ToBeVisibleAsync();
        await TabToButtonAsync(page, "Salva l'esito");
        await keys.PressAsync("Enter");
        await Expect(page.Locator("[data-error-summary]")).ToBeFocusedAsync();
        await CheckAsync(page, "console-esito-errore", "disposition error");
        await PageChecks.AssertAriaSnapshotAsync(page.Locator("#regione-esito"), """
            - alert:
              - heading "C'è un problema" [level=2]
              - list:
                - listitem:
                  - link "Indicare la data dell'appuntamento."
                - listitem:
                  - link "Indicare l'ora dell'appuntamento."
            """);
        await Expect(page.Locator("#data-appuntamento")).ToHaveAccessibleDescriptionAsync(
            new System.Text.RegularExpressions.Regex("gg/mm/aaaa.*Indicare la data dell'appuntamento\\."));

        // The date and time typed as the hints say (gg/mm/aaaa, hh:mm), the channel and the reminder, then save.
        // The rig's clock: Tuesday 10 March 2026 in Rome; the appointment is the next morning.
        await TabToAsync(page, "#data-appuntamento");
        await keys.TypeAsync("11/03/2026");
        await keys.PressAsync("Tab");
        await keys.TypeAsync("10:30");
        await TabToAsync(page, "#canale-in_person");
        await keys.PressAsync("Space");
        await TabToAsync(page, "#promemoria-si");
        await keys.PressAsync("Space");
        await TabToButtonAsync(page, "Salva l'esito");
        await keys.PressAsync("Enter");
        await Expect(page.Locator("h1")).ToHaveTextAsync("In attesa della prossima persona");
        await Expect(page.Locator("#avviso")).ToContainTextAsync("Esito salvato");
        await Expect(page.Locator("#regione-personale")).ToContainTextAsync("Appuntamenti fissati");

        // Next: the second person's card.
        await keys.PressAsync("Alt+Shift+KeyP");
        await Expect(page.Locator("#scheda-titolo")).ToContainTextAsync("Giulia Verdi");
        await Expect(page.Locator("#scheda-titolo")).ToBeFocusedAsync();
        await CheckAsync(page, "console-scheda-seconda", "second card");

        // WCAG 1.4.10: at 320 px (200% zoom of a 640 px window) the card reads without sideways scrolling.
        await page.SetViewportSizeAsync(320, 640);
        await PageChecks.AssertNoHorizontalScrollAsync(page);
        await CheckAsync(page, "console-scheda-320px", "second card, 320 px");

        await using var conn2 = await Db.OpenConnectionAsync();
        Assert.That(await conn2.ExecuteScalarAsync<string>("SELECT channel FROM appointments"), Is.EqualTo("in_person"));
        browser.AssertNoErrors();
    }

    [Test]
    public async Task A_progressive_call_pops_the_person_with_focus_and_an_assertive_announcement()
    {
        rig = await StartAsync("progressive", people: 1);

        await using var browser = await Chromium.NewPageAsync(rig.Api.BaseAddress);
        var page = browser.Page;
        await browser.SignInAsync("carla");
        await TabToButtonAsync(page, "Entra in servizio");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("h1")).ToHaveTextAsync("In attesa della prossima persona");

        // The worker dials as soon as it runs; the person answers and the console pops them without a click.
        await rig.StartWorkerAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("In linea: parla con la persona", new() { Timeout = 30_000 });
        await Expect(page.Locator("#annuncio-urgente")).ToHaveTextAsync("Persona in linea: Maria Rossi");
        await Expect(page.Locator("#annuncio-urgente")).ToHaveAttributeAsync("aria-live", "assertive");
        await Expect(page.Locator("#scheda-titolo")).ToBeFocusedAsync();
        await CheckAsync(page, "console-progressiva-in-linea", "progressive screen pop");
        browser.AssertNoErrors();
    }

    [Test]
    public async Task An_operator_who_chose_English_hears_the_console_in_English_while_the_script_stays_Italian()
    {
        rig = await StartAsync("progressive", people: 1);
        await rig.Services.GetRequiredService<UserAccounts>().SetLanguageAsync("carla", "en", default);

        await using var browser = await Chromium.NewPageAsync(rig.Api.BaseAddress);
        var page = browser.Page;
        await browser.SignInAsync("carla");
        await page.GotoAsync("/console");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("h1")).ToHaveTextAsync("You are off duty");
        await TabToButtonAsync(page, "Start my shift");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Waiting for the next person");
        await Expect(page.Locator("#annuncio")).ToHaveTextAsync("Status: Available");

        await rig.StartWorkerAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("On the line: talk to the person", new() { Timeout = 30_000 });
        await Expect(page.Locator("#annuncio-urgente")).ToHaveTextAsync("Person on the line: Maria Rossi");
        await Expect(page.Locator("#regione-copione h2")).ToHaveTextAsync("Script");
        await Expect(page.Locator("#regione-copione p[lang=it]").First).ToContainTextAsync("Buongiorno");
        await CheckAsync(page, "console-inglese-in-linea", "English, call connected");

        // The shortcuts' help says Shift, and switching them off is announced in English.
        await page.Keyboard.PressAsync("Alt+Shift+KeyH");
        await Expect(page.Locator("#aiuto-titolo")).ToHaveTextAsync("Keyboard shortcuts");
        await Expect(page.Locator("#aiuto")).ToContainTextAsync("Alt+Shift+K");
        await TabToAsync(page, "#scorciatoie-attive");
        await page.Keyboard.PressAsync("Space");
        await Expect(page.Locator("#annuncio")).ToHaveTextAsync("Shortcuts off");
        browser.AssertNoErrors();
    }

    /// <summary>
    /// The rig with long conversations (simulated seconds, 20 times faster: the operator ends the call with Riaggancia),
    /// a campaign in <paramref name="mode"/> with <paramref name="people"/> people queued (Maria Rossi, then Giulia Verdi,
    /// of Milan), the CPI Milano Centro, and the operator carla (Carla Neri) with an account.
    /// </summary>
    static async Task<DialingRig> StartAsync(string mode, int people)
    {
        var rig = await DialingRig.StartAsync();
        rig.Emulator.Emulator.Configure(o =>
        {
            o.DefaultProfile = o.DefaultProfile with { Talk = new(4000, 4000) };
            o.OperatorProfile = o.OperatorProfile with { Talk = new(4000, 4000) };
            return o;
        });
        var campaign = await rig.CampaignAsync(mode);
        await rig.EnqueueAsync(campaign, people);
        await using (var conn = await Db.OpenConnectionAsync())
        {
            await conn.ExecuteAsync("INSERT INTO cpi_offices (code, name) VALUES ('MI_CENTRO', 'CPI Milano Centro')");
            await conn.ExecuteAsync("""
                INSERT INTO people (cf, provisional, sex, birth_on, surname, name, domicile_comune, last_end_on, last_contract_type)
                SELECT * FROM (VALUES ('PRSN000000000000', false, 'F', '1984-05-02'::date, 'ROSSI', 'MARIA', 'F205', '2025-09-30'::date, 'A.02.00'),
                                      ('PRSN000000000001', false, 'F', '1990-07-12'::date, 'VERDI', 'GIULIA', 'F205', '2025-08-31'::date, 'A.01.00')) p
                LIMIT @people
                """, new { people });
        }
        await rig.Services.GetRequiredService<OperatorDirectory>().SaveAsync(new OperatorProfile("carla", "Carla Neri", "MI_CENTRO"), default);
        await rig.Services.GetRequiredService<UserAccounts>().AddAsync("carla", "Carla Neri", UserRole.Operator, DialerApp.Password, default);
        return rig;
    }

    static Task TabToAsync(IPage page, string selector) => PageChecks.TabToAsync(page, page.Locator(selector), selector);

    static Task TabToButtonAsync(IPage page, string name) =>
        PageChecks.TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true }), $"the button {name}");

    static Task CheckAsync(IPage page, string screenshot, string state) => PageChecks.CheckAsync(page, screenshot, state);
}
