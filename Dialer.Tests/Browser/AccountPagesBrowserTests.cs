using Dialer.Core.Accounts;
using Dialer.Core.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dialer.Tests.Browser;

/// <summary>
/// Sign-in, lockout, role denial and the admin's pages in Chromium, against the real host: every page and state reached
/// here has zero axe violations and leaves a screenshot (docs/accessibility.md).
/// </summary>
public sealed class AccountPagesBrowserTests : DatabaseTest
{
    DialerApp app = null!;

    [SetUp]
    public async Task StartApp()
    {
        app = new DialerApp();
        await app.AccountAsync("mrossi", UserRole.Admin);
        await app.AccountAsync("carla", UserRole.Operator);
    }

    [TearDown]
    public void StopApp() => app.Dispose();

    [Test]
    public async Task A_wrong_password_is_refused_with_a_focused_message_tied_to_the_username_and_the_failure_is_audited()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress);
        var page = browser.Page;
        await browser.GotoAsync("/accedi");
        await PageChecks.ScreenshotAsync(page, "accedi");
        await PageChecks.AssertNoAxeViolationsAsync(page, "sign-in page");

        browser.AssertNoErrors();
        await page.Locator("#username").FillAsync("mrossi");
        await page.Locator("#password").FillAsync("non-è-questa");
        await page.Locator("#password").PressAsync("Enter");

        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("Nome utente o password non corretti.");
        await Expect(alert).ToBeFocusedAsync();
        await Expect(page.Locator("#username")).ToHaveAttributeAsync("aria-describedby", "errore-accesso");
        await PageChecks.ScreenshotAsync(page, "accedi-errore");
        await PageChecks.AssertNoAxeViolationsAsync(page, "sign-in page, wrong password");
        var failed = await app.Services.GetRequiredService<AuditLog>().PageAsync(new AuditQuery { Action = AuditActions.SignInFailed }, default);
        Assert.That(failed.Entries.Select(e => e.Actor), Is.EqualTo(new[] { "mrossi" }));
    }

    [Test]
    public async Task The_fifth_wrong_password_locks_the_account_and_the_right_one_is_then_refused_too()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress);
        var page = browser.Page;
        await browser.GotoAsync("/accedi");

        for (var i = 0; i < UserAccounts.MaxFailedSignIns; i++)
        {
            await page.Locator("#username").FillAsync("carla");
            await page.Locator("#password").FillAsync($"sbagliata-{i}");
            await page.Locator("#password").PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        }
        await page.Locator("#username").FillAsync("carla");
        await page.Locator("#password").FillAsync(DialerApp.Password);
        await page.Locator("#password").PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Troppi tentativi non riusciti: l'account è bloccato fino alle");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/accedi"));
        await PageChecks.ScreenshotAsync(page, "accedi-bloccato");
        await PageChecks.AssertNoAxeViolationsAsync(page, "sign-in page, locked out");
    }

    [Test]
    public async Task An_operator_sent_to_an_admin_page_lands_on_the_denied_page()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress);
        await browser.SignInAsync("carla");
        var page = browser.Page;

        await page.GotoAsync("/admin/utenti");

        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/accesso-negato"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Accesso negato");
        await PageChecks.ScreenshotAsync(page, "accesso-negato");
        await PageChecks.AssertNoAxeViolationsAsync(page, "denied page");
    }

    [Test]
    public async Task The_admins_pages_have_no_axe_violations_with_and_without_errors()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress);
        await browser.SignInAsync("mrossi");
        var page = browser.Page;

        foreach (var (path, name) in new[]
        {
            ("/admin/utenti", "admin-utenti"), ("/admin/utenti/carla", "admin-utente"), ("/admin/token", "admin-token"),
            ("/admin/registro", "admin-registro"), ("/account/password", "cambia-password"),
        })
        {
            await browser.GotoAsync(path);
            await PageChecks.ScreenshotAsync(page, name);
            await PageChecks.AssertNoAxeViolationsAsync(page, path);
        }

        browser.AssertNoErrors();

        // A new account with a short password and no name (answered 400): the summary takes focus, each message by its field.
        await browser.GotoAsync("/admin/utenti");
        await page.Locator("#username").FillAsync("giulia.neri");
        await page.Locator("#password").FillAsync("corta");
        await page.GetByRole(AriaRole.Button, new() { Name = "Crea l'account" }).ClickAsync();

        await Expect(page.Locator("[data-error-summary]")).ToBeFocusedAsync();
        await Expect(page.Locator("#password-errore")).ToBeVisibleAsync();
        await PageChecks.ScreenshotAsync(page, "admin-utenti-errori");
        await PageChecks.AssertNoAxeViolationsAsync(page, "/admin/utenti with errors");
    }
}
