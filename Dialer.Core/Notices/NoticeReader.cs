using System.IO.Compression;
using System.Text;

namespace Dialer.Core.Notices;

/// <summary>
/// Reads any <see cref="NoticeInput"/> as a stream of <see cref="SourceRecord"/>s, one record in memory at a time:
/// zips entry by entry, XML notice by notice, CSV line by line.
/// </summary>
public static class NoticeReader
{
    static NoticeReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static IEnumerable<SourceRecord> Read(NoticeInput input, CancellationToken ct = default)
    {
        var extension = Path.GetExtension(input.Name).ToLowerInvariant();
        return extension switch
        {
            ".zip" => ReadZip(input, ct),
            ".xml" => UniLavXmlReader.Read(input.Name, input.Open, ct),
            ".csv" or ".txt" => NoticeCsvReader.Read(input.Name, input.Open, ct),
            _ => [new SourceRecord(input.Name, 0, null, null,
                new Rejection(QuarantineReason.Malformed, $"unknown file type '{extension}': expected .xml, .csv or .zip"), null)],
        };
    }

    static IEnumerable<SourceRecord> ReadZip(NoticeInput input, CancellationToken ct)
    {
        using var stream = input.Open();
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
        foreach (var entry in zip.Entries.Where(e => e.Length > 0 || e.Name.Length > 0).OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            if (entry.FullName.EndsWith('/')) continue;
            var inner = new NoticeInput($"{input.Name}/{entry.FullName}", entry.Open);
            foreach (var record in Read(inner, ct)) yield return record;
        }
    }

    /// <summary>UTF-8 when there is a BOM or every byte sequence is valid UTF-8; otherwise Windows-1252.</summary>
    public static Encoding DetectEncoding(Func<Stream> open)
    {
        using var stream = open();
        var buffer = new byte[1 << 16];
        var read = stream.ReadAtLeast(buffer, 3, throwOnEndOfStream: false);
        if (read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF) return Encoding.UTF8;
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        var chars = new char[buffer.Length + 4];
        try
        {
            while (read > 0)
            {
                decoder.GetChars(buffer, 0, read, chars, 0, flush: false);
                read = stream.Read(buffer, 0, buffer.Length);
            }
            decoder.GetChars(buffer, 0, 0, chars, 0, flush: true);
            return Encoding.UTF8;
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding(1252);
        }
    }
}
