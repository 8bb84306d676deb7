using System.Net.Http.Json;
using System.Text;
using Dialer.Core.Notices;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Notices;

/// <summary>
/// One bad record costs only itself (docs/notices-input.md): control characters, over-long fields and lines, open
/// quotes and stray bytes are quarantined with a reason naming the field and line, the rest of the file is imported,
/// and defects of secondary fields import the notice with a warning. Each runs as a first load and as a merge
/// (a contact already stored makes the store non-empty), since the two paths write differently.
/// </summary>
public sealed class NoticeRecordRobustnessTests : DatabaseTest
{
    static readonly CsvNotice Hire = new();
    static readonly string Bystander = CodiceFiscale.Compose("ZETA", "OSVALDO", 'M', new DateOnly(1950, 3, 3), "L219");

    static Task<ImportSummary> ImportAsync(params NoticeInput[] inputs) => new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance).RunAsync(inputs);

    static async Task PrepareAsync(bool firstLoad)
    {
        if (!firstLoad)
            await ImportAsync(CsvNotice.Input("contacts.csv", $"codice_fiscale;cellulare;fonte;data\n{Bystander};3331234567;SAP;2024-01-01\n"));
    }

    static CsvNotice Numbered(int i) => Hire with { Code = $"03000240000001{i:00}" };

    static async Task<List<(long Position, string Reason, string Message, string Raw)>> QuarantineAsync(string file)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<(long, string, string, string)>(
            "SELECT position, reason, message, raw FROM notice_quarantine WHERE file_name = @file ORDER BY position", new { file })).ToList();
    }

    static async Task<List<string>> StoredCodesAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<string>("SELECT code FROM notices ORDER BY code")).ToList();
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_NUL_in_a_field_quarantines_its_line_naming_field_and_line_and_the_rest_is_imported(bool firstLoad)
    {
        await PrepareAsync(firstLoad);
        var input = CsvNotice.Input("nul.csv", Numbered(1), Numbered(2) with { Surname = "ROS\0SI" }, Numbered(3) with { Name = "GIU\u0007LIA" }, Numbered(4));

        var summary = await ImportAsync(input);

        var quarantine = await QuarantineAsync("nul.csv");
        Assert.Multiple(async () =>
        {
            Assert.That((summary.Imported, summary.Quarantined), Is.EqualTo((2L, 2L)));
            Assert.That(await StoredCodesAsync(), Is.EqualTo(new[] { Numbered(1).Code, Numbered(4).Code }));
            Assert.That(quarantine.Select(q => (q.Position, q.Reason)), Is.EqualTo(new[] { (3L, "InvalidCharacters"), (4L, "InvalidCharacters") }));
            Assert.That(quarantine[0].Message, Does.Contain("cognome").And.Contain("U+0000").And.Contain("line 3"));
            Assert.That(quarantine[1].Message, Does.Contain("nome").And.Contain("U+0007").And.Contain("line 4"));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_control_character_in_an_XML_notice_quarantines_that_notice_naming_field_and_entry(bool firstLoad)
    {
        await PrepareAsync(firstLoad);
        var good = UniLavXmlReaderTests.Hiring("0300024000000001", CsvNotice.Worker);
        var bad = UniLavXmlReaderTests.Hiring("0300024000000002", CsvNotice.Worker).Replace("<cognome>ROSSI</cognome>", "<cognome>ROS&#x7F;SI</cognome>");
        var document = "<Lotto>" + Body(good) + Body(bad) + Body(UniLavXmlReaderTests.Hiring("0300024000000003", CsvNotice.Worker)) + "</Lotto>";

        var summary = await ImportAsync(CsvNotice.Input("nul.xml", document));

        var quarantine = await QuarantineAsync("nul.xml");
        Assert.Multiple(async () =>
        {
            Assert.That((summary.Imported, summary.Quarantined), Is.EqualTo((2L, 1L)));
            Assert.That(await StoredCodesAsync(), Is.EqualTo(new[] { "0300024000000001", "0300024000000003" }));
            Assert.That(quarantine.Single().Reason, Is.EqualTo("InvalidCharacters"));
            Assert.That(quarantine.Single().Message, Does.Contain("cognome").And.Contain("U+007F").And.Contain("notice 2"));
        });

        static string Body(string xml) => xml[(xml.IndexOf("?>", StringComparison.Ordinal) + 2)..];
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_field_over_its_limit_is_quarantined_before_the_copy_and_the_rest_is_imported(bool firstLoad)
    {
        await PrepareAsync(firstLoad);
        // 10 KB: more than PostgreSQL can put in an index row (the people's surname and name are indexed).
        var input = CsvNotice.Input("long.csv", Numbered(1), Numbered(2) with { Surname = new string('R', 10_000) }, Numbered(3));

        var summary = await ImportAsync(input);

        var quarantine = await QuarantineAsync("long.csv");
        Assert.Multiple(async () =>
        {
            Assert.That((summary.Imported, summary.Quarantined), Is.EqualTo((2L, 1L)));
            Assert.That(await StoredCodesAsync(), Is.EqualTo(new[] { Numbered(1).Code, Numbered(3).Code }));
            Assert.That(quarantine.Single().Reason, Is.EqualTo("FieldTooLong"));
            Assert.That(quarantine.Single().Message, Does.Contain("cognome").And.Contain("10,000").And.Contain("100").And.Contain("line 3"));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task An_unterminated_quote_costs_only_its_line_and_says_where_it_opened(bool firstLoad)
    {
        await PrepareAsync(firstLoad);
        var input = CsvNotice.Input("quote.csv", Numbered(1), Numbered(2) with { EmployerName = "\"ESEMPIO SRL" }, Numbered(3), Numbered(4), Numbered(5));

        var summary = await ImportAsync(input);

        var quarantine = await QuarantineAsync("quote.csv");
        Assert.Multiple(async () =>
        {
            Assert.That((summary.Imported, summary.Quarantined), Is.EqualTo((4L, 1L)));
            Assert.That(await StoredCodesAsync(), Is.EqualTo(new[] { Numbered(1).Code, Numbered(3).Code, Numbered(4).Code, Numbered(5).Code }));
            Assert.That(quarantine.Select(q => (q.Position, q.Reason)), Is.EqualTo(new[] { (3L, "Malformed") }));
            Assert.That(quarantine.Single().Message, Does.StartWith("unterminated quote opened at line 3"));
        });
    }

    [Test]
    public async Task A_quoted_field_may_still_hold_a_line_break()
    {
        var file = CsvNotice.File(Numbered(1), Numbered(2) with { EmployerName = "\"ESEMPIO\nRISTORAZIONE SRL\"" }, Numbered(3));

        var summary = await ImportAsync(CsvNotice.Input("multiline.csv", file));

        await using var conn = await Db.OpenConnectionAsync();
        Assert.Multiple(async () =>
        {
            Assert.That((summary.Imported, summary.Quarantined), Is.EqualTo((3L, 0L)));
            Assert.That(await conn.ExecuteScalarAsync<string>("SELECT employer_name FROM notices WHERE code = @Code", Numbered(2)),
                Is.EqualTo("ESEMPIO\nRISTORAZIONE SRL"));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_line_of_megabytes_is_skipped_unread_and_quarantined_with_a_bounded_prefix(bool firstLoad)
    {
        await PrepareAsync(firstLoad);
        var huge = new string('x', 3 << 20);
        var file = CsvNotice.Header + "\n" + Numbered(1).ToLine() + "\n" + huge + "\r\n" + Numbered(2).ToLine() + "\n" + huge + Numbered(3).ToLine();

        var summary = await ImportAsync(CsvNotice.Input("huge.csv", file + "\n" + Numbered(4).ToLine()));

        var quarantine = await QuarantineAsync("huge.csv");
        Assert.Multiple(async () =>
        {
            Assert.That((summary.Imported, summary.Quarantined), Is.EqualTo((3L, 2L)));
            Assert.That(await StoredCodesAsync(), Is.EqualTo(new[] { Numbered(1).Code, Numbered(2).Code, Numbered(4).Code }));
            Assert.That(quarantine.Select(q => (q.Position, q.Reason)), Is.EqualTo(new[] { (3L, "LineTooLong"), (5L, "LineTooLong") }));
            Assert.That(quarantine[0].Message, Does.Contain("line 3").And.Contain((3 << 20).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(quarantine.Select(q => q.Raw.Length), Has.All.LessThanOrEqualTo(1024));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_stray_Windows_1252_byte_in_a_UTF8_file_quarantines_its_line_and_the_accented_names_are_stored_right(bool firstLoad)
    {
        await PrepareAsync(firstLoad);
        var utf8 = new UTF8Encoding(false);
        var rows = Enumerable.Range(1, 4).Select(i => Numbered(i) with { Cf = Worker(i), Surname = "D'ANGELÒ", Name = "NICOLÒ" }).ToArray();
        var before = utf8.GetBytes(CsvNotice.Header + "\n" + rows[0].ToLine() + "\n" + rows[1].ToLine() + "\n");
        var stray = Encoding.Latin1.GetBytes((Numbered(9) with { Cf = Worker(9), Surname = "D'ANGELÒ" }).ToLine() + "\n");
        var after = utf8.GetBytes(rows[2].ToLine() + "\n" + rows[3].ToLine() + "\n");
        byte[] bytes = [.. before, .. stray, .. after];

        var summary = await ImportAsync(new NoticeInput("mixed.csv", () => new MemoryStream(bytes, writable: false)));

        await using var conn = await Db.OpenConnectionAsync();
        var surnames = (await conn.QueryAsync<string>("SELECT DISTINCT surname FROM notices")).ToList();
        var quarantine = await QuarantineAsync("mixed.csv");
        Assert.Multiple(() =>
        {
            Assert.That((summary.Imported, summary.Quarantined), Is.EqualTo((4L, 1L)));
            Assert.That(surnames, Is.EqualTo(new[] { "D'ANGELÒ" }));
            Assert.That(quarantine.Select(q => (q.Position, q.Reason)), Is.EqualTo(new[] { (4L, "InvalidEncoding") }));
            Assert.That(quarantine.Single().Message, Does.Contain("line 4"));
        });
    }

    [Test]
    public async Task A_Windows_1252_file_is_stored_right()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var rows = Enumerable.Range(1, 3).Select(i => Numbered(i) with { Cf = Worker(i), Surname = "D'ANGELÒ", Name = "NICOLÒ", EmployerName = "CAFFÈ € SRL" }).ToArray();

        var summary = await ImportAsync(CsvNotice.Input("cp1252.csv", CsvNotice.File(rows), Encoding.GetEncoding(1252)));

        await using var conn = await Db.OpenConnectionAsync();
        var stored = (await conn.QueryAsync<(string, string, string)>("SELECT DISTINCT surname, name, employer_name FROM notices")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That((summary.Imported, summary.Quarantined), Is.EqualTo((3L, 0L)));
            Assert.That(stored, Is.EqualTo(new[] { ("D'ANGELÒ", "NICOLÒ", "CAFFÈ € SRL") }));
        });
    }

    static string Worker(int i) => CodiceFiscale.Compose("DANGELO", "NICOLO", 'M', new DateOnly(1980, 1, i), "F205");

    [TestCase(true)]
    [TestCase(false)]
    public async Task Secondary_defects_import_the_notice_with_a_warning_for_each(bool firstLoad)
    {
        await PrepareAsync(firstLoad);
        var input = CsvNotice.Input("secondary.csv",
            Numbered(1) with { EmployerCf = "01234567890" },
            Numbered(2) with { Workplace = "MILANO" },
            Numbered(3) with { EmployerName = "ESEMPIO\0SRL", Occupation = new string('5', 500) },
            Numbered(4) with { Cf = "RSSGLI88D52F205A", EmployerName = "ESEMPIO\0SRL" });

        var summary = await ImportAsync(input);
        await ImportAsync(input);

        await using var conn = await Db.OpenConnectionAsync();
        var warnings = (await conn.QueryAsync<(long Position, string Code, string Field, string Reason, string Message)>(
            "SELECT position, notice_code, field, reason, message FROM notice_warnings ORDER BY position, field")).ToList();
        var stored = (await conn.QueryAsync<(string Code, string EmployerCf, string? Workplace, string? EmployerName, string? Occupation)>(
            "SELECT code, employer_cf, workplace_comune, employer_name, occupation_code FROM notices ORDER BY code")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That((summary.Imported, summary.Quarantined), Is.EqualTo((3L, 1L)));
            Assert.That(stored, Is.EqualTo(new[]
            {
                (Numbered(1).Code!, "01234567890", (string?)"F205", (string?)"ESEMPIO RISTORAZIONE SRL", (string?)"5.2.2.3.6"),
                (Numbered(2).Code!, CsvNotice.Employer, null, "ESEMPIO RISTORAZIONE SRL", "5.2.2.3.6"),
                (Numbered(3).Code!, CsvNotice.Employer, "F205", null, null),
            }));
            Assert.That(warnings.Select(w => (w.Position, w.Code, w.Field, w.Reason)), Is.EqualTo(new[]
            {
                (2L, Numbered(1).Code!, "cf_datore", "InvalidEmployerCf"),
                (3L, Numbered(2).Code!, "sede_lavoro_comune", "InvalidComune"),
                (4L, Numbered(3).Code!, "denominazione_datore", "InvalidCharacters"),
                (4L, Numbered(3).Code!, "qualifica_istat", "FieldTooLong"),
            }), "once each, though imported twice; none for the quarantined notice");
            Assert.That(warnings.Select(w => w.Message), Has.All.Contain("line "));
        });
    }

    /// <summary>The same through the API: the upload's summary, the quarantine and the warnings listed beside it.</summary>
    [Test]
    public async Task Upload_quarantines_bad_fields_and_lists_the_warnings_beside_the_quarantine()
    {
        using var app = new DialerApp();
        using var form = new MultipartFormDataContent();
        var csv = CsvNotice.File(Numbered(1), Numbered(2) with { Surname = "ROS\0SI" }, Numbered(3) with { Name = new string('G', 10_000) },
            Numbered(4) with { Workplace = "MILANO" });
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "files", "upload.csv");

        var response = await app.Admin.PostAsync("/api/notices", form);
        var summary = await response.Content.ReadFromJsonAsync<ImportSummary>();
        var quarantine = await app.Admin.GetFromJsonAsync<List<QuarantinedRecord>>("/api/notices/quarantine");
        var warnings = await app.Admin.GetFromJsonAsync<List<ListedWarning>>("/api/notices/warnings");

        Assert.Multiple(() =>
        {
            Assert.That((summary!.Imported, summary.Quarantined), Is.EqualTo((2L, 2L)));
            Assert.That(quarantine!.Select(q => (q.Position, q.Reason)).Order().ToList(), Is.EqualTo(new[] { (3L, "InvalidCharacters"), (4L, "FieldTooLong") }));
            Assert.That(warnings!.Select(w => (w.FileName, w.Position, w.NoticeCode, w.Field, w.Reason)),
                Is.EqualTo(new[] { ("upload.csv", 5L, Numbered(4).Code, "sede_lavoro_comune", "InvalidComune") }));
        });
    }

    sealed record ListedWarning(string FileName, long Position, string NoticeCode, string Field, string Reason, string Message);
}
