using System.Text.RegularExpressions;
using Dialer.Core.Accounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dialer.Tests.Browser;

/// <summary>
/// The status page (<c>/</c>) in Chromium, signed in as a supervisor through the sign-in page: the layout every page
/// shares, on Bootstrap Italia.
/// </summary>
public sealed partial class StatusPageBrowserTests
{
    static DialerApp app = null!;

    [OneTimeSetUp]
    public static async Task StartApi()
    {
        app = new DialerApp();
        await app.AccountAsync("sara", UserRole.Supervisor);
    }

    /// <summary>A page signed in as the supervisor, on the status page.</summary>
    static async Task<BrowserPage> StatusPageAsync(int width = 1280, int height = 900)
    {
        var browser = await Chromium.NewPageAsync(app.BaseAddress, width, height);
        await browser.SignInAsync("sara");
        await browser.GotoAsync("/");
        return browser;
    }

    [OneTimeTearDown]
    public static void StopApi() => app.Dispose();

    [Test]
    public async Task Status_page_wears_Bootstrap_Italia_with_its_fonts_icons_and_script_from_our_origin_and_nothing_refused()
    {
        await using var browser = await StatusPageAsync();
        var page = browser.Page;
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        // The kit's CSS: its header band is the kit's blue, its body font is Titillium Web, loaded from wwwroot/lib.
        await Expect(page.Locator(".it-header-center-wrapper")).ToHaveCSSAsync("background-color", "rgb(0, 102, 204)");
        await Expect(page.Locator("body")).ToHaveCSSAsync("font-family", TitilliumWeb());
        var fontLoaded = await page.EvaluateAsync<bool>(
            "async () => { await document.fonts.ready; return [...document.fonts].some(f => f.family.includes('Titillium Web') && f.status === 'loaded'); }");
        // The kit's script ran (deferred, from our origin): it defines the global bootstrap object.
        var scriptRan = await page.EvaluateAsync<bool>("() => typeof window.bootstrap === 'object'");

        Assert.Multiple(() =>
        {
            Assert.That(fontLoaded, Is.True, "Titillium Web loaded through css/fonts.css");
            Assert.That(scriptRan, Is.True, "bootstrap-italia.bundle.min.js ran");
            // A file the Content-Security-Policy refused (the kit's inline SVG images, say), a 404, a script error.
            browser.AssertNoErrors();
        });
    }

    [Test]
    public async Task Status_page_has_no_axe_violations()
    {
        await using var browser = await StatusPageAsync();

        await PageChecks.ScreenshotAsync(browser.Page, "status");
        await PageChecks.AssertNoAxeViolationsAsync(browser.Page, "status page, database reachable");
    }

    [Test]
    public async Task Status_page_reflows_at_320_px_without_horizontal_scrolling()
    {
        await using var browser = await StatusPageAsync(width: 320, height: 640);

        await PageChecks.ScreenshotAsync(browser.Page, "status-320px");
        await PageChecks.AssertNoHorizontalScrollAsync(browser.Page);
        await PageChecks.AssertNoAxeViolationsAsync(browser.Page, "status page at 320 px");
    }

    [Test]
    public async Task Skip_link_is_the_first_tab_stop_shows_when_focused_and_moves_focus_to_main()
    {
        await using var browser = await StatusPageAsync();
        var page = browser.Page;

        await page.Keyboard.PressAsync("Tab");
        var skip = page.GetByRole(AriaRole.Link, new() { Name = "Vai al contenuto" });
        await Expect(skip).ToBeFocusedAsync();
        var box = await skip.BoundingBoxAsync();
        var ring = await page.EvaluateAsync<string>(
            "() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' && s.outlineWidth !== '0px' && !s.outlineColor.endsWith(', 0)') ? 'outline ' + s.outlineWidth + ' ' + s.outlineColor : s.boxShadow; }");
        await PageChecks.ScreenshotAsync(page, "status-skip-link-focused");

        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("main#contenuto")).ToBeFocusedAsync();
        Assert.Multiple(() =>
        {
            Assert.That(box, Is.Not.Null.And.Property(nameof(box.Width)).GreaterThan(20), "the focused skip link is visible");
            Assert.That(ring, Is.Not.EqualTo("none"), "the focused skip link shows a focus ring (WCAG 2.4.7)");
        });
    }

    [Test]
    public async Task Status_page_reads_as_landmarks_and_headings_to_a_screen_reader()
    {
        await using var browser = await StatusPageAsync();
        var page = browser.Page;

        await PageChecks.AssertAriaSnapshotAsync(page.Locator("body"), """
            - link "Vai al contenuto"
            - banner:
              - paragraph: Centri per l'Impiego · Città Metropolitana di Milano
              - paragraph: "Utente: sara"
              - button "Esci"
              - link "Dialer Ricontatto per i servizi gratuiti dei Centri per l'Impiego"
              - navigation "Navigazione principale":
                - list:
                  - listitem:
                    - link "Stato del sistema"
                  - listitem:
                    - link "Situazione"
                  - listitem:
                    - link "Risultati"
                  - listitem:
                    - link "Esiti"
                  - listitem:
                    - link "Equità"
                  - listitem:
                    - link "Campagne"
                  - listitem:
                    - link "Appuntamenti"
                  - listitem:
                    - link "Attività pianificate"
                  - listitem:
                    - link "Lingua"
                  - listitem:
                    - link "Cambia la password"
            - main:
              - heading "Dialer" [level=1]
              - region "Stato del sistema":
                - heading "Stato del sistema" [level=2]
                - text: Il servizio è pronto.
                - term: Database
                - definition: Raggiungibile
                - term: Schema
                - definition: /Aggiornato/
              - region "Per il personale tecnico":
                - heading "Per il personale tecnico" [level=2]
                - list:
                  - listitem:
                    - link "Prontezza del servizio"
            - contentinfo
            """);
    }

    [GeneratedRegex("Titillium Web")]
    private static partial Regex TitilliumWeb();
}
