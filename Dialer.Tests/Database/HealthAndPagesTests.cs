using System.Net;
using System.Text.Json;

namespace Dialer.Tests.Database;

public sealed class HealthAndPagesTests
{
    [Test]
    public async Task Live_answers_without_checking_dependencies()
    {
        using var app = new DialerApp();

        var response = await app.Client.GetAsync("/health/live");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await JsonAsync(response)).GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        });
    }

    [Test]
    public async Task Ready_is_healthy_on_a_migrated_database()
    {
        using var app = new DialerApp();

        var response = await app.Client.GetAsync("/health/ready");
        var body = await JsonAsync(response);
        var postgres = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "postgresql");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
            Assert.That(postgres.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        });
    }

    [Test]
    public async Task Ready_is_unhealthy_when_migrations_are_pending()
    {
        const string scratch = "unmigrated";
        var cs = await TestDatabase.CreateScratchDatabaseAsync(scratch);
        try
        {
            using var app = new DialerApp(cs);

            var response = await app.Client.GetAsync("/health/ready");
            var postgres = (await JsonAsync(response)).GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "postgresql");

            Assert.Multiple(() =>
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                Assert.That(postgres.GetProperty("description").GetString(), Does.Contain("pending").And.Contain("dialer migrate"));
            });
        }
        finally
        {
            await TestDatabase.DropScratchDatabaseAsync(scratch);
        }
    }

    [Test]
    public async Task Ready_is_unhealthy_when_postgres_is_unreachable()
    {
        // Nothing listens on port 1; the API must still start and say why it is not ready.
        using var app = new DialerApp("Host=127.0.0.1;Port=1;Username=postgres;Database=none;Timeout=2");

        var response = await app.Client.GetAsync("/health/ready");
        var postgres = (await JsonAsync(response)).GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "postgresql");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(postgres.GetProperty("description").GetString(), Does.Contain("not reachable"));
        });
    }

    [Test]
    public async Task Start_page_is_italian_and_reports_the_schema()
    {
        using var app = new DialerApp();

        var response = await app.Admin.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(html, Does.Contain("<html lang=\"it\">"));
            Assert.That(html, Does.Contain("Vai al contenuto"), "skip link for keyboard and screen-reader users");
            Assert.That(html, Does.Contain("Aggiornato"));
        });
    }

    [TestCase("/css/site.css", "dl.status", Description = "ours, for what the kit lacks")]
    [TestCase("/lib/bootstrap-italia/css/bootstrap-italia.min.css", ".it-header-wrapper", Description = "restored from npm by the build")]
    [TestCase("/lib/bootstrap-italia/svg/sprites.svg", "id=\"it-check-circle\"", Description = "the kit's icons")]
    [TestCase("/lib/twilio-voice-sdk/twilio.min.js", "Twilio", Description = "the browser softphone's SDK")]
    public async Task Stylesheets_icons_and_browser_libraries_are_served_from_our_origin(string path, string content)
    {
        using var app = new DialerApp();

        var response = await app.Client.GetAsync(path);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(content));
        });
    }

    [Test]
    public async Task OpenApi_document_is_published()
    {
        using var app = new DialerApp();

        var response = await app.Admin.GetAsync("/openapi/v1.json");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await JsonAsync(response)).GetProperty("openapi").GetString(), Does.StartWith("3."));
        });
    }

    [Test]
    public async Task Unknown_paths_get_problem_details_and_reveal_nothing_before_sign_in()
    {
        using var app = new DialerApp();

        var response = await app.Admin.GetAsync("/api/no-such-thing");
        var anonymous = await app.Client.GetAsync("/api/no-such-thing");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That((await JsonAsync(response)).GetProperty("status").GetInt32(), Is.EqualTo(404));
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the same answer as for a route that exists");
            Assert.That(anonymous.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        });
    }

    static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
