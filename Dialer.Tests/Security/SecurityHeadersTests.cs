using System.Net;

namespace Dialer.Tests.Security;

/// <summary>Every answer of the API (pages, API routes, static files, errors, webhooks) carries the browser protections.</summary>
public sealed class SecurityHeadersTests
{
    static DialerApp app = null!;

    [OneTimeSetUp]
    public static void StartApi() => app = new DialerApp();

    [OneTimeTearDown]
    public static void StopApi() => app.Dispose();

    [TestCase("GET", "/", HttpStatusCode.OK, Description = "a page")]
    [TestCase("GET", "/accedi", HttpStatusCode.OK, Description = "the sign-in page")]
    [TestCase("GET", "/api/dispositions", HttpStatusCode.OK, Description = "an API route")]
    [TestCase("GET", "/css/site.css", HttpStatusCode.OK, Description = "a static file")]
    [TestCase("GET", "/no-such-page", HttpStatusCode.NotFound, Description = "a 404")]
    [TestCase("POST", "/twilio/voice/status", HttpStatusCode.Forbidden, Description = "an unsigned webhook")]
    public async Task Every_response_carries_the_security_headers(string method, string path, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = new FormUrlEncodedContent([new("CallSid", "CA1")]);

        using var response = await app.Admin.SendAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(expected));
            Assert.That(Header(response, "Content-Security-Policy"), Does.Contain("default-src 'self'")
                .And.Contain("frame-ancestors 'none'").And.Contain("object-src 'none'").And.Not.Contain("unsafe-inline")
                .And.Not.Contain("twilio"), "only the console's softphone reaches Twilio");
            Assert.That(Header(response, "X-Content-Type-Options"), Is.EqualTo("nosniff"));
            Assert.That(Header(response, "X-Frame-Options"), Is.EqualTo("DENY"));
            Assert.That(Header(response, "Referrer-Policy"), Is.EqualTo("no-referrer"));
            Assert.That(Header(response, "Strict-Transport-Security"), Is.Null, "no HSTS in Development, nor over plain HTTP");
        });
    }

    [Test]
    public async Task The_console_alone_lets_the_browser_softphone_reach_twilio()
    {
        var carla = await app.OperatorAsync("carla");

        using var console = await carla.GetAsync("/console");

        Assert.That(Header(console, "Content-Security-Policy"), Does.StartWith("default-src 'self'")
            .And.EndWith("; connect-src 'self' wss://*.twilio.com https://eventgw.twilio.com; media-src 'self' https://sdk.twilio.com"));
    }

    [Test]
    public async Task The_pages_hold_no_inline_script_or_style_that_the_policy_would_block()
    {
        var html = await app.Admin.GetStringAsync("/");

        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Not.Match(@"<script(?![^>]*\bsrc=)"), "scripts come from files");
            Assert.That(html, Does.Not.Contain("<style").And.Not.Contain(" style=").And.Not.Contain(" onclick="));
        });
    }

    static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values) : null;
}
