using System.Xml;
using System.Xml.Linq;

namespace Dialer.Core.Notices;

/// <summary>
/// UniLav XML (namespace <c>http://servizi.lavoro.gov.it/unilav</c>, domain-italy.md §1.2–1.5), read with an
/// <see cref="XmlReader"/>: a document may hold one <c>UniLav</c> root or a wrapper with many; only one notice is in
/// memory at a time. The regional extension <c>Lavoratore/Recapiti/Cellulare</c> and <c>/Email</c> is read when present.
/// </summary>
public static class UniLavXmlReader
{
    public const string Namespace = "http://servizi.lavoro.gov.it/unilav";
    static readonly XNamespace Ns = Namespace;

    static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true,
    };

    public static IEnumerable<SourceRecord> Read(string file, Func<Stream> open, CancellationToken ct = default)
    {
        using var stream = open();
        using var reader = XmlReader.Create(stream, Settings);
        long position = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            XElement? element;
            string? failure = null;
            try
            {
                element = Next(reader);
            }
            catch (XmlException ex)
            {
                element = null;
                failure = $"not well-formed XML: {ex.Message}";
            }
            if (failure is not null)
            {
                // The rest of a broken document cannot be read; earlier notices in it are kept.
                yield return new SourceRecord(file, position + 1, null, null, new Rejection(QuarantineReason.Malformed, failure), null);
                yield break;
            }
            if (element is null) break;
            position++;
            var rejection = NoticeRules.Validate(ToRaw(element), out var notice, RecordPlace.Entry(position));
            yield return new SourceRecord(file, position, notice, null, rejection,
                rejection is null ? null : element.ToString(SaveOptions.DisableFormatting));
        }
        if (position == 0)
            yield return new SourceRecord(file, 0, null, null,
                new Rejection(QuarantineReason.Malformed, $"no UniLav element in the namespace {Namespace}"), null);
    }

    static XElement? Next(XmlReader reader)
    {
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "UniLav" && reader.NamespaceURI == Namespace)
                return (XElement)XNode.ReadFrom(reader);
            reader.Read();
        }
        return null;
    }

    public static RawNotice ToRaw(XElement u)
    {
        var employer = u.Element(Ns + "DatoreLavoro");
        var worker = u.Element(Ns + "Lavoratore");
        var person = worker?.Element(Ns + "AnagraficaCompleta");
        var raw = new RawNotice
        {
            Code = (string?)u.Attribute("codiceComunicazione"),
            PreviousCode = (string?)u.Attribute("codiceComunicazionePrecedente") ?? (string?)u.Element(Ns + "codiceComunicazionePrecedente"),
            SentAt = (string?)u.Attribute("dataInvio"),
            CommunicationType = (string?)u.Element(Ns + "TipoComunicazione"),
            EmployerCf = (string?)employer?.Attribute("codiceFiscale"),
            EmployerName = (string?)employer?.Attribute("denominazione"),
            WorkplaceComune = (string?)employer?.Element(Ns + "SedeLavoro")?.Element(Ns + "Comune"),
            Surname = (string?)person?.Element(Ns + "cognome"),
            Name = (string?)person?.Element(Ns + "nome"),
            WorkerCf = (string?)person?.Element(Ns + "codice-fiscale"),
            Sex = (string?)person?.Element(Ns + "sesso"),
            BirthPlace = (string?)person?.Element(Ns + "nascita")?.Element(Ns + "comune"),
            BirthDate = (string?)person?.Element(Ns + "nascita")?.Element(Ns + "data"),
            DomicileComune = (string?)worker?.Element(Ns + "IndirizzoLavoratore")?.Element(Ns + "Comune"),
            Mobile = (string?)worker?.Element(Ns + "Recapiti")?.Element(Ns + "Cellulare"),
            Email = (string?)worker?.Element(Ns + "Recapiti")?.Element(Ns + "Email"),
        };

        // Exactly one event block; extension, transformation and cessation name their relationship in a Contratto child.
        var blocks = new[] { "InizioRapporto", "Proroga", "Trasformazione", "Cessazione" }
            .Select(n => u.Element(Ns + n)).Where(e => e is not null).ToList();
        if (blocks.Count != 1) return raw;
        var block = blocks[0]!;
        var contract = block.Name.LocalName == "InizioRapporto" ? block : block.Element(Ns + "Contratto") ?? block;
        raw.StartOn = (string?)contract.Attribute("dataInizio");
        raw.PlannedEndOn = (string?)contract.Attribute("dataFine");
        raw.ContractType = (string?)contract.Attribute("TipologiaContrattuale");
        raw.OccupationCode = (string?)contract.Element(Ns + "qualificaProfessionale") ?? (string?)block.Element(Ns + "qualificaProfessionale");
        switch (block.Name.LocalName)
        {
            case "InizioRapporto":
                raw.Event = "ASS";
                break;
            case "Proroga":
                raw.Event = "PRO";
                raw.ExtensionEndOn = (string?)block.Attribute("dataFineProroga");
                break;
            case "Trasformazione":
                raw.Event = "TRS";
                raw.TransformationOn = (string?)block.Attribute("dataTrasformazione");
                raw.TransformationCode = (string?)block.Attribute("codiceTrasformazione");
                break;
            default:
                raw.Event = "CES";
                raw.CessationOn = (string?)block.Attribute("dataCessazione");
                raw.CessationCause = (string?)block.Attribute("codiceCausa");
                break;
        }
        return raw;
    }
}
