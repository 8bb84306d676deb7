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

    /// <summary>
    /// The encoding of a CSV, decided on the evidence of all its bytes: UTF-8 when there is a BOM, or when its valid
    /// multi-byte UTF-8 sequences outnumber the bytes that are not valid UTF-8 (an accented letter in UTF-8 is such a
    /// sequence; in Windows-1252 it is a lone high byte, which is not valid UTF-8); otherwise Windows-1252. The lines
    /// that are not valid in the encoding chosen are quarantined one by one (<see cref="QuarantineReason.InvalidEncoding"/>).
    /// </summary>
    public static Encoding DetectEncoding(Func<Stream> open)
    {
        using var stream = open();
        var buffer = new byte[1 << 16];
        var read = stream.ReadAtLeast(buffer, 3, throwOnEndOfStream: false);
        if (read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF) return Encoding.UTF8;
        long valid = 0, invalid = 0;
        var carried = 0;
        while (read > 0)
        {
            var bytes = buffer.AsSpan(0, carried + read);
            var i = 0;
            while (true)
            {
                var next = bytes[i..].IndexOfAnyInRange((byte)0x80, (byte)0xFF);
                if (next < 0)
                {
                    i = bytes.Length;
                    break;
                }
                i += next;
                var status = Rune.DecodeFromUtf8(bytes[i..], out _, out var consumed);
                // a sequence cut by the end of the buffer is decided with the bytes that follow it
                if (status == System.Buffers.OperationStatus.NeedMoreData) break;
                if (status == System.Buffers.OperationStatus.Done) valid++;
                else invalid++;
                i += consumed;
            }
            carried = bytes.Length - i;
            bytes[i..].CopyTo(buffer);
            read = stream.Read(buffer, carried, buffer.Length - carried);
        }
        // a sequence cut by the end of the file
        if (carried > 0) invalid++;
        return invalid == 0 || valid > invalid ? Encoding.UTF8 : Encoding.GetEncoding(1252);
    }
}
