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
    };

    static readonly string[] RequiredNoticeColumns =
        ["codice_comunicazione", "tipo_comunicazione", "evento", "cf_lavoratore", "cf_datore", "data_inizio", "tipologia_contrattuale"];

    public static IEnumerable<SourceRecord> Read(string file, Func<Stream> open, CancellationToken ct = default)
    {
        var encoding = NoticeReader.DetectEncoding(open);
        using var reader = new StreamReader(open(), encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var header = reader.ReadLine();
        if (header is null) yield break;
        var columns = new List<string?>();
        Split(header, columns);
        var names = columns.Select(c => c?.Trim().ToLowerInvariant() ?? "").ToArray();

        if (names.Length > 0 && names[0] == "codice_fiscale")
        {
            foreach (var r in ReadContacts(file, reader, names, ct)) yield return r;
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
        long line = 1;
        var done = false;
        while (!done || pending.Count > 0)
        {
            if (!done)
            {
                var chunk = new List<(long, string)>(ChunkLines);
                while (chunk.Count < ChunkLines && ReadRecord(reader, ref line, out var position) is { } text)
                    if (text.Length > 0) chunk.Add((position, text));
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

    static SourceRecord[] ParseChunk(string file, List<(long Position, string Text)> lines, int columns, Action<RawNotice, string?>?[] setters)
    {
        var records = new SourceRecord[lines.Count];
        var fields = new List<string?>(columns);
        for (var n = 0; n < lines.Count; n++)
        {
            var (position, text) = lines[n];
            Split(text, fields);
            if (fields.Count != columns)
            {
                records[n] = Malformed(file, position, fields.Count, columns, text);
                continue;
            }
            var raw = new RawNotice();
            for (var i = 0; i < setters.Length; i++) setters[i]?.Invoke(raw, fields[i]);
            var rejection = NoticeRules.Validate(raw, out var notice);
            records[n] = new SourceRecord(file, position, notice, null, rejection, rejection is null ? null : text);
        }
        return records;
    }

    static SourceRecord Malformed(string file, long position, int found, int columns, string text) =>
        new(file, position, null, null, new Rejection(QuarantineReason.Malformed, $"{found} columns where the header has {columns}"), text);

    static IEnumerable<SourceRecord> ReadContacts(string file, StreamReader reader, string[] names, CancellationToken ct)
    {
        var index = ContactColumns.Select(c => Array.IndexOf(names, c)).ToArray();
        if (index.Any(i => i < 0))
        {
            yield return new SourceRecord(file, 1, null, null, new Rejection(QuarantineReason.Malformed,
                $"a contacts CSV needs the columns {string.Join(";", ContactColumns)}"), string.Join(";", names));
            yield break;
        }
        foreach (var (position, text, fields, malformed) in Rows(file, reader, names.Length, ct))
        {
            if (malformed is { } m) { yield return m; continue; }
            var rejection = NoticeRules.ValidateContact(fields[index[0]], fields[index[1]], fields[index[2]], fields[index[3]], out var contact);
            yield return new SourceRecord(file, position, null, contact, rejection, rejection is null ? null : text);
        }
    }

    /// <summary>The contacts file's rows after the header, split; a row with the wrong number of columns comes back as its rejection.</summary>
    static IEnumerable<(long Position, string Text, List<string?> Fields, SourceRecord? Malformed)> Rows(string file, StreamReader reader, int columns, CancellationToken ct)
    {
        long line = 1;
        var fields = new List<string?>(columns);
        while (ReadRecord(reader, ref line, out var position) is { } text)
        {
            ct.ThrowIfCancellationRequested();
            if (text.Length == 0) continue;
            Split(text, fields);
            var malformed = fields.Count == columns ? (SourceRecord?)null : Malformed(file, position, fields.Count, columns, text);
            yield return (position, text, fields, malformed);
        }
    }

    /// <summary>One record: a line, or several when a quoted field holds a line break; <paramref name="first"/> is its first line.</summary>
    static string? ReadRecord(StreamReader reader, ref long line, out long first)
    {
        var text = reader.ReadLine();
        first = ++line;
        if (text is null || !text.Contains('"')) return text;
        while (CountQuotes(text) % 2 == 1 && reader.ReadLine() is { } next)
        {
            text += "\n" + next;
            line++;
        }
        return text;
    }

    static int CountQuotes(string s)
    {
        var n = 0;
        foreach (var c in s) if (c == '"') n++;
        return n;
    }

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
