namespace Dialer.Core.Notices;

/// <summary>
/// The flat CSV exports: `;`-separated, a header row naming the columns (any order), UTF-8 or Windows-1252.
/// A header starting with <c>codice_comunicazione</c> is a notices file, one with <c>codice_fiscale</c> a contacts file.
/// Columns are documented in the README ("Notices").
/// </summary>
public static class NoticeCsvReader
{
    public static readonly string[] NoticeColumns =
    [
        "codice_comunicazione", "codice_comunicazione_precedente", "tipo_comunicazione", "evento", "data_invio",
        "cf_lavoratore", "cognome", "nome", "sesso", "data_nascita", "comune_nascita", "domicilio_comune",
        "cf_datore", "denominazione_datore", "sede_lavoro_comune",
        "data_inizio", "data_fine", "data_fine_proroga", "data_trasformazione", "codice_trasformazione",
        "data_cessazione", "causa_cessazione", "tipologia_contrattuale", "qualifica_istat", "cellulare", "email",
        // optional, added last so that files written before it keep their column order
        "ateco",
    ];

    public static readonly string[] ContactColumns = ["codice_fiscale", "cellulare", "fonte", "data"];

    static readonly Dictionary<string, Action<RawNotice, string?>> Setters = new(StringComparer.Ordinal)
    {
        ["codice_comunicazione"] = (r, v) => r.Code = v,
        ["codice_comunicazione_precedente"] = (r, v) => r.PreviousCode = v,
        ["tipo_comunicazione"] = (r, v) => r.CommunicationType = v,
        ["evento"] = (r, v) => r.Event = v,
        ["data_invio"] = (r, v) => r.SentAt = v,
        ["cf_lavoratore"] = (r, v) => r.WorkerCf = v,
        ["cognome"] = (r, v) => r.Surname = v,
        ["nome"] = (r, v) => r.Name = v,
        ["sesso"] = (r, v) => r.Sex = v,
        ["data_nascita"] = (r, v) => r.BirthDate = v,
        ["comune_nascita"] = (r, v) => r.BirthPlace = v,
        ["domicilio_comune"] = (r, v) => r.DomicileComune = v,
        ["cf_datore"] = (r, v) => r.EmployerCf = v,
        ["denominazione_datore"] = (r, v) => r.EmployerName = v,
        ["sede_lavoro_comune"] = (r, v) => r.WorkplaceComune = v,
        ["data_inizio"] = (r, v) => r.StartOn = v,
        ["data_fine"] = (r, v) => r.PlannedEndOn = v,
        ["data_fine_proroga"] = (r, v) => r.ExtensionEndOn = v,
        ["data_trasformazione"] = (r, v) => r.TransformationOn = v,
        ["codice_trasformazione"] = (r, v) => r.TransformationCode = v,
        ["data_cessazione"] = (r, v) => r.CessationOn = v,
        ["causa_cessazione"] = (r, v) => r.CessationCause = v,
        ["tipologia_contrattuale"] = (r, v) => r.ContractType = v,
        ["qualifica_istat"] = (r, v) => r.OccupationCode = v,
        ["cellulare"] = (r, v) => r.Mobile = v,
        ["email"] = (r, v) => r.Email = v,
        ["ateco"] = (r, v) => r.SectorCode = v,
    };

    static readonly string[] RequiredNoticeColumns =
        ["codice_comunicazione", "tipo_comunicazione", "evento", "cf_lavoratore", "cf_datore", "data_inizio", "tipologia_contrattuale"];

    /// <summary>The longest line read (in characters, without its line break); a longer one is skipped unread and quarantined.</summary>
    public const int MaxLineChars = 64 * 1024;

    /// <summary>
    /// The most lines one record may span (a quoted field may hold line breaks): a quote left open ends there, and the
    /// lines after its own are read again as records of their own.
    /// </summary>
    public const int MaxRecordLines = 16;

    // What a quarantined over-long line keeps of itself as its raw text.
    const int RawPrefixChars = 1024;

    public static IEnumerable<SourceRecord> Read(string file, Func<Stream> open, CancellationToken ct = default)
    {
        var encoding = NoticeReader.DetectEncoding(open);
        using var reader = new StreamReader(open(), encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var lines = new CsvLines(reader);
        if (!lines.Next(out _, out var header, out var headerLength)) yield break;
        if (headerLength > 0)
        {
            yield return new SourceRecord(file, 1, null, null, new Rejection(QuarantineReason.LineTooLong,
                $"the header has {headerLength:N0} characters, more than the limit of {MaxLineChars:N0} (line 1)"), header);
            yield break;
        }
        var columns = new List<string?>();
        Split(header, columns);
        var names = columns.Select(c => c?.Trim().ToLowerInvariant() ?? "").ToArray();
        lines.Columns = names.Length;

        if (names.Length > 0 && names[0] == "codice_fiscale")
        {
            foreach (var r in ReadContacts(file, lines, names, ct)) yield return r;
            yield break;
        }
        var missing = RequiredNoticeColumns.Where(c => !names.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            yield return new SourceRecord(file, 1, null, null, new Rejection(QuarantineReason.Malformed,
                $"the header lacks {string.Join(", ", missing)}: neither a notices nor a contacts CSV"), header);
            yield break;
        }
        // Unknown columns are ignored, so exports with extra columns still load.
        var setters = names.Select(n => Setters.GetValueOrDefault(n)).ToArray();

        // Parsing and validating is most of the import's client time: chunks of lines are parsed on their own threads
        // while this one reads on, a few chunks ahead, and yielded in file order. Dedicated threads, not the pool's:
        // this thread blocks on the oldest chunk, and so may the importer's, which would starve a pool this small.
        var ahead = Math.Max(2, 2 * Environment.ProcessorCount);
        var pending = new Queue<Task<SourceRecord[]>>(ahead);
        var done = false;
        while (!done || pending.Count > 0)
        {
            if (!done)
            {
                var chunk = new List<CsvRecord>(ChunkLines);
                while (chunk.Count < ChunkLines && lines.NextRecord() is { } record) chunk.Add(record);
                done = chunk.Count < ChunkLines;
                ct.ThrowIfCancellationRequested();
                if (chunk.Count > 0)
                    pending.Enqueue(Task.Factory.StartNew(() => ParseChunk(file, chunk, names.Length, setters), ct,
                        TaskCreationOptions.LongRunning, TaskScheduler.Default));
            }
            if (pending.Count >= ahead || (done && pending.Count > 0))
                foreach (var record in pending.Dequeue().GetAwaiter().GetResult()) yield return record;
        }
    }

    // Small enough that the parsed chunks alive at any time stay few (they would survive garbage collections).
    const int ChunkLines = 1024;

    static SourceRecord[] ParseChunk(string file, List<CsvRecord> lines, int columns, Action<RawNotice, string?>?[] setters)
    {
        var records = new SourceRecord[lines.Count];
        var fields = new List<string?>(columns);
        for (var n = 0; n < lines.Count; n++)
        {
            var (position, text, refused) = lines[n];
            if ((refused ?? Undecodable(position, text)) is { } lineRejection)
            {
                records[n] = new SourceRecord(file, position, null, null, lineRejection, text);
                continue;
            }
            Split(text, fields);
            if (fields.Count != columns)
            {
                records[n] = Malformed(file, position, fields.Count, columns, text);
                continue;
            }
            var raw = new RawNotice();
            for (var i = 0; i < setters.Length; i++) setters[i]?.Invoke(raw, fields[i]);
            // One scan of the line instead of one per field: a field holds a control character only if its line does.
            var rejection = NoticeRules.Validate(raw, out var notice, RecordPlace.Line(position),
                scanCharacters: NoticeRules.IndexOfControlCharacter(text) >= 0);
            records[n] = new SourceRecord(file, position, notice, null, rejection, rejection is null ? null : text);
        }
        return records;
    }

    // A replacement character is what the decoder made of bytes that are not valid in the file's encoding
    // (NoticeReader.DetectEncoding chose it on the evidence of the whole file): that line alone is refused.
    static Rejection? Undecodable(long position, string text) =>
        text.Contains('\uFFFD')
            ? new(QuarantineReason.InvalidEncoding, $"line {position} holds bytes that are not valid in the encoding chosen for the file (UTF-8, on the evidence of its bytes)")
            : null;

    static SourceRecord Malformed(string file, long position, int found, int columns, string text) =>
        new(file, position, null, null, new Rejection(QuarantineReason.Malformed, $"{found} columns where the header has {columns}"), text);

    static IEnumerable<SourceRecord> ReadContacts(string file, CsvLines lines, string[] names, CancellationToken ct)
    {
        var index = ContactColumns.Select(c => Array.IndexOf(names, c)).ToArray();
        if (index.Any(i => i < 0))
        {
            yield return new SourceRecord(file, 1, null, null, new Rejection(QuarantineReason.Malformed,
                $"a contacts CSV needs the columns {string.Join(";", ContactColumns)}"), string.Join(";", names));
            yield break;
        }
        var fields = new List<string?>(names.Length);
        while (lines.NextRecord() is { } record)
        {
            var (position, text, refused) = record;
            ct.ThrowIfCancellationRequested();
            if ((refused ?? Undecodable(position, text)) is { } lineRejection)
            {
                yield return new SourceRecord(file, position, null, null, lineRejection, text);
                continue;
            }
            Split(text, fields);
            if (fields.Count != names.Length)
            {
                yield return Malformed(file, position, fields.Count, names.Length, text);
                continue;
            }
            var rejection = NoticeRules.ValidateContact(fields[index[0]], fields[index[1]], fields[index[2]], fields[index[3]], out var contact,
                RecordPlace.Line(position));
            yield return new SourceRecord(file, position, null, contact, rejection, rejection is null ? null : text);
        }
    }

    /// <summary>One record as read: its first line's number, its text, and the rejection of a line that could not be read as one.</summary>
    readonly record struct CsvRecord(long Position, string Text, Rejection? Refused);

    /// <summary>
    /// The lines of a CSV, read a buffer at a time so that no line longer than <see cref="MaxLineChars"/> is ever held
    /// whole (it is skipped to its line break, and only its first <see cref="RawPrefixChars"/> kept), and its records:
    /// a line, or several when a quoted field holds line breaks. Lines end at LF, CRLF or a lone CR.
    /// </summary>
    sealed class CsvLines(TextReader reader)
    {
        readonly char[] buffer = new char[MaxLineChars + 2];
        int start, end;
        bool eof;
        long line;
        // lines taken for a record that turned out unterminated, to be read again (in order, from the head)
        readonly List<(long Number, string Text, long TooLong)> again = [];
        int againHead;
        readonly List<string?> fields = [];

        /// <summary>The header's number of columns: a record spanning lines must have it.</summary>
        public int Columns { get; set; }

        /// <summary>
        /// The next record; blank lines are skipped. A quote left open makes its line alone a rejection
        /// ("unterminated quote opened at line N") when no closing quote within <see cref="MaxRecordLines"/> lines
        /// makes a record of the header's columns; the lines after it are then read again on their own.
        /// </summary>
        public CsvRecord? NextRecord()
        {
            while (true)
            {
                if (!Next(out var number, out var text, out var tooLong)) return null;
                if (tooLong > 0) return TooLong(number, text, tooLong);
                if (text.Length == 0) continue;
                if (CountQuotes(text) % 2 == 0) return new CsvRecord(number, text, null);

                var taken = new List<(long, string, long)>();
                var joined = new System.Text.StringBuilder(text);
                var open = true;
                while (taken.Count < MaxRecordLines - 1 && joined.Length <= MaxLineChars && Next(out var m, out var next, out var nextTooLong))
                {
                    taken.Add((m, next, nextTooLong));
                    if (nextTooLong > 0) break;
                    joined.Append('\n').Append(next);
                    if (CountQuotes(next) % 2 == 1)
                    {
                        open = false;
                        break;
                    }
                }
                if (!open && joined.Length <= MaxLineChars)
                {
                    var record = joined.ToString();
                    Split(record, fields);
                    if (fields.Count == Columns) return new CsvRecord(number, record, null);
                }
                // Read the lines after this one again, as records of their own.
                again.RemoveRange(0, againHead);
                againHead = 0;
                again.InsertRange(0, taken);
                return new CsvRecord(number, text, new Rejection(QuarantineReason.Malformed,
                    $"unterminated quote opened at line {number}: no closing quote within {MaxRecordLines} lines makes a record of {Columns} columns; the lines after it are read on their own"));
            }
        }

        static CsvRecord TooLong(long number, string prefix, long length) =>
            new(number, prefix, new Rejection(QuarantineReason.LineTooLong,
                $"line {number} has {length:N0} characters, more than the limit of {MaxLineChars:N0}; skipped"));

        /// <summary>
        /// The next line without its line break. A line over <see cref="MaxLineChars"/> comes back as its first
        /// characters with <paramref name="tooLong"/> its length; otherwise <paramref name="tooLong"/> is 0.
        /// </summary>
        public bool Next(out long number, out string text, out long tooLong)
        {
            if (againHead < again.Count)
            {
                (number, text, tooLong) = again[againHead++];
                return true;
            }
            tooLong = 0;
            number = ++line;
            var scanned = 0;
            while (true)
            {
                var at = buffer.AsSpan(start + scanned, end - start - scanned).IndexOfAny('\n', '\r');
                if (at >= 0)
                {
                    at += start + scanned;
                    if (at - start > MaxLineChars) break;
                    // a CR at the end of what is buffered may be the first half of a CRLF
                    if (buffer[at] == '\r' && at + 1 == end && !eof)
                    {
                        scanned = at - start;
                        Fill();
                        continue;
                    }
                    text = new string(buffer, start, at - start);
                    start = at + (buffer[at] == '\r' && at + 1 < end && buffer[at + 1] == '\n' ? 2 : 1);
                    return true;
                }
                scanned = end - start;
                if (eof)
                {
                    if (end == start)
                    {
                        text = "";
                        line--;
                        return false;
                    }
                    if (end - start > MaxLineChars) break;
                    text = new string(buffer, start, end - start);
                    start = end;
                    return true;
                }
                if (end - start >= buffer.Length - 1) break;
                Fill();
            }
            // Too long: keep a prefix, then read on to the line break without keeping anything.
            text = new string(buffer, start, RawPrefixChars);
            long length = 0;
            while (true)
            {
                var at = buffer.AsSpan(start, end - start).IndexOfAny('\n', '\r');
                if (at >= 0)
                {
                    length += at;
                    start += at;
                    if (buffer[start] == '\r')
                    {
                        if (start + 1 == end && !eof) Fill();
                        if (start + 1 < end && buffer[start + 1] == '\n') start++;
                    }
                    start++;
                    break;
                }
                length += end - start;
                start = end = 0;
                if (eof) break;
                Fill();
                if (eof && end == 0) break;
            }
            tooLong = length;
            return true;
        }

        // Moves what is left to the front and reads more behind it.
        void Fill()
        {
            if (start > 0)
            {
                Array.Copy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            var read = reader.Read(buffer, end, buffer.Length - end);
            if (read == 0) eof = true;
            end += read;
        }
    }

    static int CountQuotes(string s) => s.AsSpan().Count('"');

    /// <summary>Splits on ';', honouring "quoted; fields" with "" for a quote. Empty fields become null.</summary>
    public static void Split(string line, List<string?> fields)
    {
        fields.Clear();
        var i = 0;
        while (true)
        {
            if (i < line.Length && line[i] == '"')
            {
                var sb = new System.Text.StringBuilder();
                i++;
                while (i < line.Length)
                {
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    sb.Append(line[i++]);
                }
                // Anything between the closing quote and the separator is kept, as spreadsheets do.
                var end = line.IndexOf(';', i);
                if (end < 0) end = line.Length;
                sb.Append(line, i, end - i);
                fields.Add(sb.Length == 0 ? null : sb.ToString());
                if (end == line.Length) return;
                i = end + 1;
            }
            else
            {
                var end = line.IndexOf(';', i);
                if (end < 0) end = line.Length;
                fields.Add(end == i ? null : line.Substring(i, end - i));
                if (end == line.Length) return;
                i = end + 1;
            }
        }
    }
}
