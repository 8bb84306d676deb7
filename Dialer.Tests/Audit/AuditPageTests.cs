using System.Net;
using System.Text;
using Dialer.Api.Pages.Admin;
using Dialer.Core.Accounts;
using Dialer.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Audit;

/// <summary>The admin page over real HTTP, asked by the admin "a.bianchi" through a personal API token.</summary>
public sealed class AuditPageTests : DatabaseTest
{
    DialerApp app = null!;
    HttpClient admin = null!;

    [SetUp]
    public async Task StartApp()
    {
        app = new DialerApp();
        admin = await app.ClientAsync("a.bianchi", UserRole.Admin);
    }

    [TearDown]
    public void StopApp() => app.Dispose();

    [Test]
    public async Task The_page_lists_the_entries_that_match_the_filters_in_an_accessible_table()
    {
        var audit = app.Services.GetRequiredService<AuditLog>();
        await audit.RecordAsync(new AuditEntry("m.rossi", AuditActions.PersonViewed, "operator", "RSSMRA80A01F205X", "attempt:7",
            new { view = PersonViews.ScreenPop }), default);
        await audit.RecordAsync(new AuditEntry("l.verdi", AuditActions.SignIn, "operator"), default);

        var html = await admin.GetStringAsync("/admin/registro?azione=person_viewed&cf=rssmra80a01f205x");

        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("<caption>Voci del registro, dalla più recente: 1 in questa pagina</caption>"));
            Assert.That(html, Does.Contain("<th scope=\"col\">Data e ora</th>"));
            Assert.That(html, Does.Contain("Dati personali consultati"));
            Assert.That(html, Does.Contain("RSSMRA80A01F205X"));
            Assert.That(html, Does.Contain("m.rossi<span class=\"text-muted\"> (operatore)</span>"));
            Assert.That(html, Does.Not.Contain("l.verdi"));
            Assert.That(html, Does.Contain("<label for=\"cf\" class=\"form-label\">Codice fiscale</label>"));
            Assert.That(html, Does.Contain("<option value=\"person_viewed\" selected>"));
            Assert.That(html, Does.Contain("handler=csv"));
        });
    }

    [Test]
    public async Task Wrong_filters_are_named_next_to_their_field_in_italian_and_nothing_is_listed()
    {
        await app.Services.GetRequiredService<AuditLog>().RecordAsync(new AuditEntry("m.rossi", AuditActions.SignIn), default);

        var html = await admin.GetStringAsync("/admin/registro?dal=31/02/2026&cf=XYZ");

        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("role=\"alert\""));
            Assert.That(html, Does.Contain("aria-describedby=\"dal-errore\""));
            Assert.That(html, Does.Contain("Dal: &quot;31/02/2026&quot; non è una data (gg/mm/aaaa)."), "letters as they are, quotes encoded");
            Assert.That(html, Does.Contain("aria-describedby=\"cf-errore\""));
            Assert.That(html, Does.Contain("Nessuna voce corrisponde ai filtri."));
        });
    }

    [Test]
    public async Task The_csv_download_has_the_pages_filters_and_is_itself_recorded()
    {
        var audit = app.Services.GetRequiredService<AuditLog>();
        await audit.RecordAsync(new AuditEntry("m.rossi", AuditActions.SignIn), default);
        await audit.RecordAsync(new AuditEntry("l.verdi", AuditActions.SignIn), default);

        using var response = await admin.GetAsync("/admin/registro?handler=csv&utente=l.verdi");
        var body = await response.Content.ReadAsByteArrayAsync();
        var lines = Encoding.UTF8.GetString(body, 3, body.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var exported = (await audit.PageAsync(new AuditQuery { Action = AuditActions.AuditExported }, default)).Entries.Single();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType!.ToString(), Is.EqualTo("text/csv; charset=utf-8"));
            Assert.That(response.Content.Headers.ContentDisposition!.DispositionType, Is.EqualTo("attachment"));
            Assert.That(lines.Skip(1).Select(l => l.Split(';')[3]), Is.EqualTo(new[] { "l.verdi" }), "the filter applies; the export's own row is written before it and filtered out");
            Assert.That((exported.Actor, exported.ActorRole, exported.ClientIp), Is.EqualTo(("a.bianchi (token test)", "admin", "127.0.0.1")));
            Assert.That(exported.Detail, Does.Contain("\"utente\": \"l.verdi\""));
        });
    }

    [Test]
    public void Dates_are_whole_days_in_rome_and_the_codice_fiscale_is_checked()
    {
        var (query, errors) = AuditModel.Filters.Parse("2026-07-01", "02/07/2026", " m.rossi ", "sign_in", "rssmra80a01f205x");
        var (_, wrong) = AuditModel.Filters.Parse("2026-07-02", "2026-07-01", null, "delete_everything", "RSSMRA80");

        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.Empty);
            Assert.That(query!.From, Is.EqualTo(new DateTimeOffset(2026, 6, 30, 22, 0, 0, TimeSpan.Zero)), "midnight in Rome, summer time");
            Assert.That(query.To, Is.EqualTo(new DateTimeOffset(2026, 7, 2, 22, 0, 0, TimeSpan.Zero)), "the end of the last day");
            Assert.That((query.Actor, query.Action, query.PersonCf), Is.EqualTo(("m.rossi", "sign_in", "RSSMRA80A01F205X")));
            Assert.That(wrong.Keys, Is.EquivalentTo(new[] { "al", "azione", "cf" }));
        });
    }
}
