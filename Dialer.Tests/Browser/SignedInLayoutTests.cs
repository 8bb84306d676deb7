using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dialer.Tests.Browser;

/// <summary>
/// The layout's header for a signed-in user: who it is, and Esci (a POST with an antiforgery token to /esci). The user
/// is put on every request by a startup filter, so that the layout is tested apart from the sign-in pages.
/// </summary>
public sealed class SignedInLayoutTests
{
    static DialerApp app = null!;

    [OneTimeSetUp]
    public static void StartApi() => app = new DialerApp(services: s => s.AddSingleton<IStartupFilter, SignedInAs>());

    [OneTimeTearDown]
    public static void StopApi() => app.Dispose();

    [Test]
    public async Task Header_names_the_signed_in_user_and_offers_Esci_as_a_form_with_an_antiforgery_token()
    {
        var html = await app.Client.GetStringAsync("/");

        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("mrossi"));
            Assert.That(html, Does.Match(@"<form method=""post"" action=""/esci"">\s*<button[^>]*>[\s\S]*?Esci"));
            Assert.That(html, Does.Match(@"action=""/esci"">[\s\S]*?name=""__RequestVerificationToken"""));
        });
    }

    [Test]
    public async Task Signed_in_header_has_no_axe_violations_and_fits_320_px()
    {
        await using var browser = await Chromium.NewPageAsync(app.BaseAddress, width: 320, height: 640);
        var page = browser.Page;

        await browser.GotoAsync("/");

        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Esci" })).ToBeVisibleAsync();
        await PageChecks.ScreenshotAsync(page, "status-signed-in-320px");
        await PageChecks.AssertNoHorizontalScrollAsync(page);
        await PageChecks.AssertNoAxeViolationsAsync(page, "status page, signed in, 320 px");
        browser.AssertNoErrors();
    }

    sealed class SignedInAs : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "mrossi")], "Test"));
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
