using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using System.Text;
using Dialer.Tests.Selection;

namespace Dialer.Tests.Campaigns;

public sealed class CampaignsApiTests : DatabaseTest
{
    static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    static object Document(string slug = "donne-milano", string sex = "F") => new
    {
        slug,
        name = "Donne 30–44, Milano",
        callerId = "+390277404040",
        territory = new { comuni = new[] { "F205" } },
        cohort = new { sex, ageMin = 30, ageMax = 44 },
    };

    [Test]
    public async Task Put_creates_then_replaces_and_get_lists_it()
    {
        using var app = new DialerApp();

        var created = await app.Admin.PutAsync("/api/campaigns/donne-milano", Json(Document()));
        var replaced = await app.Admin.PutAsync("/api/campaigns/donne-milano", Json(Document(sex: "M")));
        var list = await app.Admin.GetFromJsonAsync<JsonElement>("/api/campaigns");

        Assert.Multiple(() =>
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(created.Headers.Location?.ToString(), Is.EqualTo("/api/campaigns/donne-milano"));
            Assert.That(replaced.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(list.GetArrayLength(), Is.EqualTo(1));
            Assert.That(list[0].GetProperty("definition").GetProperty("cohort").GetProperty("sex").GetString(), Is.EqualTo("M"));
            Assert.That(list[0].GetProperty("definition").GetProperty("priority").GetString(), Is.EqualTo("longest_without_work_first"));
        });
    }

    [Test]
    public async Task The_slug_comes_from_the_address_when_the_body_has_none()
    {
        using var app = new DialerApp();
        var body = JsonSerializer.SerializeToNode(Document())!.AsObject();
        body.Remove("slug");

        var response = await app.Admin.PutAsync("/api/campaigns/da-indirizzo", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task An_invalid_document_gets_a_validation_problem_naming_each_field()
    {
        using var app = new DialerApp();

        var response = await app.Admin.PutAsync("/api/campaigns/donne-milano", Json(Document(sex: "W")));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(problem.GetProperty("errors").GetProperty("cohort.sex")[0].GetString(), Does.Contain("\"F\" o \"M\""), "Italian, the admin's language");
        });
    }

    [Test]
    public async Task A_slug_that_disagrees_with_the_address_is_refused()
    {
        using var app = new DialerApp();

        var response = await app.Admin.PutAsync("/api/campaigns/altra", Json(Document("donne-milano")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task The_selection_preview_returns_the_cascade_and_404_for_an_unknown_campaign()
    {
        await Population.ImportAsync(Population.Eligible("ALFA"), Population.Eligible("BETA", sex: 'M'));
        using var app = new DialerApp();
        await app.Admin.PutAsync("/api/campaigns/donne-milano", Json(Document()));

        var preview = await app.Admin.GetFromJsonAsync<JsonElement>("/api/campaigns/donne-milano/selection?asOf=2025-06-02");
        var missing = await app.Admin.GetAsync("/api/campaigns/nessuna/selection");

        Assert.Multiple(() =>
        {
            Assert.That(preview.GetProperty("considered").GetInt64(), Is.EqualTo(2));
            Assert.That(preview.GetProperty("eligible").GetInt64(), Is.EqualTo(1));
            var sex = preview.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("rule").GetString() == "cohort_sex");
            Assert.That(sex.GetProperty("excluded").GetInt64(), Is.EqualTo(1));
            Assert.That(sex.GetProperty("label").GetString(), Does.Contain("Sesso"));
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task A_supervisor_pauses_and_resumes_a_campaign_each_change_audited_once_and_a_repeat_says_nothing_changed()
    {
        using var app = new DialerApp();
        await app.Admin.PutAsync("/api/campaigns/donne-milano", Json(Document()));
        var supervisor = await app.ClientAsync("sara", Dialer.Core.Accounts.UserRole.Supervisor);
        var operatorClient = await app.OperatorAsync("carla");

        var paused = await supervisor.PostAsync("/api/campaigns/donne-milano/pause", null);
        var pausedAgain = await supervisor.PostAsync("/api/campaigns/donne-milano/pause", null);
        var shown = await supervisor.GetFromJsonAsync<JsonElement>("/api/campaigns/donne-milano");
        var byOperator = await operatorClient.PostAsync("/api/campaigns/donne-milano/resume", null);
        var resumed = await supervisor.PostAsync("/api/campaigns/donne-milano/resume", null);
        var missing = await supervisor.PostAsync("/api/campaigns/nessuna/pause", null);
        await using var conn = await Db.OpenConnectionAsync();
        var audited = (await conn.QueryAsync<(string Actor, string ActorRole, string Action, string Subject)>(
            "SELECT actor, actor_role, action, subject FROM audit_log WHERE action LIKE 'campaign_%' AND action <> 'campaign_changed' ORDER BY id")).ToList();
        var stored = await conn.QuerySingleAsync<(bool Column, bool Document)>(
            "SELECT active, (definition->>'active')::boolean FROM campaigns WHERE slug = 'donne-milano'");

        var first = await paused.Content.ReadFromJsonAsync<JsonElement>();
        var second = await pausedAgain.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Multiple(() =>
        {
            Assert.That(paused.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(first.GetProperty("active").GetBoolean(), Is.False);
            Assert.That(first.GetProperty("changed").GetBoolean(), Is.True);
            Assert.That(pausedAgain.StatusCode, Is.EqualTo(HttpStatusCode.OK), "pausing a paused campaign is fine");
            Assert.That(second.GetProperty("changed").GetBoolean(), Is.False);
            Assert.That(second.GetProperty("message").GetString(), Does.Contain("già sospesa"));
            Assert.That(shown.GetProperty("active").GetBoolean(), Is.False);
            Assert.That(shown.GetProperty("definition").GetProperty("active").GetBoolean(), Is.False, "the kept document says paused too");
            Assert.That(byOperator.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(resumed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(audited, Is.EqualTo(new[]
            {
                ("sara (token test)", "supervisor", "campaign_paused", "campaign:donne-milano"),
                ("sara (token test)", "supervisor", "campaign_resumed", "campaign:donne-milano"),
            }));
            Assert.That(stored, Is.EqualTo((true, true)));
        });
    }

    [Test]
    public async Task A_paused_campaign_applied_again_from_its_shown_document_stays_paused()
    {
        using var app = new DialerApp();
        await app.Admin.PutAsync("/api/campaigns/donne-milano", Json(Document()));
        await app.Admin.PostAsync("/api/campaigns/donne-milano/pause", null);

        var shown = await app.Admin.GetFromJsonAsync<JsonElement>("/api/campaigns/donne-milano");
        var reapplied = await app.Admin.PutAsync("/api/campaigns/donne-milano",
            new StringContent(shown.GetProperty("definition").GetRawText(), Encoding.UTF8, "application/json"));
        var after = await app.Admin.GetFromJsonAsync<JsonElement>("/api/campaigns/donne-milano");

        Assert.Multiple(() =>
        {
            Assert.That(reapplied.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(after.GetProperty("active").GetBoolean(), Is.False);
        });
    }
}
