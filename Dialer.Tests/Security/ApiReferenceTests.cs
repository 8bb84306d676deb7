using System.Net;

namespace Dialer.Tests.Security;

/// <summary>The OpenAPI document and its reference page: for admins only, in every environment.</summary>
public sealed class ApiReferenceTests
{
    [Test]
    public async Task An_admin_reads_the_reference_page_over_the_openapi_document_with_its_script_allowed_by_nonce()
    {
        using var app = new DialerApp();

        using var page = await app.Admin.GetAsync("/scalar/");
        var html = await page.Content.ReadAsStringAsync();
        using var script = await app.Admin.GetAsync("/scalar/scalar.js");
        using var document = await app.Admin.GetAsync("/openapi/v1.json");

        var nonce = System.Text.RegularExpressions.Regex.Match(html, "nonce=\"([^\"]+)\"").Groups[1].Value;
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Multiple(() =>
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(html, Does.Contain("\"url\":\"openapi/v1.json\""), "the page reads the API's own document");
            Assert.That(document.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(script.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the page's script is served by the API itself, from no CDN");
            Assert.That(nonce, Is.Not.Empty, "the inline script carries a nonce");
            Assert.That(policy, Does.Contain($"script-src 'self' 'nonce-{nonce}'").And.Contain("frame-ancestors 'none'").And.Not.Contain("http"));
            Assert.That(html, Does.Contain("\"telemetry\":false"), "no usage telemetry to Scalar");
        });
    }

    [Test]
    public async Task In_production_a_supervisor_is_refused_and_an_anonymous_visitor_is_sent_to_sign_in()
    {
        var settings = new Dictionary<string, string?>(ProductionTelephony.Settings) { ["environment"] = "Production" };
        using var app = new DialerApp(settings: settings);
        var supervisor = await app.ClientAsync("sara", Dialer.Core.Accounts.UserRole.Supervisor);

        using var page = await supervisor.GetAsync("/scalar/");
        using var document = await supervisor.GetAsync("/openapi/v1.json");
        using var anonymous = await app.Client.GetAsync("/openapi/v1.json");
        using var asAdmin = await app.Admin.GetAsync("/openapi/v1.json");

        Assert.Multiple(() =>
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(document.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(anonymous.RequestMessage!.RequestUri!.AbsolutePath, Is.EqualTo("/accedi"));
            Assert.That(asAdmin.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }
}
