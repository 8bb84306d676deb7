namespace Dialer.Core.Notices;

/// <summary>
/// The most any one input may cost an import, whatever it holds (docs/notices-limits.md). A file or zip entry that goes
/// past one is quarantined as <see cref="QuarantineReason.Malformed"/> with the limit named, and the import goes on.
/// </summary>
public sealed record NoticeLimits
{
    public static readonly NoticeLimits Default = new();

    /// <summary>Decompressed bytes of one zip entry, counted as they are read (a zip's declared sizes can lie).</summary>
    public long MaxZipEntryBytes { get; init; } = 2L << 30;

    /// <summary>Decompressed bytes per compressed byte read so far, once past <see cref="ZipRatioGraceBytes"/>.</summary>
    public int MaxZipRatio { get; init; } = 200;

    /// <summary>Decompressed bytes an entry may read before its ratio is judged (tiny files compress far).</summary>
    public long ZipRatioGraceBytes { get; init; } = 1L << 20;

    /// <summary>Entries of one zip.</summary>
    public int MaxZipEntries { get; init; } = 1_000_000;

    /// <summary>Nesting depth of an XML document (the document element is depth 0).</summary>
    public int MaxXmlDepth { get; init; } = 64;

    /// <summary>Characters of one text node or attribute value in an XML document.</summary>
    public int MaxXmlTextChars { get; init; } = 64 * 1024;

    /// <summary>Elements of one UniLav notice.</summary>
    public int MaxXmlElementsPerNotice { get; init; } = 10_000;

    /// <summary>
    /// Bytes of an XML document without a '&lt;': the longest a tag, text or attribute value can be before the XML
    /// parser has to hold it whole. Checked on the bytes, before parsing.
    /// </summary>
    public int MaxXmlBytesBetweenTags { get; init; } = 1 << 20;

    /// <summary>Characters of one XML document (<see cref="System.Xml.XmlReaderSettings.MaxCharactersInDocument"/>).</summary>
    public long MaxXmlDocumentChars { get; init; } = 4L << 30;
}

/// <summary>An input went past one of the <see cref="NoticeLimits"/>; the message says which, and where.</summary>
public sealed class NoticeLimitException(string message) : Exception(message);
