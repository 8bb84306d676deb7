using Dialer.Core.Accounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dialer.Tests.Browser;

/// <summary>
/// The layout's header for a signed-in user, signed in through the sign-in page: who it is, the menu of what their role
/// may open, and Esci (a POST with an antiforgery token to /esci).
/// </summary>
public sealed class SignedInLayoutTests
{
    static DialerApp app = null!;

    [OneTimeSetUp]
    public static async Task StartApi()
    {
        app = new DialerApp();
        await app.AccountAsync("mrossi", UserRole.Admin);
        await app.AccountAsync("sara", UserRole.Supervisor);
    }

    [OneTimeTearDown]
    public static void StopApi() => app.Dispose();

    [Test]
    public async Task Header_names_the_signed_in_user_and_offers_Esci_as_a_form_with_an_antiforgery_token()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress);
        await browser.SignInAsync("mrossi");
        var html = await browser.Page.ContentAsync();

        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("mrossi"));
            Assert.That(html, Does.Match(@"<form method=""post"" action=""/esci"">\s*<button[^>]*>[\s\S]*?Esci"));
            Assert.That(html, Does.Match(@"action=""/esci"">[\s\S]*?name=""__RequestVerificationToken"""));
            Assert.That(html, Does.Match(@"<meta name=""csrf-token"" content=""[^""]+"""), "for a page script's API calls");
        });
    }

    [Test]
    public async Task The_menu_offers_what_the_role_may_open_and_marks_the_current_page()
    {
        await using var admin = await Chromium.NewPageAsync(app.BaseAddress);
        await admin.SignInAsync("mrossi");
        await admin.GotoAsync("/admin/utenti");
        await using var supervisor = await Chromium.NewPageAsync(app.BaseAddress);
        await supervisor.SignInAsync("sara");

        var menu = admin.Page.GetByRole(AriaRole.Navigation, new() { Name = "Navigazione principale" });
        var adminItems = await menu.GetByRole(AriaRole.Link).AllInnerTextsAsync();
        var supervisorItems = await supervisor.Page.GetByRole(AriaRole.Navigation, new() { Name = "Navigazione principale" })
            .GetByRole(AriaRole.Link).AllInnerTextsAsync();

        await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Utenti" })).ToHaveAttributeAsync("aria-current", "page");
        Assert.Multiple(() =>
        {
            Assert.That(adminItems.Select(i => i.Trim()), Is.EqualTo(new[]
            {
                "Stato del sistema", "Utenti", "Token API", "Registro delle attività", "Situazione", "Risultati", "Esiti", "Equità", "Campagne", "Appuntamenti", "Attività pianificate", "Riferimento API", "Lingua", "Cambia la password",
            }));
            Assert.That(supervisorItems.Select(i => i.Trim()), Is.EqualTo(new[] { "Stato del sistema", "Situazione", "Risultati", "Esiti", "Equità", "Campagne", "Appuntamenti", "Attività pianificate", "Lingua", "Cambia la password" }));
        });
    }

    [Test]
    public async Task Signed_in_header_has_no_axe_violations_and_fits_320_px()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress, width: 320, height: 640);
        var page = browser.Page;

        await browser.SignInAsync("mrossi");

        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Esci" })).ToBeVisibleAsync();
        await PageChecks.ScreenshotAsync(page, "status-signed-in-320px");
        await PageChecks.AssertNoHorizontalScrollAsync(page);
        await PageChecks.AssertNoAxeViolationsAsync(page, "status page, signed in, 320 px");
        browser.AssertNoErrors();
    }
}
