using System.Text;
using Dialer.Core.Accounts;
using Dialer.Tests.Outcomes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dialer.Tests.Browser;

/// <summary>
/// The supervisor's appointments page in Chromium, by keyboard: choose the CPI and the day, record an attendance, a
/// refused save with its message on the field, a CPI's file with its rejected rows; zero axe violations in each state,
/// and no sideways scrolling at 320 px.
/// </summary>
public sealed class AppointmentsBrowserTests : DispositionsTest
{
    DialerApp app = null!;
    long mario, laura;

    [SetUp]
    public async Task StartAppAsync()
    {
        // Friday 20 November 2026, 10:00 and 11:00 in Rome: past, whatever the day the test runs.
        mario = await AttendanceTests.InsertAppointmentAsync(Campaign, Anna, "RSSMRA80A01F205X", "2026-11-20T09:00:00Z", "MARIO", "ROSSI");
        laura = await AttendanceTests.InsertAppointmentAsync(Campaign, Anna, "BNCLRA85M41F205Y", "2026-11-20T10:00:00Z", "LAURA", "BIANCHI");
        app = new DialerApp();
        await app.AccountAsync("sara", UserRole.Supervisor);
    }

    [TearDown]
    public void StopApp() => app.Dispose();

    [Test]
    public async Task A_supervisor_marks_an_attendance_sees_a_refused_save_on_its_field_and_uploads_a_file_by_keyboard()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress);
        var page = browser.Page;
        var keys = page.Keyboard;
        await browser.SignInAsync("sara");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Navigazione principale" }).GetByRole(AriaRole.Link, new() { Name = "Appuntamenti" }).FocusAsync();
        await keys.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Appuntamenti");

        await page.Locator("#giorno").FillAsync("2026-11-20");
        await keys.PressAsync("Enter");
        await Expect(page.Locator("caption").First).ToHaveTextAsync("Appuntamenti del ven 20 nov 2026 al CPI Milano Centro: 2");
        Assert.That(new Uri(page.Url).Query, Is.EqualTo("?cpi=MI_CENTRO&giorno=2026-11-20"), "a bookmarkable view");
        await PageChecks.ScreenshotAsync(page, "appuntamenti");
        await PageChecks.AssertNoAxeViolationsAsync(page, "appointments, a day listed");

        var marioSelect = page.Locator($"#esito-{mario}");
        await marioSelect.FocusAsync();
        await marioSelect.SelectOptionAsync("P");
        await keys.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Salva l'esito di Mario Rossi" })).ToBeFocusedAsync();
        await keys.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Esito salvato: Mario Rossi alle 10:00, Presente.");
        await Expect(page.Locator($"#riga-{mario} td").Nth(3)).ToContainTextAsync("Presente");
        await Expect(page.Locator($"#riga-{mario} td").Nth(3)).ToContainTextAsync("sara, dalla pagina");
        await PageChecks.ScreenshotAsync(page, "appuntamenti-salvato");
        await PageChecks.AssertNoAxeViolationsAsync(page, "appointments, an attendance saved");

        await page.GetByRole(AriaRole.Button, new() { Name = "Salva l'esito di Laura Bianchi" }).FocusAsync();
        await keys.PressAsync("Enter");
        var summary = page.GetByRole(AriaRole.Alert);
        await Expect(summary).ToContainTextAsync("Scegliere l'esito (P, AG, AI, AN).");
        await Expect(page.Locator($"#esito-{laura}-errore")).ToHaveTextAsync("Scegliere l'esito (P, AG, AI, AN).");
        await Expect(page.Locator($"#esito-{laura}")).ToHaveAttributeAsync("aria-describedby", $"esito-{laura}-errore");
        await PageChecks.ScreenshotAsync(page, "appuntamenti-errore");
        await PageChecks.AssertNoAxeViolationsAsync(page, "appointments, a refused save");

        var file = "codice_fiscale;data;esito\r\nBNCLRA85M41F205Y;20/11/2026;Assente giustificato\r\nZZZZZZ99Z99Z999Z;2026-11-20;P\r\n";
        await page.Locator("#file").SetInputFilesAsync(new FilePayload
        {
            Name = "presenze.csv", MimeType = "text/csv", Buffer = [.. Encoding.UTF8.Preamble.ToArray(), .. Encoding.UTF8.GetBytes(file)],
        });
        await page.Locator("#file").FocusAsync();
        await keys.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Carica" })).ToBeFocusedAsync();
        await keys.PressAsync("Enter");
        await Expect(page.Locator("#esito-file")).ToHaveTextAsync("presenze.csv: 2 righe, 1 applicate, 0 già registrate con lo stesso esito, 1 scartate.");
        var rejected = page.GetByRole(AriaRole.Table, new() { Name = "Righe scartate: 1" });
        await Expect(rejected.Locator("tbody th")).ToHaveTextAsync(new[] { "3" });
        await Expect(rejected.Locator("tbody td")).ToHaveTextAsync(new[] { "nessun appuntamento per questo codice fiscale." });
        await Expect(page.Locator($"#riga-{laura} td").Nth(3)).ToContainTextAsync("Assente giustificato");
        await PageChecks.ScreenshotAsync(page, "appuntamenti-file");
        await PageChecks.AssertNoAxeViolationsAsync(page, "appointments, a file uploaded");
        // The refused save answers 400 on purpose (the form again, with its error); nothing else may have failed.
        Assert.That(browser.Errors, Has.Count.EqualTo(1).And.All.Contains("status of 400").And.All.Contains("handler=attendance"));
    }

    [Test]
    public async Task The_page_fits_320_px_without_sideways_scrolling()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress, width: 320, height: 640);
        await browser.SignInAsync("sara");

        await browser.GotoAsync("/supervisione/appuntamenti?cpi=MI_CENTRO&giorno=2026-11-20");

        await Expect(browser.Page.Locator($"#esito-{mario}")).ToBeVisibleAsync();
        await PageChecks.ScreenshotAsync(browser.Page, "appuntamenti-320px");
        await PageChecks.AssertNoHorizontalScrollAsync(browser.Page);
        await PageChecks.AssertNoAxeViolationsAsync(browser.Page, "appointments, 320 px");
        browser.AssertNoErrors();
    }
}
