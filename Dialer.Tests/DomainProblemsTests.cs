using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Dialer.Tests.Operators;

namespace Dialer.Tests;

/// <summary>
/// Each domain exception that Dialer.Api maps to a problem (Dialer.Api/DomainProblems.cs), raised through a real route
/// over real HTTP: its status, its Italian title, and its body (the fields in error, or the detail).
/// </summary>
public sealed class DomainProblemsTests : OperatorsTest
{
    sealed record Clients(HttpClient Admin, HttpClient Anna, HttpClient Nessuno);

    sealed record Case(string Exception, Func<Clients, Task<HttpResponseMessage>> Send, HttpStatusCode Status, string Title,
        string? Field = null, string? Extension = null);

    [Test]
    public async Task Every_domain_exception_becomes_its_status_and_problem_with_an_Italian_title()
    {
        using var app = new DialerApp();
        await app.Admin.PutAsJsonAsync("/api/operators/anna", new { name = "Anna Rossi" });
        var clients = new Clients(app.Admin, await app.OperatorAsync("anna"), await app.OperatorAsync("nessuno"));
        var attempt = await AttemptAsync(await CampaignAsync());
        Case[] cases =
        [
            new("OperatorValidationException", c => c.Admin.PutAsJsonAsync("/api/operators/anna%20rossi", new { name = "" }),
                HttpStatusCode.BadRequest, "L'operatore non è valido", Field: "identity"),
            new("DispositionValidationException", c => c.Anna.PostAsJsonAsync($"/api/calls/{attempt}/disposition", new { code = "refused" }),
                HttpStatusCode.BadRequest, "L'esito non è valido", Field: "reason"),
            new("CampaignValidationException", c => c.Admin.PutAsJsonAsync("/api/campaigns/donne", new { name = "Donne", callerId = "+390277404040", territory = new { comuni = new[] { "F205" } }, cohort = new { sex = "W" } }),
                HttpStatusCode.BadRequest, "La campagna non è valida", Field: "cohort.sex"),
            new("SkipReasonException", c => c.Anna.PostAsJsonAsync($"/api/calls/{attempt}/skip", new { reason = "boh" }),
                HttpStatusCode.BadRequest, "Motivo non valido", Field: "reason"),
            new("OperatorNotFoundException", c => c.Nessuno.PostAsync("/api/me/sign-in", null),
                HttpStatusCode.NotFound, "Operatore sconosciuto"),
            new("CallNotFoundException", c => c.Anna.PostAsJsonAsync("/api/calls/424242/disposition", new { code = "already_employed" }),
                HttpStatusCode.NotFound, "Chiamata sconosciuta"),
            new("PresenceMoveRefusedException", c => c.Anna.PostAsync("/api/me/available", null),
                HttpStatusCode.Conflict, "Operazione non consentita", Extension: "operator"),
            new("DispositionConflictException", c => c.Anna.PostAsJsonAsync($"/api/calls/{attempt}/disposition", new { code = "already_employed" }),
                HttpStatusCode.Conflict, "Esito non registrabile"),
        ];

        var answers = new List<(Case Case, HttpResponseMessage Response, JsonElement Problem)>();
        foreach (var c in cases)
        {
            var response = await c.Send(clients);
            answers.Add((c, response, await response.Content.ReadFromJsonAsync<JsonElement>()));
        }

        Assert.Multiple(() =>
        {
            foreach (var (c, response, problem) in answers)
            {
                Assert.That(response.StatusCode, Is.EqualTo(c.Status), c.Exception);
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), c.Exception);
                Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)c.Status), c.Exception);
                Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo(c.Title), c.Exception);
                if (c.Field is { } field)
                    Assert.That(problem.GetProperty("errors").GetProperty(field)[0].GetString(), Does.StartWith(field + ":"), c.Exception);
                else
                    Assert.That(problem.GetProperty("detail").GetString(), Is.Not.Empty, c.Exception);
                if (c.Extension is { } extension)
                    Assert.That(problem.GetProperty(extension).GetString(), Is.EqualTo("anna"), c.Exception);
            }
        });
    }

    [Test]
    public async Task The_OpenAPI_document_lists_the_problems_each_route_can_answer()
    {
        using var app = new DialerApp();

        var paths = (await app.Admin.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");
        string[] Statuses(string path, string method) =>
            [.. paths.GetProperty(path).GetProperty(method).GetProperty("responses").EnumerateObject().Select(r => r.Name)];

        Assert.Multiple(() =>
        {
            Assert.That(Statuses("/api/operators/{identity}", "put"), Is.SupersetOf(new[] { "200", "201", "400" }));
            Assert.That(Statuses("/api/me/sign-in", "post"), Is.SupersetOf(new[] { "200", "404", "409" }));
            Assert.That(Statuses("/api/me/pause", "post"), Is.SupersetOf(new[] { "200", "400", "404", "409" }));
            Assert.That(Statuses("/api/calls/{attemptId}/disposition", "post"), Is.SupersetOf(new[] { "200", "400", "404", "409" }));
            Assert.That(Statuses("/api/me/preview/next", "post"), Is.SupersetOf(new[] { "200", "204", "404" }));
            Assert.That(Statuses("/api/calls/{attemptId}/call", "post"), Is.SupersetOf(new[] { "200", "404", "409" }));
            Assert.That(Statuses("/api/calls/{attemptId}/skip", "post"), Is.SupersetOf(new[] { "204", "400", "404", "409" }));
            Assert.That(Statuses("/api/campaigns/{slug}", "put"), Is.SupersetOf(new[] { "200", "201", "400" }));
            Assert.That(Statuses("/api/campaigns/{slug}/selection", "get"), Is.SupersetOf(new[] { "200", "400", "404" }));
        });
    }
}
