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

    public static IEnumerable<SourceRecord> Read(NoticeInput input, CancellationToken ct = default) => Read(input, NoticeLimits.Default, ct);

    /// <summary>
    /// The records of one input. Whatever goes wrong while reading it (a corrupt zip, broken XML, a limit passed, an
    /// I/O error on the input) ends that input with one <see cref="QuarantineReason.Malformed"/> record saying what and
    /// where, after the records read before it: no input can end the import (docs/notices-limits.md).
    /// </summary>
    public static IEnumerable<SourceRecord> Read(NoticeInput input, NoticeLimits limits, CancellationToken ct = default)
    {
        var extension = Path.GetExtension(input.Name).ToLowerInvariant();
        var records = extension switch
        {
            ".zip" => ReadZip(input, limits, ct),
            ".xml" => UniLavXmlReader.Read(input.Name, input.Open, limits, ct),
            ".csv" or ".txt" => NoticeCsvReader.Read(input.Name, input.Open, ct),
            _ => [new SourceRecord(input.Name, 0, null, null,
                new Rejection(QuarantineReason.Malformed, $"unknown file type '{extension}': expected .xml, .csv or .zip"), null)],
        };
        return Guarded(input.Name, extension, records, ct);
    }

    /// <summary>The records, until one cannot be read: that failure becomes the input's last record.</summary>
    static IEnumerable<SourceRecord> Guarded(string file, string extension, IEnumerable<SourceRecord> records, CancellationToken ct)
    {
        IEnumerator<SourceRecord>? e = null;
        long position = 0;
        try
        {
            while (true)
            {
                SourceRecord record;
                string? failure = null;
                try
                {
                    e ??= records.GetEnumerator();
                    if (!e.MoveNext()) yield break;
                    record = e.Current;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    record = default;
                    failure = Describe(ex, extension, position);
                }
                if (failure is not null)
                {
                    // a zip's own failure is the whole file's (position 0); its entries' failures come from their own readers
                    yield return new SourceRecord(file, extension == ".zip" ? 0 : position + 1, null, null,
                        new Rejection(QuarantineReason.Malformed, failure), null);
                    yield break;
                }
                position = Math.Max(position, record.Position);
                yield return record;
            }
        }
        finally
        {
            try
            {
                e?.Dispose();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Disposing a reader over a broken input (a zip's streams) may fail too; what was read stands.
            }
        }
    }

    static string Describe(Exception ex, string extension, long position)
    {
        var where = position == 0 ? "" : extension == ".xml" ? $" (after notice {position})" : $" (after line {position})";
        return ex switch
        {
            NoticeLimitException => ex.Message + where,
            System.Xml.XmlException x => $"XML not well-formed at line {x.LineNumber}, column {x.LinePosition}: {x.Message}",
            InvalidDataException when extension == ".zip" => $"corrupt zip: {ex.Message}",
            InvalidDataException => $"corrupt compressed data: {ex.Message}{where}",
            DecoderFallbackException => $"undecodable bytes: {ex.Message}{where}",
            IOException => $"read error: {ex.Message}{where}",
            _ => $"unreadable ({ex.GetType().Name}): {ex.Message}{where}",
        };
    }

    static IEnumerable<SourceRecord> ReadZip(NoticeInput input, NoticeLimits limits, CancellationToken ct)
    {
        using var stream = Seekable(input.Open());
        if (ZipProblem(stream) is { } problem)
        {
            yield return new SourceRecord(input.Name, 0, null, null, new Rejection(QuarantineReason.Malformed, problem), null);
            yield break;
        }
        // The compressed bytes read so far, from which each entry's ratio is judged as it decompresses.
        var counted = new CountingStream(stream);
        using var zip = new ZipArchive(counted, ZipArchiveMode.Read);
        var entries = zip.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
        if (entries.Count == 0)
        {
            yield return new SourceRecord(input.Name, 0, null, null, new Rejection(QuarantineReason.Malformed, "empty zip: it holds no files"), null);
            yield break;
        }
        if (entries.Count > limits.MaxZipEntries)
        {
            yield return new SourceRecord(input.Name, 0, null, null, new Rejection(QuarantineReason.Malformed,
                $"zip of {entries.Count:N0} entries: at most {limits.MaxZipEntries:N0} are read (docs/notices-limits.md)"), null);
            yield break;
        }
        foreach (var entry in entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            var name = $"{input.Name}/{entry.FullName}";
            var inner = new NoticeInput(name, () => new ZipEntryStream(entry.Open(), counted, entry.FullName, limits));
            foreach (var record in Read(inner, limits, ct)) yield return record;
        }
    }

    /// <summary>
    /// What makes a stream no zip at all, before <see cref="ZipArchive"/> reads it: no bytes, no zip signature at the
    /// start (binary garbage, a renamed file), or no end-of-central-directory record (a truncated download).
    /// </summary>
    static string? ZipProblem(Stream stream)
    {
        if (stream.Length == 0) return "empty zip: the file has no bytes";
        Span<byte> head = stackalloc byte[4];
        stream.Position = 0;
        var read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read < 4 || head[0] != 'P' || head[1] != 'K' || !((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6)))
            return $"not a zip file: it does not start with a zip signature ({stream.Length:N0} bytes)";
        // The end-of-central-directory record: 22 bytes, followed by a comment of up to 65,535.
        var tail = new byte[(int)Math.Min(stream.Length, 22 + 65_535)];
        stream.Position = stream.Length - tail.Length;
        stream.ReadExactly(tail);
        stream.Position = 0;
        for (var i = tail.Length - 22; i >= 0; i--)
            if (tail[i] == 'P' && tail[i + 1] == 'K' && tail[i + 2] == 5 && tail[i + 3] == 6) return null;
        return $"truncated zip: no end-of-central-directory record in its {stream.Length:N0} bytes";
    }

    /// <summary>
    /// A seekable stream over the input: <see cref="ZipArchive"/> copies anything else (a zip inside a zip) into memory,
    /// so such a stream is spooled to a temporary file instead, through the limits of the entry it comes from.
    /// </summary>
    static Stream Seekable(Stream stream)
    {
        if (stream.CanSeek) return stream;
        var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        try
        {
            using (stream) stream.CopyTo(spool);
            spool.Position = 0;
            return spool;
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    /// <summary>Counts the bytes read through it: a zip's compressed bytes, as its entries decompress.</summary>
    sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            BytesRead += n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// A zip entry's decompressed bytes, counted as they are read: past <see cref="NoticeLimits.MaxZipEntryBytes"/>, or
    /// past <see cref="NoticeLimits.MaxZipRatio"/> times the compressed bytes read for it, reading stops with a
    /// <see cref="NoticeLimitException"/>. A zip bomb is stopped within a few megabytes, whatever its headers declare.
    /// </summary>
    sealed class ZipEntryStream(Stream inner, CountingStream archive, string entry, NoticeLimits limits) : ReadOnlyStream
    {
        readonly long compressedStart = archive.BytesRead;
        long decompressed;

        public override long Position { get => decompressed; set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            decompressed += n;
            if (decompressed > limits.MaxZipEntryBytes)
                throw new NoticeLimitException($"zip entry {entry} decompresses to more than {limits.MaxZipEntryBytes:N0} bytes (docs/notices-limits.md)");
            var compressed = Math.Max(1, archive.BytesRead - compressedStart);
            if (decompressed > limits.ZipRatioGraceBytes && decompressed > compressed * limits.MaxZipRatio)
                throw new NoticeLimitException($"zip entry {entry} decompresses more than {limits.MaxZipRatio}:1 " +
                    $"({decompressed:N0} bytes from {compressed:N0}): a zip bomb? (docs/notices-limits.md)");
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
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
