using System.Xml.Linq;
using System.Xml;

namespace Dialer.Core.Notices;

/// <summary>
/// UniLav XML (namespace <c>http://servizi.lavoro.gov.it/unilav</c>, docs/domain.md §1.2–1.5), read with an
/// <see cref="XmlReader"/>: a document may hold one <c>UniLav</c> root or a wrapper with many; only one notice is in
/// memory at a time. The regional extension <c>Lavoratore/Recapiti/Cellulare</c> and <c>/Email</c> is read when present.
/// </summary>
public static class UniLavXmlReader
{
    public const string Namespace = "http://servizi.lavoro.gov.it/unilav";
    static readonly XNamespace Ns = Namespace;

    static XmlReaderSettings Settings(NoticeLimits limits) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true,
        MaxCharactersInDocument = limits.MaxXmlDocumentChars,
        // No DTD, so no entities of its own; the predefined ones (&amp; …) do not count.
        MaxCharactersFromEntities = 1024,
    };

    public static IEnumerable<SourceRecord> Read(string file, Func<Stream> open, CancellationToken ct = default) =>
        Read(file, open, NoticeLimits.Default, ct);

    /// <summary>
    /// The notices of a document, one at a time. Broken XML, or a document past the <paramref name="limits"/> (depth,
    /// text or tag size, elements per notice), throws: <see cref="NoticeReader"/> quarantines the rest of the document
    /// as Malformed and keeps the notices read before.
    /// </summary>
    public static IEnumerable<SourceRecord> Read(string file, Func<Stream> open, NoticeLimits limits, CancellationToken ct = default)
    {
        using var stream = new TagGapStream(open(), limits.MaxXmlBytesBetweenTags);
        using var reader = XmlReader.Create(stream, Settings(limits));
        long position = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var element = Next(reader, limits, position + 1);
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

    static XElement? Next(XmlReader reader, NoticeLimits limits, long notice)
    {
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "UniLav" && reader.NamespaceURI == Namespace)
                return ReadNotice(reader, limits, notice);
            if (reader.Depth > limits.MaxXmlDepth) throw TooDeep(reader, limits);
            reader.Read();
        }
        return null;
    }

    /// <summary>
    /// The UniLav element the reader is on, as an <see cref="XElement"/> (what <see cref="XNode.ReadFrom"/> does),
    /// with the limits checked node by node, before the tree grows.
    /// </summary>
    static XElement ReadNotice(XmlReader reader, NoticeLimits limits, long notice)
    {
        var root = NewElement(reader, limits);
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return root;
        }
        var open = new Stack<XElement>();
        open.Push(root);
        var elements = 1;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (reader.Depth > limits.MaxXmlDepth) throw TooDeep(reader, limits);
                    if (++elements > limits.MaxXmlElementsPerNotice)
                        throw new NoticeLimitException($"notice {notice} has more than {limits.MaxXmlElementsPerNotice:N0} elements, at line {Line(reader)} (docs/notices-limits.md)");
                    var element = NewElement(reader, limits);
                    open.Peek().Add(element);
                    if (!reader.IsEmptyElement) open.Push(element);
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace:
                    open.Peek().Add(new XText(Value(reader, limits)));
                    break;
                case XmlNodeType.EndElement:
                    open.Pop();
                    if (open.Count == 0)
                    {
                        reader.Read();
                        return root;
                    }
                    break;
            }
        }
        throw new XmlException("the document ends inside a UniLav element");
    }

    static XElement NewElement(XmlReader reader, NoticeLimits limits)
    {
        var element = new XElement(XName.Get(reader.LocalName, reader.NamespaceURI));
        if (reader.MoveToFirstAttribute())
        {
            do
            {
                // namespace declarations are written again by the tree as needed
                if (reader.NamespaceURI == "http://www.w3.org/2000/xmlns/") continue;
                element.Add(new XAttribute(XName.Get(reader.LocalName, reader.NamespaceURI), Value(reader, limits)));
            }
            while (reader.MoveToNextAttribute());
            reader.MoveToElement();
        }
        return element;
    }

    static string Value(XmlReader reader, NoticeLimits limits)
    {
        var value = reader.Value;
        if (value.Length > limits.MaxXmlTextChars)
            throw new NoticeLimitException($"a text or attribute of {value.Length:N0} characters at line {Line(reader)}: " +
                $"at most {limits.MaxXmlTextChars:N0} are read (docs/notices-limits.md)");
        return value;
    }

    static NoticeLimitException TooDeep(XmlReader reader, NoticeLimits limits) =>
        new($"XML nested deeper than {limits.MaxXmlDepth} levels at line {Line(reader)} (docs/notices-limits.md)");

    static int Line(XmlReader reader) => (reader as IXmlLineInfo)?.LineNumber ?? 0;

    /// <summary>
    /// The document's bytes, refused past <paramref name="max"/> bytes without a '&lt;': no tag, text or attribute value
    /// reaches the parser (which holds each whole) longer than that.
    /// </summary>
    sealed class TagGapStream(Stream inner, int max) : ReadOnlyStream
    {
        long gap, offset, lines = 1;

        public override long Position { get => offset; set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            ReadOnlySpan<byte> rest = buffer[..n];
            while (true)
            {
                var tag = rest.IndexOf((byte)'<');
                var run = tag < 0 ? rest.Length : tag;
                if (gap + run > max)
                    throw new NoticeLimitException($"more than {max:N0} bytes without a tag from line {lines} " +
                        $"(an element's text or tag that long is not read; docs/notices-limits.md)");
                lines += rest[..run].Count((byte)'\n');
                if (tag < 0)
                {
                    gap += run;
                    break;
                }
                gap = 0;
                rest = rest[(tag + 1)..];
            }
            offset += n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
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
            SectorCode = (string?)employer?.Element(Ns + "Settore"),
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
