using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text;
using System.Xml;
using Dialer.Core.Notices;

namespace Dialer.Worker.Notices;

public enum DatasetFormat
{
    Csv,
    Xml,
}

/// <summary>
/// Writes a generated dataset to a folder: <c>notices.csv</c> (or <c>notices.zip</c> of UniLav documents),
/// <c>contacts.csv</c> and <c>manifest.json</c> with the counts an import must report.
/// </summary>
public static class NoticeDatasetWriter
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static GeneratedManifest Write(NoticeGenerator generator, string folder, DatasetFormat format, CancellationToken ct = default)
    {
        Directory.CreateDirectory(folder);
        var utf8 = new UTF8Encoding(false);
        using var contacts = new StreamWriter(Path.Combine(folder, "contacts.csv"), false, utf8, 1 << 16);
        contacts.Write(string.Join(";", NoticeCsvReader.ContactColumns) + "\n");

        StreamWriter? csv = null;
        ZipArchive? zip = null;
        try
        {
            if (format == DatasetFormat.Csv)
            {
                csv = new StreamWriter(Path.Combine(folder, "notices.csv"), false, utf8, 1 << 16);
                csv.Write(string.Join(";", NoticeCsvReader.NoticeColumns) + "\n");
            }
            else
            {
                zip = new ZipArchive(new FileStream(Path.Combine(folder, "notices.zip"), FileMode.Create), ZipArchiveMode.Create);
            }
            long n = 0;
            foreach (var record in generator.Generate())
            {
                if ((++n & 0xFFF) == 0) ct.ThrowIfCancellationRequested();
                if (record.Contact is { } c) contacts.Write(string.Join(";", c.Select(Escape)) + "\n");
                else if (record.Notice is { } notice)
                {
                    if (csv is not null) csv.Write(CsvLine(notice) + "\n");
                    else WriteXml(zip!, $"{n:00000000}.xml", notice);
                }
            }
        }
        finally
        {
            csv?.Dispose();
            zip?.Dispose();
        }
        File.WriteAllText(Path.Combine(folder, "manifest.json"), JsonSerializer.Serialize(generator.Manifest, Json));
        return generator.Manifest;
    }

    public static string CsvLine(RawNotice n) => string.Join(";", new[]
    {
        n.Code, n.PreviousCode, n.CommunicationType, n.Event, n.SentAt, n.WorkerCf, n.Surname, n.Name, n.Sex, n.BirthDate,
        n.BirthPlace, n.DomicileComune, n.EmployerCf, n.EmployerName, n.WorkplaceComune, n.StartOn, n.PlannedEndOn,
        n.ExtensionEndOn, n.TransformationOn, n.TransformationCode, n.CessationOn, n.CessationCause, n.ContractType,
        n.OccupationCode, n.Mobile, n.Email, n.SectorCode,
    }.Select(Escape));

    static string? Escape(string? field) =>
        field is not null && field.AsSpan().IndexOfAny(";\"\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    static readonly XmlWriterSettings XmlSettings = new() { Encoding = new UTF8Encoding(false), Indent = true };

    internal static void WriteXml(ZipArchive zip, string name, RawNotice n)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        using var w = XmlWriter.Create(stream, XmlSettings);
        const string ns = UniLavXmlReader.Namespace;
        w.WriteStartElement("UniLav", ns);
        w.WriteAttributeString("codiceComunicazione", n.Code);
        if (n.PreviousCode is not null) w.WriteAttributeString("codiceComunicazionePrecedente", n.PreviousCode);
        if (n.SentAt is not null) w.WriteAttributeString("dataInvio", n.SentAt);
        w.WriteAttributeString("assunzioneForzaMaggiore", "NO");
        w.WriteAttributeString("versione", "CO190701R1");

        w.WriteStartElement("DatoreLavoro", ns);
        w.WriteAttributeString("codiceFiscale", n.EmployerCf);
        w.WriteAttributeString("denominazione", n.EmployerName);
        w.WriteStartElement("SedeLavoro", ns);
        w.WriteElementString("Comune", ns, n.WorkplaceComune);
        w.WriteEndElement();
        if (n.SectorCode is not null) w.WriteElementString("Settore", ns, n.SectorCode);
        w.WriteElementString("PubblicaAmministrazione", ns, "NO");
        w.WriteEndElement();

        w.WriteStartElement("Lavoratore", ns);
        w.WriteStartElement("AnagraficaCompleta", ns);
        w.WriteElementString("cognome", ns, n.Surname);
        w.WriteElementString("nome", ns, n.Name);
        w.WriteElementString("codice-fiscale", ns, n.WorkerCf);
        w.WriteElementString("cittadinanza", ns, n.BirthPlace?.StartsWith('Z') == true ? "999" : "000");
        w.WriteElementString("sesso", ns, n.Sex);
        w.WriteStartElement("nascita", ns);
        w.WriteElementString("comune", ns, n.BirthPlace);
        w.WriteElementString("data", ns, n.BirthDate);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteStartElement("IndirizzoLavoratore", ns);
        w.WriteElementString("Comune", ns, n.DomicileComune);
        w.WriteEndElement();
        if (n.Mobile is not null || n.Email is not null)
        {
            w.WriteStartElement("Recapiti", ns);
            if (n.Mobile is not null) w.WriteElementString("Cellulare", ns, n.Mobile);
            if (n.Email is not null) w.WriteElementString("Email", ns, n.Email);
            w.WriteEndElement();
        }
        w.WriteEndElement();

        var (block, attributes) = n.Event switch
        {
            "PRO" => ("Proroga", new[] { ("dataFineProroga", n.ExtensionEndOn) }),
            "TRS" => ("Trasformazione", new[] { ("dataTrasformazione", n.TransformationOn), ("codiceTrasformazione", n.TransformationCode) }),
            "CES" => ("Cessazione", new[] { ("dataCessazione", n.CessationOn), ("codiceCausa", n.CessationCause) }),
            _ => ("InizioRapporto", Array.Empty<(string, string?)>()),
        };
        w.WriteStartElement(block, ns);
        foreach (var (attribute, value) in attributes)
            if (value is not null) w.WriteAttributeString(attribute, value);
        if (block != "InizioRapporto") w.WriteStartElement("Contratto", ns);
        WriteContract(w, n);
        w.WriteElementString("qualificaProfessionale", ns, n.OccupationCode);
        if (block != "InizioRapporto") w.WriteEndElement();
        w.WriteEndElement();

        w.WriteElementString("TipoComunicazione", ns, n.CommunicationType);
        w.WriteEndElement();
    }

    static void WriteContract(XmlWriter w, RawNotice n)
    {
        if (n.StartOn is not null) w.WriteAttributeString("dataInizio", n.StartOn);
        if (n.PlannedEndOn is not null) w.WriteAttributeString("dataFine", n.PlannedEndOn);
        if (n.ContractType is not null) w.WriteAttributeString("TipologiaContrattuale", n.ContractType);
    }

    /// <summary>For logs and the command's output: the manifest in a line.</summary>
    public static string Describe(GeneratedManifest m) => string.Create(CultureInfo.InvariantCulture,
        $"{m.People:N0} people ({m.PeopleWithMobile:N0} with a mobile, {m.ProvisionalPeople:N0} with a provisional code), {m.Notices:N0} notices " +
        $"({string.Join(", ", m.NoticesByType.Select(t => $"{t.Key}: {t.Value:N0}"))}), {m.Contacts:N0} contacts, {m.Invalid:N0} invalid records");
}
