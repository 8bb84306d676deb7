using Dialer.Core.Accounts;
using Dialer.Core.Operators;
using Dialer.Tests.Browser;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dialer.Tests.Supervision;

/// <summary>
/// /supervisione/situazione in Chromium, signed in as a supervisor: rendered on the server, then kept current by the
/// event stream; zero axe violations, every control reached with Tab, no sideways scrolling at 320 px.
/// </summary>
public sealed class WallboardBrowserTests : DatabaseTest
{
    DialerApp app = null!;
    OperatorRoster roster = null!;

    [SetUp]
    public async Task StartAsync()
    {
        app = new DialerApp();
        await app.AccountAsync("sara", UserRole.Supervisor);
        var directory = app.Services.GetRequiredService<OperatorDirectory>();
        roster = app.Services.GetRequiredService<OperatorRoster>();
        foreach (var identity in new[] { "anna", "bruno" })
        {
            await directory.SaveAsync(new OperatorProfile(identity, "Operatore " + identity), default);
            await roster.SignInAsync(identity, default);
        }
        await roster.PauseAsync("anna", PauseReason.Break, default);
        await using var conn = await Db.OpenConnectionAsync();
        var campaign = await conn.ExecuteScalarAsync<long>("""
            INSERT INTO campaigns (slug, name, active, caller_id, definition)
            VALUES ('cob23', 'Cob23 Milano', true, '+390277404040', '{}') RETURNING id
            """);
        await conn.ExecuteAsync("""
            INSERT INTO call_queue_ready (queue_id, campaign_id, priority, due_at)
            SELECT i, @campaign, 1, now() - interval '1 minute' FROM generate_series(1, 1240) i
            """, new { campaign });
    }

    [TearDown]
    public void StopApp() => app.Dispose();

    [Test]
    public async Task The_page_shows_the_floor_and_a_tile_follows_an_operator_who_becomes_available()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress);
        var page = browser.Page;
        await browser.SignInAsync("sara");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Navigazione principale" })
            .GetByRole(AriaRole.Link, new() { Name = "Situazione" }).ClickAsync();
        await page.WaitForURLAsync("**/supervisione/situazione");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Situazione in tempo reale");
        await Expect(Tile(page, "available")).ToHaveTextAsync("1 Operatori disponibili");
        await Expect(Tile(page, "paused")).ToHaveTextAsync("1 In pausa");
        await Expect(Tile(page, "ready")).ToContainTextAsync("1.240 In coda");
        await Expect(page.Locator("#annunci")).ToBeVisibleAsync();
        await PageChecks.AssertAriaSnapshotAsync(page.Locator("#operatori"), """
            - table /Operatori in servizio, con lo stato e da quanto tempo \(2\)/:
              - rowgroup:
                - row:
                  - columnheader "Operatore"
                  - columnheader "Stato"
                  - columnheader "Da quanto"
                  - columnheader "Campagna"
              - rowgroup:
                - row /Operatore anna In pausa \(Pausa\)/:
                  - rowheader "Operatore anna"
                - row /Operatore bruno Disponibile/:
                  - rowheader "Operatore bruno"
            """);
        await PageChecks.ScreenshotAsync(page, "situazione");
        await PageChecks.AssertNoAxeViolationsAsync(page, "wallboard");

        // The keyboard reaches the announcements' checkbox and both tables' scrolling regions.
        await TabToAsync(page, page.Locator("#annunci"));
        await TabToAsync(page, page.GetByRole(AriaRole.Region, new() { Name = "Operatori" }));
        await TabToAsync(page, page.GetByRole(AriaRole.Region, new() { Name = "Coda per campagna" }));

        // anna comes back from her break: the tiles and her row change without a reload, and the change is announced.
        await roster.SetAvailableAsync("anna", default);
        await Expect(Tile(page, "available")).ToHaveTextAsync("2 Operatori disponibili", new() { Timeout = 30_000 });
        await Expect(Tile(page, "paused")).ToHaveTextAsync("0 In pausa");
        await Expect(page.Locator("#operatori tbody tr").First).ToContainTextAsync("Disponibile");
        await Expect(page.Locator("#annuncio")).ToHaveTextAsync("Disponibili 2, in chiamata 0, in pausa 0, in coda 1.240.");
        await PageChecks.AssertNoAxeViolationsAsync(page, "wallboard after a live update");
        browser.AssertNoErrors();
    }

    [Test]
    public async Task Turning_the_announcements_off_with_the_keyboard_is_remembered()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress);
        var page = browser.Page;
        await browser.SignInAsync("sara");
        await browser.GotoAsync("/supervisione/situazione");
        await Expect(page.Locator("#annunci")).ToBeCheckedAsync();

        await TabToAsync(page, page.Locator("#annunci"));
        await page.Keyboard.PressAsync("Space");
        await Expect(page.Locator("#annunci")).Not.ToBeCheckedAsync();
        await page.ReloadAsync();

        await Expect(page.Locator("#annunci")).ToBeVisibleAsync();
        await Expect(page.Locator("#annunci")).Not.ToBeCheckedAsync();
        browser.AssertNoErrors();
    }

    [Test]
    public async Task Changes_are_announced_at_most_every_30_seconds_and_only_the_latest()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress);
        var page = browser.Page;
        await browser.SignInAsync("sara");
        // The page's timers and Date run on Playwright's clock from here on: the 30 s are moved, not waited for.
        await page.Clock.InstallAsync();
        await browser.GotoAsync("/supervisione/situazione");
        await Expect(page.Locator("#annunci")).ToBeVisibleAsync();
        var region = page.Locator("#annuncio");

        await roster.SetAvailableAsync("anna", default);
        await Expect(Tile(page, "available")).ToHaveTextAsync("2 Operatori disponibili", new() { Timeout = 30_000 });
        await page.Clock.RunForAsync(1000);
        await Expect(region).ToHaveTextAsync("Disponibili 2, in chiamata 0, in pausa 0, in coda 1.240.");

        // Two more changes inside the quiet time: neither is read yet; at its end only the latest is.
        await roster.PauseAsync("bruno", PauseReason.Meeting, default);
        await Expect(Tile(page, "paused")).ToHaveTextAsync("1 In pausa", new() { Timeout = 30_000 });
        await roster.PauseAsync("anna", PauseReason.Training, default);
        await Expect(Tile(page, "paused")).ToHaveTextAsync("2 In pausa", new() { Timeout = 30_000 });
        await page.Clock.RunForAsync(20_000);
        await Expect(region).ToHaveTextAsync("Disponibili 2, in chiamata 0, in pausa 0, in coda 1.240.");
        await page.Clock.RunForAsync(11_000);
        await Expect(region).ToHaveTextAsync("Disponibili 0, in chiamata 0, in pausa 2, in coda 1.240.");
        browser.AssertNoErrors();
    }

    [Test]
    public async Task At_320_px_the_page_does_not_scroll_sideways_and_has_no_axe_violations()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress, width: 320, height: 640);
        var page = browser.Page;
        await browser.SignInAsync("sara");
        await browser.GotoAsync("/supervisione/situazione");
        await Expect(page.Locator("#annunci")).ToBeVisibleAsync();

        await PageChecks.ScreenshotAsync(page, "situazione-320px");
        await PageChecks.AssertNoHorizontalScrollAsync(page);
        await PageChecks.AssertNoAxeViolationsAsync(page, "wallboard at 320 px");
    }

    /// <summary>A tile: its number, its words and its detail, as read.</summary>
    static ILocator Tile(IPage page, string key) => page.Locator($"[data-tile=\"{key}\"]");

    static async Task TabToAsync(IPage page, ILocator target)
    {
        for (var i = 0; i < 80; i++)
        {
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement")) return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"{target} was not reached with Tab");
    }
}
