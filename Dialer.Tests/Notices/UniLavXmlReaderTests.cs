using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Text;
using Dialer.Core.Notices;

namespace Dialer.Tests.Notices;

public sealed class UniLavXmlReaderTests
{
    // The sample of docs/domain.md §1.5, with the regional Recapiti extension.
    public static string Hiring(string code = "0300024001234567", string cf = "RSSGLI88D52F205Q") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <UniLav xmlns="http://servizi.lavoro.gov.it/unilav" codiceComunicazione="{code}"
                dataInvio="2024-01-08T16:02:11" assunzioneForzaMaggiore="NO" versione="CO190701R1">
          <DatoreLavoro codiceFiscale="01234567897" denominazione="ESEMPIO RISTORAZIONE SRL">
            <SedeLegale><Comune>F205</Comune><cap>20121</cap><Indirizzo>VIA ESEMPIO 1</Indirizzo></SedeLegale>
            <SedeLavoro><Comune>F205</Comune><cap>20137</cap><Indirizzo>VIALE FITTIZIO 22</Indirizzo><telefono>0287654321</telefono></SedeLavoro>
            <Settore>56.10.11</Settore>
            <PubblicaAmministrazione>NO</PubblicaAmministrazione>
          </DatoreLavoro>
          <Lavoratore>
            <AnagraficaCompleta>
              <cognome>ROSSI</cognome><nome>GIULIA</nome>
              <codice-fiscale>{cf}</codice-fiscale>
              <cittadinanza>000</cittadinanza><sesso>F</sesso>
              <nascita><comune>F205</comune><data>1988-04-12</data></nascita>
            </AnagraficaCompleta>
            <IndirizzoLavoratore><Comune>F205</Comune><cap>20139</cap><Indirizzo>VIA IMMAGINARIA 5</Indirizzo></IndirizzoLavoratore>
            <Recapiti><Cellulare>+39 347 123 4567</Cellulare><Email>giulia@example.org</Email></Recapiti>
            <LivelloIstruzione>4</LivelloIstruzione>
          </Lavoratore>
          <InizioRapporto dataInizio="2024-01-09" dataFine="2024-06-30" TipologiaContrattuale="A.02.00"
              entePrevidenziale="01" lavInMobilita="NO" lavoroStagionale="NO" socioLavoratore="NO"
              lavoroInAgricoltura="NO" assunzioneObbligatoria="NO">
            <ccnl>042</ccnl>
            <livelloInquadramento>5</livelloInquadramento>
            <tipoOrario codice="P" oreSettimaniliMedie="24"/>
            <qualificaProfessionale>5.2.2.3.6</qualificaProfessionale>
            <RetribuzioneCompenso>14500</RetribuzioneCompenso>
          </InizioRapporto>
          <TipoComunicazione>01</TipoComunicazione>
        </UniLav>
        """;

    static string Valid(string cf) => cf[..15] + CodiceFiscale.CheckCharacter(cf.AsSpan(0, 15));

    [Test]
    public void Sample_hiring_is_read_with_every_field()
    {
        var cf = Valid("RSSGLI88D52F205Q");

        var record = UniLavXmlReader.Read("a.xml", Open(Hiring(cf: cf))).Single();

        Assert.Multiple(() =>
        {
            Assert.That(record.Rejection, Is.Null, record.Rejection?.Message);
            var n = record.Notice!;
            Assert.That(n.Code, Is.EqualTo("0300024001234567"));
            Assert.That(n.Event, Is.EqualTo(NoticeEvent.Hiring));
            Assert.That(n.WorkerCf, Is.EqualTo(cf));
            Assert.That(n.EmployerCf, Is.EqualTo("01234567897"));
            Assert.That(n.WorkplaceComune, Is.EqualTo("F205"));
            Assert.That((n.StartOn, n.PlannedEndOn), Is.EqualTo((new DateOnly(2024, 1, 9), (DateOnly?)new DateOnly(2024, 6, 30))));
            Assert.That(n.ContractType, Is.EqualTo("A.02.00"));
            Assert.That(n.OccupationCode, Is.EqualTo("5.2.2.3.6"));
            Assert.That(n.SectorCode, Is.EqualTo("56.10.11"));
            Assert.That(n.Phone.E164, Is.EqualTo("+393471234567"));
            Assert.That(n.Email, Is.EqualTo("giulia@example.org"));
        });
    }

    [TestCase("""<Proroga dataFineProroga="2024-09-30"><Contratto dataInizio="2024-01-09" dataFine="2024-06-30" TipologiaContrattuale="A.02.00"/></Proroga>""", NoticeEvent.Extension)]
    [TestCase("""<Cessazione dataCessazione="2024-08-16" codiceCausa="LI"><Contratto dataInizio="2024-01-09" dataFine="2024-09-30" TipologiaContrattuale="A.02.00"/></Cessazione>""", NoticeEvent.Cessation)]
    [TestCase("""<Trasformazione dataTrasformazione="2024-05-01" codiceTrasformazione="DI"><Contratto dataInizio="2024-01-09" TipologiaContrattuale="A.01.00"/></Trasformazione>""", NoticeEvent.Transformation)]
    public void Later_events_name_their_relationship_in_the_contract_block(string block, NoticeEvent expected)
    {
        var xml = Regex.Replace(Hiring(cf: Valid("RSSGLI88D52F205Q")), "<InizioRapporto.*</InizioRapporto>", block, RegexOptions.Singleline);

        var record = UniLavXmlReader.Read("b.xml", Open(xml)).Single();

        Assert.Multiple(() =>
        {
            Assert.That(record.Rejection, Is.Null, record.Rejection?.Message);
            Assert.That(record.Notice!.Event, Is.EqualTo(expected));
            Assert.That(record.Notice.StartOn, Is.EqualTo(new DateOnly(2024, 1, 9)));
        });
    }

    [TestCase("", null, null)]
    [TestCase("<Settore>561011</Settore>", "56.10.11", null)]
    [TestCase("<Settore>56,10,11</Settore>", null, "ateco")]
    public void The_employers_sector_is_optional_and_a_malformed_one_is_only_a_warning(string settore, string? sector, string? warnedField)
    {
        var xml = Hiring(cf: Valid("RSSGLI88D52F205Q")).Replace("<Settore>56.10.11</Settore>", settore, StringComparison.Ordinal);

        var record = UniLavXmlReader.Read("s.xml", Open(xml)).Single();

        Assert.Multiple(() =>
        {
            Assert.That(record.Rejection, Is.Null, record.Rejection?.Message);
            Assert.That(record.Notice!.SectorCode, Is.EqualTo(sector));
            Assert.That(record.Notice.Warnings?.Single().Field, Is.EqualTo(warnedField));
        });
    }

    [Test]
    public void Zip_of_documents_is_read_entry_by_entry_and_a_broken_entry_is_quarantined()
    {
        var cf = Valid("RSSGLI88D52F205Q");
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(archive, "1.xml", Hiring("0300024000000001", cf));
            Add(archive, "2.xml", "<UniLav xmlns=\"http://servizi.lavoro.gov.it/unilav\"><unclosed></UniLav>");
            Add(archive, "3.xml", Hiring("0300024000000003", cf));
        }
        var bytes = zip.ToArray();

        var records = NoticeReader.Read(new NoticeInput("co.zip", () => new MemoryStream(bytes))).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(records.Where(r => r.Notice is not null).Select(r => r.Notice!.Code), Is.EqualTo(new[] { "0300024000000001", "0300024000000003" }));
            var bad = records.Single(r => r.Rejection is not null);
            Assert.That(bad.File, Is.EqualTo("co.zip/2.xml"));
            Assert.That(bad.Rejection!.Reason, Is.EqualTo(QuarantineReason.Malformed));
        });
    }

    [Test]
    public void Document_in_another_namespace_is_malformed()
    {
        var records = UniLavXmlReader.Read("c.xml", Open("<UniLav><TipoComunicazione>01</TipoComunicazione></UniLav>")).ToList();

        Assert.That(records.Single().Rejection?.Reason, Is.EqualTo(QuarantineReason.Malformed));
    }

    static void Add(ZipArchive archive, string name, string content)
    {
        using var s = archive.CreateEntry(name).Open();
        s.Write(Encoding.UTF8.GetBytes(content));
    }

    static Func<Stream> Open(string xml) => () => new MemoryStream(Encoding.UTF8.GetBytes(xml));
}
