using Dialer.Core.Accounts;
using Dialer.Tests.Outcomes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dialer.Tests.Browser;

/// <summary>
/// The supervisor's results pages in Chromium against the known scenario (ResultsScenario): the figures a supervisor
/// reads, the filters worked with the keyboard alone, the CSV behind the link, axe clean in every state, 320 px without
/// sideways scrolling, and an operator turned away.
/// </summary>
public sealed class ResultsPagesBrowserTests : DatabaseTest
{
    DialerApp app = null!;

    [SetUp]
    public async Task StartApp()
    {
        await ResultsScenario.BuildAsync(Db);
        app = new DialerApp();
        await app.AccountAsync("sara", UserRole.Supervisor);
        await app.AccountAsync("carla", UserRole.Operator);
    }

    [TearDown]
    public void StopApp() => app.Dispose();

    [Test]
    public async Task A_supervisor_filters_the_funnel_with_the_keyboard_alone_and_downloads_what_she_sees()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress);
        await browser.SignInAsync("sara");
        var page = browser.Page;
        var keys = page.Keyboard;
        await browser.GotoAsync("/supervisione/risultati?campagna=ricontatto-primavera");

        var funnel = page.Locator("table#imbuto");
        await Expect(funnel.Locator("caption")).ToHaveTextAsync("Imbuto della campagna Ricontatto primavera: persone per passo");
        await Expect(Row(funnel, "Hanno risposto")).ToHaveTextAsync(["Hanno risposto", "5", "71,4%", "62,5%", "0"]);
        await Expect(Row(funnel, "Assunte dopo la chiamata")).ToHaveTextAsync(["Assunte dopo la chiamata", "2", "40,0% (su chi ha risposto)", "25,0%", "0"]);
        await Expect(Row(page.Locator("table#assunte"), "Assunte dopo la presa in carico, su chi l'ha accettata")).ToHaveTextAsync(
            ["Assunte dopo la presa in carico, su chi l'ha accettata", "1", "3", "33,3%"]);
        await Expect(page.Locator("svg#imbuto-grafico")).ToHaveAttributeAsync("aria-hidden", "true");
        await Expect(page.Locator("svg#imbuto-grafico")).ToContainTextAsync("5 · 71,4% del passo prima · 62,5% delle selezionate");
        await Expect(Row(page.Locator("table#andamento"), "settimana del lun 2 mar 2026")).ToHaveTextAsync(["settimana del lun 2 mar 2026", "2", "2", "1", "2"]);
        await PageChecks.CheckAsync(page, "risultati", "/supervisione/risultati");

        // Keyboard only: the CPI by its first option after "Tutti", split by operator, then the button.
        await PageChecks.TabToAsync(page, page.Locator("#cpi"), "#cpi");
        await keys.PressAsync("ArrowDown");
        await PageChecks.TabToAsync(page, page.Locator("#per"), "#per");
        await keys.PressAsync("ArrowDown");
        await keys.PressAsync("ArrowDown");
        await PageChecks.TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Mostra", Exact = true }), "Mostra");
        await keys.PressAsync("Enter");

        await page.WaitForURLAsync(url => url.Contains("cpi=MI_CENTRO", StringComparison.Ordinal) && url.Contains("per=operatore", StringComparison.Ordinal));
        await Expect(Row(funnel, "Hanno risposto")).ToHaveTextAsync(["Hanno risposto", "3", "75,0%", "75,0%", "0"]);
        await Expect(page.Locator("table#gruppi th[scope=row]")).ToHaveTextAsync(["Nessun operatore (non raggiunte)", "Carla Bianchi", "Luca Verdi"]);
        await PageChecks.CheckAsync(page, "risultati-filtrati", "/supervisione/risultati filtered and split");

        var link = page.Locator("a[href*='tabella=imbuto']");
        await Expect(link).ToContainTextAsync("Scarica CSV");
        var download = await page.RunAndWaitForDownloadAsync(async () =>
        {
            await PageChecks.TabToAsync(page, link, "the funnel's CSV link");
            await keys.PressAsync("Enter");
        });
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Multiple(() =>
        {
            Assert.That(download.SuggestedFilename, Does.Match(@"^ricontatto-primavera-imbuto-\d{4}-\d{2}-\d{2}\.csv$"));
            Assert.That(bytes[..3], Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }));
            Assert.That(System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n")[1], Is.EqualTo("Selezionate;4;;100,0%;2"), "the CSV has the page's filters");
        });

        browser.AssertNoErrors();

        // A date that is not one (answered 400, which the browser logs): the summary takes focus and names the field; nothing is drawn.
        await browser.Page.GotoAsync("/supervisione/risultati?campagna=ricontatto-primavera&dal=2026-02-30");
        await Expect(page.Locator("[data-error-summary]")).ToBeFocusedAsync();
        await Expect(page.Locator("#dal-errore")).ToHaveTextAsync("Prima chiamata dal: «2026-02-30» non è una data (gg/mm/aaaa).");
        await Expect(page.Locator("table#imbuto")).ToHaveCountAsync(0);
        await PageChecks.CheckAsync(page, "risultati-errore", "/supervisione/risultati with a wrong date");
    }

    [Test]
    public async Task Outcomes_and_equity_say_in_words_what_the_figures_mean_and_every_page_fits_320_px()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress, width: 320, height: 640);
        await browser.SignInAsync("sara");
        var page = browser.Page;

        await browser.GotoAsync("/supervisione/esiti?campagna=ricontatto-primavera");
        await Expect(page.Locator("#effetto")).ToHaveTextAsync(
            "Con i dati attuali non si può concludere che le chiamate abbiano cambiato le assunzioni: i gruppi sono ancora troppo piccoli.");
        await Expect(Row(page.Locator("table#stabilita"), "Lavoro stabile, sulle assunte")).ToHaveTextAsync(
            ["Lavoro stabile, sulle assunte", "50,0% (1 su 2), IC 95% 9,5% – 90,5%"]);
        await Expect(Row(page.Locator("table#contratti"), "Tempo indeterminato")).ToHaveTextAsync(["Tempo indeterminato", "1", "50,0%", "1"]);
        await PageChecks.CheckAsync(page, "esiti-320px", "/supervisione/esiti at 320 px");
        await PageChecks.AssertNoHorizontalScrollAsync(page);

        await browser.GotoAsync("/supervisione/equita?campagna=equita-autunno");
        var women = TableRow(page.Locator("table#sex"), "Donne");
        await Expect(women).ToHaveClassAsync("table-warning");
        await Expect(women.Locator("td").Last).ToHaveTextAsync("Attenzione: raggiunte 0,0% (IC 95% 0,0% – 8,8%), molto sotto il 50,0% della campagna");
        await Expect(TableRow(page.Locator("table#sex"), "Uomini").Locator("td").Last).ToHaveTextAsync("—");
        await PageChecks.CheckAsync(page, "equita-320px", "/supervisione/equita at 320 px");
        await PageChecks.AssertNoHorizontalScrollAsync(page);

        await browser.GotoAsync("/supervisione/risultati?campagna=ricontatto-primavera&per=settimana");
        await PageChecks.CheckAsync(page, "risultati-320px", "/supervisione/risultati split by week at 320 px");
        await PageChecks.AssertNoHorizontalScrollAsync(page);
        browser.AssertNoErrors();
    }

    [Test]
    public async Task The_menu_offers_the_results_pages_to_a_supervisor_and_an_operator_is_turned_away_from_them()
    {
        await using var supervisor = await Chromium.NewPageAsync(app.BaseAddress);
        await supervisor.SignInAsync("sara");
        await supervisor.GotoAsync("/supervisione/equita");
        var menu = await supervisor.Page.GetByRole(AriaRole.Navigation, new() { Name = "Navigazione principale" }).GetByRole(AriaRole.Link).AllInnerTextsAsync();
        await Expect(supervisor.Page.GetByRole(AriaRole.Link, new() { Name = "Equità" })).ToHaveAttributeAsync("aria-current", "page");

        await using var carla = await Chromium.NewPageAsync(app.BaseAddress);
        await carla.SignInAsync("carla");
        var operatorMenu = await carla.Page.GetByRole(AriaRole.Navigation, new() { Name = "Navigazione principale" }).GetByRole(AriaRole.Link).AllInnerTextsAsync();
        await carla.Page.GotoAsync("/supervisione/risultati");

        Assert.Multiple(() =>
        {
            Assert.That(menu.Select(m => m.Trim()), Is.SupersetOf(new[] { "Risultati", "Esiti", "Equità" }));
            Assert.That(operatorMenu.Select(m => m.Trim()), Has.None.AnyOf("Risultati", "Esiti", "Equità"));
            Assert.That(new Uri(carla.Page.Url).AbsolutePath, Is.EqualTo("/accesso-negato"));
        });
    }

    /// <summary>A table's row by its header cell.</summary>
    static ILocator TableRow(ILocator table, string header) =>
        table.Locator("tbody tr").Filter(new() { Has = table.Page.Locator("th[scope=row]", new() { HasTextRegex = new Regex("^" + Regex.Escape(header) + "$") }) });

    /// <summary>A row's header and cells, in order.</summary>
    static ILocator Row(ILocator table, string header) => TableRow(table, header).Locator("th, td");
}
