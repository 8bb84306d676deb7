using Dialer.Core.Accounts;
using Dialer.Core.Audit;
using Dialer.Core.Campaigns;
using Dialer.Core.Selection;
using Dialer.Tests.Selection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dialer.Tests.Browser;

/// <summary>
/// The supervisor's campaign pages in Chromium against the real host, with the keyboard alone (docs/supervision.md,
/// "Campagne"): the list, a campaign with its last cascade, the dry run, "why is nobody being called", pause and resume,
/// and the admin's form with errors by field. Every state has zero axe violations and leaves a screenshot.
/// </summary>
public sealed class CampaignPagesBrowserTests : DatabaseTest
{
    DialerApp app = null!;

    [SetUp]
    public async Task StartApp()
    {
        // Two women in Milano, one man: the campaign is for women, so the sex rule leaves one out.
        await Population.ImportAsync(Population.Eligible("ALFA"), Population.Eligible("BETA"), Population.Eligible("GAMMA", sex: 'M'));
        await using (var conn = await Db.OpenConnectionAsync())
            await conn.ExecuteAsync("INSERT INTO comuni (code, name) VALUES ('F205', 'Milano'), ('F704', 'Monza')");
        app = new DialerApp();
        await app.AccountAsync("sara", UserRole.Supervisor);
        await app.AccountAsync("mrossi", UserRole.Admin);
        await app.Services.GetRequiredService<CampaignStore>().ApplyAsync(Population.Campaign() with { MaxPerNight = 1 }, default);
        await app.Services.GetRequiredService<NightlySelection>().RunAsync("donne-milano", Population.AsOf, SelectionTrigger.Schedule, default);
    }

    [TearDown]
    public void StopApp() => app.Dispose();

    [Test]
    public async Task A_supervisor_reads_a_campaign_tries_its_selection_and_pauses_and_resumes_it_with_the_keyboard_alone()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress);
        await browser.SignInAsync("sara");
        var page = browser.Page;
        var keys = page.Keyboard;

        // The menu leads to the list; the list to the campaign.
        await TabToAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Campagne", Exact = true }));
        await keys.PressAsync("Enter");
        await page.WaitForURLAsync("**/supervisione/campagne");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "donne-milano" });
        await Expect(row).ToContainTextAsync("Attiva");
        await Expect(row).ToContainTextAsync("Progressiva");
        await Expect(row).ToContainTextAsync("Milano");
        await Expect(row).ToContainTextAsync("lun 2 giu 2025");
        await Expect(row).ToContainTextAsync("1 selezionate");
        await CheckAsync(page, "campagne", "campaign list");

        await TabToAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Donne 30–44, Milano" }));
        await keys.PressAsync("Enter");
        await page.WaitForURLAsync("**/supervisione/campagne/donne-milano");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Donne 30–44, Milano");
        // The settings in words, not codes.
        await Expect(page.Locator("dl")).ToContainTextAsync("Donne, da 30 a 44 anni, lavoro terminato tra lun 1 gen 2024 e mar 31 dic 2024");
        await Expect(page.Locator("dl")).ToContainTextAsync("Lavoro a tempo determinato; Lavoro a tempo indeterminato");
        await Expect(page.Locator("dl")).ToContainTextAsync("lunedì–venerdì 09:30–12:30");
        // The last nightly selection's cascade.
        var last = page.GetByRole(AriaRole.Table, new() { Name = "Selezione del lun 2 giu 2025, regola per regola" });
        await Expect(RuleRow(last, "Sesso diverso da quello della campagna")).ToHaveTextAsync(Cells("1", "2"));
        await Expect(RuleRow(last, "Selezionabili")).ToContainTextAsync("2");
        await Expect(RuleRow(last, "Aggiunte alla lista dei contatti")).ToContainTextAsync("1");
        await Expect(page.GetByText("Operatori disponibili: 0")).ToBeVisibleAsync();
        await CheckAsync(page, "campagna", "campaign page");

        // The dry run, the day after: the one listed that night is now left out by the last rule; nothing is added.
        await page.Locator("#data").FillAsync("2025-06-03");
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Prova la selezione" }));
        await keys.PressAsync("Enter");
        var trial = page.GetByRole(AriaRole.Table, new() { Name = "Prova della selezione al mar 3 giu 2025, regola per regola" });
        await Expect(RuleRow(trial, "Già nella lista di questa campagna")).ToHaveTextAsync(Cells("1", "1"));
        await Expect(page.GetByText("Nessuno è stato aggiunto.")).ToBeVisibleAsync();
        await CheckAsync(page, "campagna-prova", "campaign page with a dry run");

        // Pause: the page says so, and "why" names the reason with the people it holds back.
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Sospendi la campagna" }));
        await keys.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Campagna sospesa: non si chiama nessuno finché non viene riattivata.");
        await Expect(page.GetByText("Stato: Sospesa")).ToBeVisibleAsync();
        await Expect(page.GetByText("Campagna non attiva: 1 contatto in attesa")).ToBeVisibleAsync();
        await CheckAsync(page, "campagna-sospesa", "paused campaign");

        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Riattiva la campagna" }));
        await keys.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Campagna riattivata: le chiamate riprendono nelle fasce orarie.");
        await CheckAsync(page, "campagna-riattivata", "resumed campaign");
        browser.AssertNoErrors();

        var audited = await app.Services.GetRequiredService<AuditLog>().PageAsync(new AuditQuery { Actor = "sara" }, default);
        Assert.That(audited.Entries.Where(e => e.Action.StartsWith("campaign_", StringComparison.Ordinal)).Select(e => (e.Action, e.Subject)), Is.EqualTo(new[]
        {
            (AuditActions.CampaignResumed, "campaign:donne-milano"), (AuditActions.CampaignPaused, "campaign:donne-milano"),
        }), "newest first");
    }

    [Test]
    public async Task An_admin_creates_a_campaign_whose_errors_are_shown_next_to_each_field_then_saves_it()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress);
        await browser.SignInAsync("mrossi");
        var page = browser.Page;
        var keys = page.Keyboard;

        await browser.GotoAsync("/supervisione/campagne");
        await TabToAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Nuova campagna" }));
        await keys.PressAsync("Enter");
        await page.WaitForURLAsync("**/supervisione/campagne/nuova");
        await CheckAsync(page, "campagna-nuova", "new campaign form");

        await TypeAsync(page, "name", "Donne 30–44, Monza");
        await TypeAsync(page, "slug", "donne-monza");
        await TypeAsync(page, "callerId", "02 7740 4040");
        await TypeAsync(page, "territory.comuni", "F704");
        await TypeAsync(page, "cohort.ageMin", "30");
        await TypeAsync(page, "cohort.ageMax", "25");
        await TypeAsync(page, "dialing.windows", "lun-ven 09:30-12:30\ndom 10:00-12:00");
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Crea la campagna" }));
        await keys.PressAsync("Enter");

        // Each message next to its field, and all of them in the focused summary.
        await Expect(page.Locator("[data-error-summary]")).ToBeFocusedAsync();
        await Expect(page.Locator(Id("callerId-errore"))).ToHaveTextAsync("Un numero in formato E.164, ad esempio +390277404040.");
        await Expect(page.Locator(Id("cohort.ageMax-errore"))).ToHaveTextAsync("Non meno dell'età minima.");
        await Expect(page.Locator(Id("dialing.windows-errore"))).ToContainTextAsync("Riga 2: di domenica non si chiama mai");
        await Expect(page.Locator(Id("cohort.ageMax"))).ToHaveAttributeAsync("aria-describedby", "cohort.ageMax-aiuto cohort.ageMax-errore");
        await Expect(page.Locator("[data-error-summary] li")).ToHaveCountAsync(3);
        await Expect(page.Locator(Id("name"))).ToHaveValueAsync("Donne 30–44, Monza");
        await CheckAsync(page, "campagna-nuova-errori", "new campaign form with errors");

        await TypeAsync(page, "callerId", "+390277404040");
        await TypeAsync(page, "cohort.ageMax", "44");
        await TypeAsync(page, "dialing.windows", "lun-ven 09:30-12:30");
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Crea la campagna" }));
        await keys.PressAsync("Enter");

        await page.WaitForURLAsync("**/supervisione/campagne/donne-monza?esito=creata");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Campagna creata.");
        await Expect(page.Locator("dl")).ToContainTextAsync("Monza");
        await Expect(page.Locator("dl")).ToContainTextAsync("Da 30 a 44 anni");
        await CheckAsync(page, "campagna-creata", "created campaign");
        var stored = await app.Services.GetRequiredService<CampaignStore>().FindAsync("donne-monza", default);
        var changes = await app.Services.GetRequiredService<AuditLog>().PageAsync(new AuditQuery { Action = AuditActions.CampaignChanged }, default);
        Assert.Multiple(() =>
        {
            Assert.That(stored!.Definition.Territory.Comuni, Is.EqualTo(new[] { "F704" }));
            Assert.That((stored.Definition.Cohort.AgeMin, stored.Definition.Cohort.AgeMax), Is.EqualTo((30, 44)));
            Assert.That(changes.Entries.Select(e => (e.Actor, e.Subject)), Is.EqualTo(new[] { ("mrossi", "campaign:donne-monza") }), "the refused save changed nothing");
        });
    }

    [Test]
    public async Task An_admin_edits_a_campaign_the_form_over_its_document_keeping_what_the_form_does_not_show()
    {
        await app.Services.GetRequiredService<CampaignStore>().ApplyAsync(Population.Campaign() with
        {
            Priority = SelectionPriority.OldestFirst,
            Script = new CampaignScript { Organisation = "Afol Metropolitana" },
        }, default);
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress);
        await browser.SignInAsync("mrossi");
        var page = browser.Page;
        var keys = page.Keyboard;

        await browser.GotoAsync("/supervisione/campagne/donne-milano");
        await TabToAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Modifica la campagna" }));
        await keys.PressAsync("Enter");
        await page.WaitForURLAsync("**/supervisione/campagne/donne-milano/modifica");
        await Expect(page.Locator(Id("dialing.windows"))).ToHaveValueAsync("lun-ven 09:30-12:30\nlun-ven 14:00-18:00");
        await CheckAsync(page, "campagna-modifica", "edit form");

        await TypeAsync(page, "maxPerNight", "50");
        await TypeAsync(page, "dialing.windows", "lun-ven 10:00-12:00\nsab 10:00-12:00");
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Salva le modifiche" }));
        await keys.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Modifiche salvate.");
        await Expect(page.Locator("dl")).ToContainTextAsync("lunedì–venerdì 10:00–12:00");
        await Expect(page.Locator("dl")).ToContainTextAsync("sabato 10:00–12:00");
        await Expect(page.Locator("dl")).ToContainTextAsync("Prima le persone più anziane");
        await CheckAsync(page, "campagna-modificata", "edited campaign");
        var stored = (await app.Services.GetRequiredService<CampaignStore>().FindAsync("donne-milano", default))!.Definition;
        Assert.Multiple(() =>
        {
            Assert.That(stored.MaxPerNight, Is.EqualTo(50));
            Assert.That(stored.Dialing.Windows, Has.Count.EqualTo(2));
            Assert.That(stored.Script?.Organisation, Is.EqualTo("Afol Metropolitana"), "a field the form does not show is kept");
            Assert.That(stored.Cohort.ContractTypes, Is.EquivalentTo(new[] { "A.01.00", "A.02.00" }), "the form keeps the contract types it shows");
        });
    }

    [Test]
    public async Task The_campaign_pages_fit_a_320_pixel_screen()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress, width: 320, height: 640);
        await browser.SignInAsync("mrossi");

        foreach (var path in new[] { "/supervisione/campagne", "/supervisione/campagne/donne-milano?prova=true&data=2025-06-02", "/supervisione/campagne/nuova" })
        {
            await browser.GotoAsync(path);
            await PageChecks.AssertNoHorizontalScrollAsync(browser.Page);
        }
    }

    static ILocator RuleRow(ILocator table, string rule) => table.GetByRole(AriaRole.Row).Filter(new() { Has = table.Page.GetByRole(AriaRole.Rowheader, new() { Name = rule, Exact = true }) });

    /// <summary>A cascade row's text: the rule, then its left-out and remaining counts.</summary>
    static System.Text.RegularExpressions.Regex Cells(string excluded, string remaining) => new($@"^\D*{excluded}\s*{remaining}\s*$");

    /// <summary>An id with dots (the form's ids are document paths) as a CSS selector.</summary>
    static string Id(string id) => $"[id='{id}']";

    /// <summary>Tabs to a field, selects what it holds and types over it.</summary>
    static async Task TypeAsync(IPage page, string field, string text)
    {
        var input = page.Locator(Id(field));
        await TabToAsync(page, input);
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.PressAsync("Delete");
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0) await page.Keyboard.PressAsync("Enter");
            await page.Keyboard.TypeAsync(lines[i]);
        }
    }

    /// <summary>Presses Tab (or Shift+Tab, past the end) until the target has the focus: how a keyboard user gets there.</summary>
    static async Task TabToAsync(IPage page, ILocator target)
    {
        foreach (var key in new[] { "Tab", "Shift+Tab" })
            for (var i = 0; i < 120; i++)
            {
                if (await target.EvaluateAsync<bool>("e => e === document.activeElement")) return;
                await page.Keyboard.PressAsync(key);
            }
        Assert.Fail($"{target} was not reached with Tab");
    }

    static async Task CheckAsync(IPage page, string screenshot, string state)
    {
        await PageChecks.ScreenshotAsync(page, screenshot);
        await PageChecks.AssertNoAxeViolationsAsync(page, state);
    }
}
