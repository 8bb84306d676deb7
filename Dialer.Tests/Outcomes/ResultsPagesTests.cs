using System.Net;
using System.Text;
using Dialer.Core.Accounts;

namespace Dialer.Tests.Outcomes;

/// <summary>
/// The supervisor's results pages over real HTTP against the known scenario (ResultsScenario): each table's CSV holds
/// the counts and rates the rules give, in the bytes Excel opens (BOM, ';', a header row), the query string's filters
/// change them, a wrong filter is refused with its reason, and an operator may open none of it.
/// </summary>
public sealed class ResultsPagesTests : DatabaseTest
{
    DialerApp app = null!;
    HttpClient supervisor = null!;

    [SetUp]
    public async Task StartApp()
    {
        await ResultsScenario.BuildAsync(Db);
        app = new DialerApp();
        supervisor = await app.ClientAsync("sara", UserRole.Supervisor);
    }

    [TearDown]
    public void StopApp() => app.Dispose();

    async Task<(byte[] Bytes, HttpResponseMessage Response)> CsvAsync(string path)
    {
        var response = await supervisor.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        return (await response.Content.ReadAsByteArrayAsync(), response);
    }

    static string[] Lines(byte[] bytes) => Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    [Test]
    public async Task The_funnel_CSV_holds_the_known_counts_and_both_rates_as_Excel_opens_it()
    {
        var (bytes, response) = await CsvAsync("/supervisione/risultati?campagna=ricontatto-primavera&handler=csv&tabella=imbuto");

        var expected = string.Join("\r\n",
            "Passo;Persone;% del passo prima;% delle selezionate;Gruppo di controllo (mai chiamate)",
            "Selezionate;8;;100,0%;2",
            "In coda;7;87,5%;87,5%;0",
            "Chiamate;7;100,0%;87,5%;0",
            "Hanno risposto;5;71,4%;62,5%;0",
            "Persona giusta;5;100,0%;62,5%;0",
            "Accettano la presa in carico;3;60,0%;37,5%;0",
            "Presenti all'appuntamento;0;0,0%;0,0%;0",
            "Assunte dopo la chiamata;2;40,0%;25,0%;0",
            "Ancora occupate dopo 6 mesi;1;50,0%;12,5%;0") + "\r\n";
        Assert.Multiple(() =>
        {
            Assert.That(bytes[..3], Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "UTF-8 byte order mark");
            Assert.That(Encoding.UTF8.GetString(bytes[3..]), Is.EqualTo(expected));
            Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/csv; charset=utf-8"));
            Assert.That(response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), Does.Match(@"^ricontatto-primavera-imbuto-\d{4}-\d{2}-\d{2}\.csv$"));
        });
    }

    [Test]
    public async Task Placement_is_read_against_the_answered_and_against_the_intake()
    {
        var (bytes, _) = await CsvAsync("/supervisione/risultati?campagna=ricontatto-primavera&handler=csv&tabella=assunte");

        Assert.That(Lines(bytes), Is.EqualTo(new[]
        {
            "Lettura;Assunte;Su;Quota",
            "Assunte dopo la chiamata, su chi ha risposto;2;5;40,0%",
            "Assunte dopo la presa in carico, su chi l'ha accettata;1;3;33,3%",
        }));
    }

    [Test]
    public async Task The_filters_in_the_query_string_change_the_numbers()
    {
        const string funnel = "/supervisione/risultati?campagna=ricontatto-primavera&handler=csv&tabella=imbuto";
        var milano = Lines((await CsvAsync(funnel + "&cpi=MI_CENTRO")).Bytes);
        var april = Lines((await CsvAsync(funnel + "&coorte=2026-04")).Bytes);
        var luca = Lines((await CsvAsync(funnel + "&operatore=luca")).Bytes);
        var march = Lines((await CsvAsync(funnel + "&dal=2026-03-01&al=2026-03-31")).Bytes);
        var byOperator = Lines((await CsvAsync("/supervisione/risultati?campagna=ricontatto-primavera&per=operatore&handler=csv&tabella=gruppi")).Bytes);
        var weekly = Lines((await CsvAsync("/supervisione/risultati?campagna=ricontatto-primavera&handler=csv&tabella=andamento")).Bytes);

        Assert.Multiple(() =>
        {
            Assert.That(milano[1..4], Is.EqualTo(new[] { "Selezionate;4;;100,0%;2", "In coda;4;100,0%;100,0%;0", "Chiamate;4;100,0%;100,0%;0" }));
            Assert.That(milano[4], Is.EqualTo("Hanno risposto;3;75,0%;75,0%;0"));
            Assert.That(april[1], Is.EqualTo("Selezionate;3;;100,0%;0"), "selected in April: P6, P7, P8; the control group was selected in March");
            Assert.That(luca[4], Is.EqualTo("Hanno risposto;2;100,0%;100,0%;0"), "luca spoke first with P3 and P6");
            Assert.That(march[1], Is.EqualTo("Selezionate;4;;100,0%;0"), "first called in March: P1–P4");
            Assert.That(byOperator.Select(l => string.Join(';', l.Split(';')[..2])), Is.EqualTo(new[]
            {
                "Operatore;Selezionate", "Nessun operatore (non raggiunte);3", "Carla Bianchi;3", "Luca Verdi;2",
            }), "groups in the order of their keys: none, then operator ids");
            Assert.That(weekly, Is.EqualTo(new[]
            {
                "Settimana;Chiamate;Hanno risposto;Accettano la presa in carico;Assunte dopo la chiamata",
                "settimana del lun 2 mar 2026;2;2;1;2",
                "settimana del lun 9 mar 2026;2;1;1;0",
                "settimana del lun 6 apr 2026;3;2;1;0",
            }));
        });
    }

    [Test]
    public async Task A_filter_that_names_nothing_is_refused_with_its_reason_and_shows_nothing()
    {
        var page = await supervisor.GetAsync("/supervisione/risultati?campagna=ricontatto-primavera&dal=31-13-2026&cpi=NESSUNO");
        var csv = await supervisor.GetAsync("/supervisione/risultati?campagna=nessuna&handler=csv&tabella=imbuto");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(html, Does.Contain("Prima chiamata dal: «31-13-2026» non è una data (gg/mm/aaaa)."));
            Assert.That(html, Does.Contain("Centro per l&#x27;impiego: nessun CPI «NESSUNO»").Or.Contain("Centro per l'impiego: nessun CPI «NESSUNO»"));
            Assert.That(html, Does.Not.Contain("id=\"imbuto\""), "no funnel drawn from a filter that was refused");
            Assert.That(csv.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        });
    }

    [Test]
    public async Task The_outcomes_CSVs_hold_the_contract_mix_stability_retention_and_the_uplift()
    {
        const string page = "/supervisione/esiti?campagna=ricontatto-primavera&handler=csv&tabella=";
        var contracts = Lines((await CsvAsync(page + "contratti")).Bytes);
        var stability = Lines((await CsvAsync(page + "stabilita")).Bytes);
        var lengths = Lines((await CsvAsync(page + "durate")).Bytes);
        var control = Lines((await CsvAsync(page + "controllo")).Bytes);
        var html = await (await supervisor.GetAsync("/supervisione/esiti?campagna=ricontatto-primavera")).Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(contracts[..3], Is.EqualTo(new[]
            {
                "Tipo di contratto;Assunte;% delle assunte;Di cui stabili", "Tempo indeterminato;1;50,0%;1", "Tempo determinato;1;50,0%;0",
            }));
            Assert.That(stability[0], Is.EqualTo("Misura;Quota;Quota: su;Quota %;Quota: IC 95% da;Quota: IC 95% a"));
            Assert.That(stability[1], Is.EqualTo("Lavoro stabile, sulle assunte;1;2;50,0%;9,5%;90,5%"), "Wilson's interval of 1 in 2");
            Assert.That(stability[2], Does.StartWith("Ancora occupate dopo 3 mesi, su chi li ha già compiuti;1;2;50,0%;"));
            Assert.That(lengths[1], Is.EqualTo("meno di 3 mesi;1"));
            Assert.That(control[1], Does.StartWith("Chiamate;8;2;8;25,0%;"), "hired after selection: P1 and P2 (P6 before)");
            Assert.That(control[2], Does.StartWith("Gruppo di controllo (mai chiamate);2;1;2;50,0%;"));
            Assert.That(control[3], Does.StartWith("Differenza (chiamate meno controllo);;;;−25,0 punti;"));
            Assert.That(html, Does.Contain("i gruppi sono ancora troppo piccoli"), "the plain-language sentence");
            Assert.That(html, Does.Contain("IC 95% 9,5% – 90,5%"));
        });
    }

    [Test]
    public async Task A_group_far_below_the_campaign_is_flagged_with_its_reason_in_the_equity_CSV()
    {
        var (bytes, _) = await CsvAsync("/supervisione/equita?campagna=equita-autunno&handler=csv&tabella=sex");
        var lines = Lines(bytes);

        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Does.StartWith("Sesso;Selezionate;Raggiunte;Raggiunte: su;Raggiunte %;").And.EndWith(";Segnalazione"));
            Assert.That(lines.Single(l => l.StartsWith("Uomini;", StringComparison.Ordinal)), Does.StartWith("Uomini;40;40;40;100,0%;").And.EndWith(";"));
            Assert.That(lines.Single(l => l.StartsWith("Donne;", StringComparison.Ordinal)),
                Does.StartWith("Donne;40;0;40;0,0%;0,0%;8,8%;").And.EndWith("raggiunte 0,0% (IC 95% 0,0% – 8,8%), molto sotto il 50,0% della campagna"));
        });
    }

    [Test]
    public async Task An_operator_may_open_neither_the_results_pages_nor_their_CSV()
    {
        var carla = await app.OperatorAsync("carla");
        foreach (var path in new[]
        {
            "/supervisione/risultati", "/supervisione/esiti", "/supervisione/equita",
            "/supervisione/risultati?campagna=ricontatto-primavera&handler=csv&tabella=imbuto",
        })
        {
            var response = await carla.GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), path);
        }
    }
}
