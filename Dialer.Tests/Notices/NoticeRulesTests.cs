using System.Text;
using Dialer.Core.Notices;
using Dialer.Core.PhoneNumbers;

namespace Dialer.Tests.Notices;

public sealed class NoticeRulesTests
{
    [TestCase("RSSMRA85T10A562S", null)]
    [TestCase("rssmra85t10a562s", null)]
    [TestCase("RSSMRA85T10A562T", "check character")]
    [TestCase("RSSMRA85T10A56NS", "check character")]
    [TestCase("RSSMRA85Z10A562S", "month")]
    [TestCase("RSSMRA85T35A562S", "impossible")]
    [TestCase("RSSMRA85T10A562", "15 characters")]
    [TestCase("12345678903", null)]
    [TestCase("12345678901", "check digit")]
    public void Codice_fiscale_is_checked(string raw, string? problem)
    {
        var result = CodiceFiscale.Check(CodiceFiscale.Normalise(raw));

        Assert.That(result, problem is null ? Is.Null : Does.Contain(problem));
    }

    [Test]
    public void Omocodia_variant_is_valid_and_decodes_to_the_same_person()
    {
        // Omocodia replaces digits from the right: 2 → N at position 15, then the check character is recomputed.
        var head = "RSSMRA85T10A56N";
        var cf = head + CodiceFiscale.CheckCharacter(head);

        var (sex, birth, place) = CodiceFiscale.Decode(cf, new DateOnly(2024, 1, 1));

        Assert.Multiple(() =>
        {
            Assert.That(CodiceFiscale.Check(cf), Is.Null);
            Assert.That(sex, Is.EqualTo('M'));
            Assert.That(birth, Is.EqualTo(new DateOnly(1985, 12, 10)));
            Assert.That(place, Is.EqualTo("A562"));
        });
    }

    [Test]
    public void Composed_code_decodes_sex_birth_date_and_place()
    {
        var cf = CodiceFiscale.Compose("ROSSI", "GIULIA", 'F', new DateOnly(2001, 4, 12), "F205");

        var (sex, birth, place) = CodiceFiscale.Decode(cf, new DateOnly(2024, 1, 1));

        Assert.Multiple(() =>
        {
            Assert.That(cf[..11], Is.EqualTo("RSSGLI01D52"));
            Assert.That(CodiceFiscale.Check(cf), Is.Null);
            Assert.That((sex, birth, place), Is.EqualTo(('F', (DateOnly?)new DateOnly(2001, 4, 12), "F205")));
        });
    }

    [TestCase("+39 347 1234567", "+393471234567", PhoneKind.ItalianMobile)]
    [TestCase("0039 347 1234567", "+393471234567", PhoneKind.ItalianMobile)]
    [TestCase("393471234567", "+393471234567", PhoneKind.ItalianMobile)]
    [TestCase("347/1234567", "+393471234567", PhoneKind.ItalianMobile)]
    [TestCase("347-123.4567", "+393471234567", PhoneKind.ItalianMobile)]
    [TestCase("347 1234567; 02 1234567", "+393471234567", PhoneKind.ItalianMobile)]
    [TestCase("320123456", "+39320123456", PhoneKind.ItalianMobile)]
    [TestCase("3101234567", "+393101234567", PhoneKind.ItalianMobile)]
    [TestCase("02 12345678", "+390212345678", PhoneKind.Landline)]
    [TestCase("0347 1234567", "+3903471234567", PhoneKind.Landline)]
    [TestCase("+41 79 123 45 67", "+41791234567", PhoneKind.Foreign)]
    [TestCase("0044 7911 123456", "+447911123456", PhoneKind.Foreign)]
    [TestCase("3471234", null, PhoneKind.Invalid)]
    [TestCase("800123456", null, PhoneKind.Invalid)]
    [TestCase("34712345678901", null, PhoneKind.Invalid)]
    [TestCase("chiamare ore pasti", null, PhoneKind.Invalid)]
    [TestCase("", null, PhoneKind.Invalid)]
    public void Phone_is_normalised_and_classified(string raw, string? e164, PhoneKind kind)
    {
        var phone = PhoneNumber.Parse(raw);

        Assert.That(phone, Is.EqualTo(new PhoneNumber(e164, kind)));
    }

    [Test]
    public void Valid_notice_is_accepted_with_values_from_the_codice_fiscale()
    {
        var rejection = NoticeRules.Validate((new CsvNotice() with { Sex = "M", Mobile = "347 1234567" }).ToRaw(), out var notice);

        Assert.Multiple(() =>
        {
            Assert.That(rejection, Is.Null);
            Assert.That(notice!.Sex, Is.EqualTo('F'), "the codice fiscale wins over the declared sex");
            Assert.That(notice.BirthDate, Is.EqualTo(new DateOnly(1988, 4, 12)));
            Assert.That(notice.Event, Is.EqualTo(NoticeEvent.Hiring));
            Assert.That(notice.Phone.E164, Is.EqualTo("+393471234567"));
            Assert.That(notice.SentAt, Is.EqualTo(new DateTime(2024, 1, 8, 15, 2, 11)), "Italian winter time is UTC+1");
        });
    }

    static IEnumerable<TestCaseData> Rejections()
    {
        var ok = new CsvNotice();
        yield return Case(ok with { Code = "0000000000000000" }, QuarantineReason.InvalidCode);
        yield return Case(ok with { Code = "123" }, QuarantineReason.InvalidCode);
        yield return Case(ok with { Type = "10" }, QuarantineReason.InvalidCommunicationType);
        yield return Case(ok with { Type = "03" }, QuarantineReason.MissingPreviousCode);
        yield return Case(ok with { Type = "04", Previous = "0000000000000000" }, QuarantineReason.MissingPreviousCode);
        yield return Case(ok with { Type = "03", Previous = "0300024-0000-001" }, QuarantineReason.MissingPreviousCode);
        yield return Case(ok with { Previous = "0300024000000009" }, QuarantineReason.UnexpectedPreviousCode);
        yield return Case(ok with { Event = "XYZ" }, QuarantineReason.InvalidEvent);
        yield return Case(ok with { Cf = "RSSGLI88D52F205A" }, QuarantineReason.InvalidWorkerCf);
        yield return Case(ok with { EmployerCf = "0123456789" }, QuarantineReason.InvalidEmployerCf);
        yield return Case(ok with { Start = "2024-02-30" }, QuarantineReason.InvalidDate);
        yield return Case(ok with { SentAt = "ieri" }, QuarantineReason.InvalidDate);
        yield return Case(ok with { Start = null }, QuarantineReason.MissingDate);
        yield return Case(ok with { Event = "CES", Cause = "LI" }, QuarantineReason.MissingDate);
        yield return Case(ok with { End = "2023-12-31" }, QuarantineReason.DatesOutOfOrder);
        yield return Case(ok with { Event = "PRO", ExtensionEnd = "2024-05-01" }, QuarantineReason.DatesOutOfOrder);
        yield return Case(ok with { Event = "CES", CessationOn = "2023-06-01", Cause = "LI" }, QuarantineReason.DatesOutOfOrder);
        yield return Case(ok with { End = null }, QuarantineReason.MissingPlannedEnd);
        yield return Case(ok with { Contract = "Z.99.00" }, QuarantineReason.UnknownContractType);
        yield return Case(ok with { Contract = "A.03.02" }, QuarantineReason.ContractTypeNotValidOnDate);
        yield return Case(ok with { Contract = "B.03.00", Start = "2015-06-01", End = "2015-12-31", SentAt = null }, QuarantineReason.ContractTypeNotValidOnDate);
        yield return Case(ok with { Domicile = "MILANO" }, QuarantineReason.InvalidComune);
        yield return Case(ok with { Event = "CES", CessationOn = "2024-03-01", Cause = "LICENZIATO" }, QuarantineReason.InvalidCessationCause);

        static TestCaseData Case(CsvNotice row, QuarantineReason reason) => new TestCaseData(row, reason).SetArgDisplayNames(reason.ToString(), row.ToLine()[..40]);
    }

    [TestCase("ROSSI", -1)]
    [TestCase("CAFFÈ € SRL", -1)]
    [TestCase("RO\tSSI\r\nX", -1)]
    [TestCase("RO\0SSI", 2)]
    [TestCase("\t\u0001", 1)]
    [TestCase("X\u007F", 1)]
    [TestCase("X\u0085\u0001", 1)]
    [TestCase("\t\u0001\u0085", 1)]
    [TestCase("\u009F", 0)]
    public void A_control_character_is_found_where_it_is_and_tab_CR_LF_are_not_ones(string text, int index) =>
        Assert.That(NoticeRules.IndexOfControlCharacter(text), Is.EqualTo(index));

    [TestCase("56.10.11", "56.10.11")]
    [TestCase("56.10.1", "56.10.1")]
    [TestCase("56.10", "56.10")]
    [TestCase("56.1", "56.1")]
    [TestCase("56", "56")]
    [TestCase("561011", "56.10.11")]
    [TestCase("56101", "56.10.1")]
    [TestCase("5610", "56.10")]
    [TestCase("561", "56.1")]
    [TestCase("5", null)]
    [TestCase("5610111", null)]
    [TestCase("56-10-11", null)]
    [TestCase("56.10.111", null)]
    [TestCase("56.1.11", null)]
    [TestCase("I56.10.11", null)]
    [TestCase("ristorazione", null)]
    [TestCase("56.10.", null)]
    public void Ateco_code_is_kept_dotted_or_given_its_dots_and_anything_else_is_refused(string raw, string? normalised) =>
        Assert.That(AtecoCode.Normalise(raw), Is.EqualTo(normalised));

    [TestCase(" 56.10.11 ", "56.10.11", null)]
    [TestCase("561011", "56.10.11", null)]
    [TestCase("", null, null)]
    [TestCase("56/10/11", null, "ateco '56/10/11' is not an ATECO code (NN, NN.N, NN.NN, NN.NN.N or NN.NN.NN); dropped (line 7)")]
    public void A_malformed_sector_is_dropped_with_a_warning_and_the_notice_is_accepted(string sector, string? stored, string? warning)
    {
        var rejection = NoticeRules.Validate(new CsvNotice { Sector = sector }.ToRaw(), out var notice, RecordPlace.Line(7));

        Assert.Multiple(() =>
        {
            Assert.That(rejection, Is.Null);
            Assert.That(notice!.SectorCode, Is.EqualTo(stored));
            Assert.That(notice.Warnings?.Select(w => (w.Field, w.Reason, w.Message)),
                warning is null ? Is.Null : Is.EqualTo(new[] { ("ateco", QuarantineReason.InvalidSector, warning) }));
        });
    }

    [TestCaseSource(nameof(Rejections))]
    public void Invalid_notice_is_rejected_with_its_specific_reason(CsvNotice row, QuarantineReason reason)
    {
        var rejection = NoticeRules.Validate(row.ToRaw(), out var notice);

        Assert.Multiple(() =>
        {
            Assert.That(rejection?.Reason, Is.EqualTo(reason), rejection?.Message);
            Assert.That(rejection?.Message, Is.Not.Empty);
            Assert.That(notice, Is.Null);
        });
    }

    [Test]
    public void Closed_contract_type_is_accepted_on_a_date_it_was_valid()
    {
        var rejection = NoticeRules.Validate((new CsvNotice() with { Contract = "A.03.02", Start = "2010-03-01", End = null, SentAt = "2010-02-27T10:00:00" }).ToRaw(), out var notice);

        Assert.Multiple(() =>
        {
            Assert.That(rejection, Is.Null);
            Assert.That(notice!.PermanentContract, Is.True, "apprenticeships are permanent contracts");
        });
    }

    [TestCase("RSSMRA85T10A562S", "347 1234567", "SAP", "2024-05-01", null)]
    [TestCase("RSSMRA85T10A562X", "347 1234567", "SAP", "2024-05-01", QuarantineReason.InvalidWorkerCf)]
    [TestCase("RSSMRA85T10A562S", "12", "SAP", "2024-05-01", QuarantineReason.InvalidPhone)]
    [TestCase("RSSMRA85T10A562S", "347 1234567", "FACEBOOK", "2024-05-01", QuarantineReason.InvalidSource)]
    [TestCase("RSSMRA85T10A562S", "347 1234567", "CO", "2024-05-01", QuarantineReason.InvalidSource)]
    [TestCase("RSSMRA85T10A562S", "347 1234567", "CPI", "maggio", QuarantineReason.InvalidDate)]
    public void Contact_row_is_validated(string cf, string phone, string source, string date, QuarantineReason? reason)
    {
        var rejection = NoticeRules.ValidateContact(cf, phone, source, date, out var contact);

        Assert.Multiple(() =>
        {
            Assert.That(rejection?.Reason, Is.EqualTo(reason));
            Assert.That(contact is null, Is.EqualTo(reason is not null));
        });
    }

    [Test]
    public void Csv_splitter_handles_quotes_and_empty_fields()
    {
        var fields = new List<string?>();

        NoticeCsvReader.Split("a;;\"b;c\";\"say \"\"hi\"\"\";", fields);

        Assert.That(fields, Is.EqualTo(new[] { "a", null, "b;c", "say \"hi\"", null }));
    }

    [Test]
    public void Windows_1252_csv_is_detected_and_read()
    {
        var content = CsvNotice.File(new CsvNotice() with { EmployerName = "CAFFÈ DEL DUOMO SNC" });
        var input = CsvNotice.Input("cp1252.csv", content, CodePagesEncoding());

        var records = NoticeReader.Read(input).ToList();

        Assert.That(records.Single().Notice?.EmployerName, Is.EqualTo("CAFFÈ DEL DUOMO SNC"));
    }

    [Test]
    public void Utf8_csv_with_bom_is_read()
    {
        var input = CsvNotice.Input("utf8.csv", CsvNotice.File(new CsvNotice() with { EmployerName = "CAFFÈ" }), new UTF8Encoding(true));

        var records = NoticeReader.Read(input).ToList();

        Assert.That(records.Single().Notice?.EmployerName, Is.EqualTo("CAFFÈ"));
    }

    [Test]
    public void Csv_row_with_wrong_column_count_is_malformed_with_its_line_and_the_rest_is_read()
    {
        var content = CsvNotice.File(new CsvNotice(), new CsvNotice() with { Code = "0300024000000002" }) + "a;b;c\n"
            + new CsvNotice() { Code = "0300024000000003" }.ToLine() + "\n";

        var records = NoticeReader.Read(CsvNotice.Input("x.csv", content)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(records.Count(r => r.Notice is not null), Is.EqualTo(3));
            var bad = records.Single(r => r.Rejection is not null);
            Assert.That((bad.Rejection!.Reason, bad.Position, bad.Raw), Is.EqualTo((QuarantineReason.Malformed, 4L, "a;b;c")));
        });
    }

    [Test]
    public void Large_csv_is_read_in_file_order_across_parallel_chunks()
    {
        var lines = Enumerable.Range(1, 9000).Select(i => i % 2500 == 0 ? "bad;row" : (new CsvNotice() with { Code = $"03000240{i:00000000}" }).ToLine());
        var content = CsvNotice.Header + "\n" + string.Join("\n", lines) + "\n";

        var records = NoticeReader.Read(CsvNotice.Input("big.csv", content)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(records.Select(r => r.Position), Is.EqualTo(Enumerable.Range(2, 9000).Select(i => (long)i)));
            Assert.That(records.Where(r => r.Rejection is not null).Select(r => r.Position), Is.EqualTo(new[] { 2501L, 5001L, 7501L }));
            Assert.That(records[8999].Notice?.Code, Is.EqualTo("0300024000009000"));
        });
    }

    static Encoding CodePagesEncoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }
}
