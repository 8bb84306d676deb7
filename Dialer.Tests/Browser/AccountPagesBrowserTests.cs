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
        await browser.SubmitSignInAsync("mrossi", "non-è-questa");

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
            await browser.SubmitSignInAsync("carla", $"sbagliata-{i}");
            await Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        }
        await browser.SubmitSignInAsync("carla", DialerApp.Password);

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

    [Test]
    public async Task An_admin_creates_an_operator_who_can_then_sign_in_to_the_console()
    {
        await using (var conn = await Db.OpenConnectionAsync())
            await conn.ExecuteAsync("INSERT INTO cpi_offices (code, name) VALUES ('MI_CENTRO', 'CPI Milano')");
        await using var admin = await Chromium.NewPageAsync(app.BaseAddress);
        await admin.SignInAsync("mrossi");
        var page = admin.Page;

        await admin.GotoAsync("/admin/utenti");
        await page.GetByLabel("Nome utente").FillAsync("giulia.neri");
        await page.GetByLabel("Nome e cognome").FillAsync("Giulia Neri");
        await page.GetByLabel("Ruolo").SelectOptionAsync("operator");
        await page.GetByLabel("Password iniziale").FillAsync("una-password-lunga");
        await page.GetByRole(AriaRole.Button, new() { Name = "Crea l'account" }).ClickAsync();

        // An operator account lands on its page, to choose the CPI its appointments are booked at.
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Account «giulia.neri» creato");
        await page.GetByLabel("Centro per l'Impiego").SelectOptionAsync("MI_CENTRO");
        await page.GetByLabel("Telefono da scrivania (facoltativo)").FillAsync("chiamare in sede");
        await page.GetByRole(AriaRole.Button, new() { Name = "Salva" }).ClickAsync();
        await Expect(page.Locator("#phone-errore")).ToBeVisibleAsync();
        await PageChecks.ScreenshotAsync(page, "admin-operatore-errore");
        await PageChecks.AssertNoAxeViolationsAsync(page, "operator account with a wrong phone");
        await page.GetByLabel("Telefono da scrivania (facoltativo)").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Salva" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Modifiche salvate.");

        await using var giulia = await Chromium.NewPageAsync(app.BaseAddress);
        await giulia.SignInAsync("giulia.neri", "una-password-lunga");

        Assert.That(new Uri(giulia.Page.Url).AbsolutePath, Is.EqualTo("/console"));
        await Expect(giulia.Page.Locator("h1")).ToHaveTextAsync("Non sei in servizio");
        var profile = await app.Services.GetRequiredService<Dialer.Core.Operators.OperatorDirectory>().FindAsync("giulia.neri", default);
        var changes = await app.Services.GetRequiredService<AuditLog>().PageAsync(new AuditQuery { Action = AuditActions.UserChanged }, default);
        Assert.Multiple(() =>
        {
            Assert.That((profile?.DisplayName, profile?.CpiCode, profile?.PhoneE164), Is.EqualTo(("Giulia Neri", "MI_CENTRO", (string?)null)));
            Assert.That(changes.Entries.Select(e => (e.Actor, e.Subject)), Is.EquivalentTo(new[]
            {
                ("mrossi", "user:giulia.neri"), ("mrossi", "user:giulia.neri"), ("mrossi", "operator:giulia.neri"),
            }), "the account created, then changed with its operator profile; the refused save changed nothing");
        });
    }

    [Test]
    public async Task A_person_who_chooses_English_reads_the_pages_and_the_messages_in_English_and_Italian_stays_the_default()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress);
        await browser.SignInAsync("mrossi");
        var page = browser.Page;
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "it");

        await browser.GotoAsync("/account/lingua");
        await page.Locator("label[for=lingua-en]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Salva" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("From now on the pages are in English.");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await PageChecks.AssertNoAxeViolationsAsync(page, "language page, English");
        await browser.GotoAsync("/admin/utenti");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Users");
        await page.GetByLabel("Username").FillAsync("giulia.neri");
        await page.GetByLabel("Full name").FillAsync("Giulia Neri");
        await page.GetByLabel("Initial password").FillAsync("corta");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the account" }).ClickAsync();

        await Expect(page.Locator("[data-error-summary]")).ToContainTextAsync("There is a problem");
        await Expect(page.Locator("#password-errore")).ToHaveTextAsync("At least 12 characters.");
        await PageChecks.ScreenshotAsync(page, "admin-utenti-inglese");
        await PageChecks.AssertNoAxeViolationsAsync(page, "/admin/utenti in English, with an error");
        var menu = await page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link).AllInnerTextsAsync();
        await using var other = await Chromium.NewPageAsync(app.BaseAddress);
        await other.SignInAsync("carla");
        await other.GotoAsync("/account/password");

        Assert.Multiple(() =>
        {
            Assert.That(menu.Select(m => m.Trim()), Does.Contain("Audit log").And.Contain("Change password"));
            Assert.That(other.Page.Url, Does.EndWith("/account/password"));
        });
        await Expect(other.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Cambia la password");
    }
}
