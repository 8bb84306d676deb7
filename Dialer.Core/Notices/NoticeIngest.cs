using System.Diagnostics;
using Dialer.Core.PhoneNumbers;
using Dialer.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Dialer.Core.Notices;

/// <summary>Progress of an import: files started and records read so far.</summary>
public readonly record struct ImportProgress(int Files, long Records, string? CurrentFile);

/// <summary>
/// Imports notice and contact files in one transaction: stream-parses them, binary-COPYs the records into session
/// staging tables, then merges set-based: new notices by codice comunicazione, chains of corrections and
/// cancellations resolved, and spells and per-person state recomputed only for the people the batch touched.
/// An import into an empty store (a first load) COPYs its notices straight into their table and works out the rest
/// in memory instead (<see cref="FirstLoadState"/>).
/// </summary>
// reloadThreshold: a batch of at least this many notices is a reload (statistics refreshed, index maintenance deferred
// when it outgrows the store). firstLoadMemoryLimit: the most a first load may keep in memory (FirstLoadState's
// ApproximateBytes), by default DefaultFirstLoadMemoryLimit. The container uses the defaults; tests lower them to
// exercise the other paths on small data.
// limits: what any one input may cost (NoticeLimits.Default unless a test lowers them).
public sealed class NoticeIngest(NpgsqlDataSource db, ILogger<NoticeIngest> logger, long reloadThreshold = NoticeIngest.DefaultReloadThreshold,
    long? firstLoadMemoryLimit = null, NoticeLimits? limits = null, DialerMetrics? metrics = null, TimeProvider? time = null)
{
    // Imports run one at a time: two merges touching the same person must not interleave.
    const long LockKey = 0x4469616C6572_03;
    // A batch this large is a reload: refresh planner statistics afterwards.
    public const long DefaultReloadThreshold = 100_000;

    /// <summary>
    /// A quarter of the memory this process may use (a container's limit, or <c>DOTNET_GCHeapHardLimit</c>, when
    /// set): completing a first load and COPYing it, the process peaks at about 2.6 times what it kept while reading
    /// (592 MB for 1,000,000 notices, which kept ~228 MB).
    /// </summary>
    public static long DefaultFirstLoadMemoryLimit => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4;

    readonly long firstLoadLimit = firstLoadMemoryLimit ?? DefaultFirstLoadMemoryLimit;

    /// <summary>
    /// Imports the inputs in one transaction. A first load that outgrows its memory limit is rolled back and the inputs
    /// read again by the merge, which keeps only the codes in memory: slower, never out of memory.
    /// </summary>
    public async Task<ImportSummary> RunAsync(IEnumerable<NoticeInput> inputs, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return Counted(await ImportAsync(inputs, progress, firstLoadAllowed: true, ct));
        }
        catch (FirstLoadOverLimitException over)
        {
            var abandoned = clock.Elapsed;
            logger.LogWarning(
                "A first load would keep more than {LimitMb} MB in memory ({Notices} notices read so far): reading the files again and merging them instead",
                firstLoadLimit >> 20, over.Notices);
            var merged = await ImportAsync(inputs, progress, firstLoadAllowed: false, ct);
            return Counted(merged with
            {
                Elapsed = clock.Elapsed,
                StageSeconds = new Dictionary<string, double>(merged.StageSeconds) { ["abandoned_first_load"] = abandoned.TotalSeconds },
            });
        }
    }

    /// <summary>The rows of a committed import, on the dialer.import.rows counter.</summary>
    ImportSummary Counted(ImportSummary summary)
    {
        metrics?.ImportedRows(summary.Read - summary.Quarantined, summary.Quarantined);
        return summary;
    }

    sealed class FirstLoadOverLimitException(long notices) : Exception("A first load outgrew its memory limit.")
    {
        public long Notices { get; } = notices;
    }

    async Task<ImportSummary> ImportAsync(IEnumerable<NoticeInput> inputs, IProgress<ImportProgress>? progress, bool firstLoadAllowed, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var stages = new Dictionary<string, double>();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@LockKey)", new { LockKey }, tx, cancellationToken: ct));
        // JIT compiles every large statement here for ~1.5 s each on a 2-core box (docs/performance-targets.md §3), and the
        // merge's sorts of a reload spill to disk with the default 4 MB work_mem. The spell aggregates compare dates
        // and times as text (see RecomputePeopleAsync): ISO output keeps that order chronological whatever the session had.
        await conn.ExecuteAsync(new CommandDefinition("SET LOCAL jit = off; SET LOCAL work_mem = '256MB'; SET LOCAL DateStyle = 'ISO, YMD'",
            transaction: tx, cancellationToken: ct));
        // The very first load (nothing stored yet) COPYs the notices straight into their table, works out what they
        // imply in this process (FirstLoadState) and COPYs that too, with the keys built once, after the writes.
        var firstLoad = firstLoadAllowed && await conn.ExecuteScalarAsync<bool>(new CommandDefinition("""
            SELECT NOT EXISTS (SELECT 1 FROM notices) AND NOT EXISTS (SELECT 1 FROM notice_revisions)
               AND NOT EXISTS (SELECT 1 FROM people) AND NOT EXISTS (SELECT 1 FROM employment_spells)
               AND NOT EXISTS (SELECT 1 FROM person_contacts)
            """, transaction: tx, cancellationToken: ct));
        IReadOnlyList<string> noticeIndexes = [], peopleIndexes = [];
        if (firstLoad)
        {
            // The tables are empty, but truncating them in this transaction lets the COPYs write their rows frozen: no
            // hint bits or freezing left for later readers and vacuums to write.
            await conn.ExecuteAsync(new CommandDefinition(
                "TRUNCATE notices, notice_revisions, people, employment_spells, person_contacts; " +
                "ALTER TABLE notices DROP CONSTRAINT notices_pkey; ALTER TABLE people DROP CONSTRAINT people_pkey; " +
                "ALTER TABLE employment_spells DROP CONSTRAINT employment_spells_pkey; ALTER TABLE person_contacts DROP CONSTRAINT person_contacts_pkey",
                transaction: tx, cancellationToken: ct));
            noticeIndexes = await DropSecondaryIndexesAsync(conn, tx, "notices", ct);
            peopleIndexes = await DropSecondaryIndexesAsync(conn, tx, "people", ct);
        }
        await conn.ExecuteAsync(new CommandDefinition(CreateStagingSql + (firstLoad ? "" : BatchTablesSql),
            transaction: tx, cancellationToken: ct));

        var state = firstLoad ? new FirstLoadState() : null;
        var staged = await StageAsync(conn, inputs, state, progress, ct);
        stages["parse_and_stage"] = clock.Elapsed.TotalSeconds;

        var mark = clock.Elapsed;
        Merged merge;
        long people;
        if (state is not null)
        {
            logger.LogInformation("First load: {Notices} notices, ~{Mb} MB kept in memory (limit {LimitMb} MB)",
                state.Notices, state.ApproximateBytes >> 20, firstLoadLimit >> 20);
            // The server builds the notices' keys and fixes their chains' roots while this process works out the rest.
            var derive = Task.Run(state.Complete, ct);
            await KeyFirstLoadAsync(conn, tx, noticeIndexes, ct);
            await derive;
            stages["merge_notices"] = (clock.Elapsed - mark).TotalSeconds;

            mark = clock.Elapsed;
            await state.WriteAsync(conn, ct);
            await conn.ExecuteAsync(new CommandDefinition(
                "ALTER TABLE people ADD CONSTRAINT people_pkey PRIMARY KEY (cf); " +
                "ALTER TABLE employment_spells ADD CONSTRAINT employment_spells_pkey PRIMARY KEY (person_cf, employer_cf, start_on); " +
                "ALTER TABLE person_contacts ADD CONSTRAINT person_contacts_pkey PRIMARY KEY (cf, source, phone_e164)",
                transaction: tx, cancellationToken: ct, commandTimeout: 0));
            await CreateIndexesAsync(conn, tx, peopleIndexes, ct);
            stages["spells_and_people"] = (clock.Elapsed - mark).TotalSeconds;
            merge = new Merged(state.Imported, state.Corrected, state.Cancelled);
            people = state.People;
        }
        else
        {
            (merge, people) = await MergeAndRecomputeAsync(conn, tx, staged, stages, ct);
        }

        await Dialing.ProvisionalSuccession.FollowAsync(conn, tx, ct);   // what was recorded under a provisional code follows its successor
        // What became of the people campaigns selected follows their notices: a hiring places them, a correction moves
        // the placement, a cancellation retracts it (docs/outcomes.md), in this transaction.
        mark = clock.Elapsed;
        await Outcomes.OutcomeLedger.RefreshAsync(conn, tx, firstLoad ? Outcomes.LedgerScope.All : Outcomes.LedgerScope.TouchedPeople,
            Outcomes.OutcomeLedger.Today(time ?? TimeProvider.System), null, ct);
        stages["outcomes"] = (clock.Elapsed - mark).TotalSeconds;

        // Definitive people and superseded provisional codes apart: both are rows of people (a first load wrote them all).
        var (definitive, superseded) = await conn.QuerySingleAsync<(long, long)>(new CommandDefinition(firstLoad
            ? "SELECT count(*) FILTER (WHERE successor_cf IS NULL), count(*) FILTER (WHERE successor_cf IS NOT NULL) FROM people"
            : "SELECT count(*) FILTER (WHERE p.successor_cf IS NULL), count(*) FILTER (WHERE p.successor_cf IS NOT NULL) FROM touched t JOIN people p ON p.cf = t.cf",
            transaction: tx, cancellationToken: ct, commandTimeout: 0));
        var quarantined = await conn.QueryAsync<(string Reason, long Count)>(new CommandDefinition(
            "SELECT reason, count(*) FROM quarantine_staging GROUP BY reason ORDER BY reason", transaction: tx, cancellationToken: ct));
        await tx.CommitAsync(ct);

        var reload = firstLoad || staged.Notices >= reloadThreshold;
        if (reload)
        {
            // A reload changes the tables' sizes by orders of magnitude: fresh statistics for whatever reads them next.
            // A first load analyses everything here (nothing read it in the transaction), the notices on a connection
            // of their own, alongside.
            mark = clock.Elapsed;
            var notices = Task.CompletedTask;
            if (firstLoad)
            {
                notices = Task.Run(async () =>
                {
                    await using var other = await db.OpenConnectionAsync(ct);
                    await other.ExecuteAsync(new CommandDefinition("ANALYZE notices; ANALYZE notice_revisions", cancellationToken: ct, commandTimeout: 0));
                }, ct);
            }
            await conn.ExecuteAsync(new CommandDefinition("ANALYZE people; ANALYZE employment_spells", cancellationToken: ct, commandTimeout: 0));
            await notices;
            stages["analyze"] = (clock.Elapsed - mark).TotalSeconds;
        }
        var byReason = quarantined.ToDictionary(q => q.Reason, q => q.Count);
        var summary = new ImportSummary
        {
            Files = staged.Files,
            Read = staged.Notices + staged.Contacts + staged.Rejections,
            Imported = merge.Imported,
            Corrected = merge.Corrected,
            Cancelled = merge.Cancelled,
            Duplicates = staged.Notices - merge.Imported - merge.Corrected - merge.Cancelled,
            Contacts = staged.Contacts,
            Quarantined = staged.Rejections,
            QuarantinedByReason = byReason,
            PeopleUpdated = people,
            People = definitive,
            SupersededProvisional = superseded,
            FirstLoad = firstLoad,
            Elapsed = clock.Elapsed,
            StageSeconds = stages,
        };
        logger.LogInformation(
            "Imported {Files} file(s): {Imported} new, {Corrected} corrections, {Cancelled} cancellations, {Duplicates} duplicates, " +
            "{Contacts} contacts, {Quarantined} quarantined, {People} people updated in {Elapsed} s",
            summary.Files, summary.Imported, summary.Corrected, summary.Cancelled, summary.Duplicates, summary.Contacts,
            summary.Quarantined, summary.PeopleUpdated, Math.Round(summary.Elapsed.TotalSeconds, 2));
        return summary;
    }

    /// <summary>
    /// An import into a store that holds something: new notices merged by code, chains re-resolved, and spells and
    /// people recomputed for everyone the batch touched, all in SQL.
    /// </summary>
    async Task<(Merged Merge, long People)> MergeAndRecomputeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Staged staged,
        Dictionary<string, double> stages, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var reload = staged.Notices >= reloadThreshold;
        // A batch larger than what is stored: maintaining the secondary indexes row by row costs 2.5× building
        // them afterwards (docs/performance-targets.md §2.2), and nested loops of index probes lose to hash joins over it all.
        var deferIndexes = reload && await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT reltuples < @n FROM pg_class WHERE oid = 'notices'::regclass", new { n = (float)staged.Notices }, tx, cancellationToken: ct));
        IReadOnlyList<string> noticeIndexes = [], peopleIndexes = [];
        if (deferIndexes)
        {
            noticeIndexes = await DropSecondaryIndexesAsync(conn, tx, "notices", ct);
            peopleIndexes = await DropSecondaryIndexesAsync(conn, tx, "people", ct);
            await conn.ExecuteAsync(new CommandDefinition("SET LOCAL enable_nestloop = off", transaction: tx, cancellationToken: ct));
        }
        var merge = await MergeAsync(conn, tx, noticeIndexes, ct);
        if (reload)
        {
            // A reload changes the tables' sizes by orders of magnitude: plan the spell rebuild on fresh statistics.
            await conn.ExecuteAsync(new CommandDefinition("ANALYZE notices; ANALYZE notice_revisions; ANALYZE people", transaction: tx, cancellationToken: ct, commandTimeout: 0));
        }
        stages["merge_notices"] = clock.Elapsed.TotalSeconds;

        var mark = clock.Elapsed;
        var people = await RecomputePeopleAsync(conn, tx, ct);
        await CreateIndexesAsync(conn, tx, peopleIndexes, ct);
        stages["spells_and_people"] = (clock.Elapsed - mark).TotalSeconds;
        return (merge, people);
    }

    /// <summary>
    /// A first load's notices, once COPYed: their keys and indexes built, the roots of chains of corrections fixed (a
    /// correction COPYed before the correction it points at took that one for the original), and the quarantine kept.
    /// </summary>
    static async Task KeyFirstLoadAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<string> noticeIndexes, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition("ALTER TABLE notices ADD CONSTRAINT notices_pkey PRIMARY KEY (code)",
            transaction: tx, cancellationToken: ct, commandTimeout: 0));
        await CreateIndexesAsync(conn, tx, noticeIndexes, ct);
        // Every notice is new, so every correction may need re-rooting: both sides are read from the corrections'
        // partial index (two passes per 1,000,000: 1.17 -> 0.1 s against the increment's join with the batch). Without
        // statistics the planner takes "code <> root_code" for almost every row and would scan the table for each side.
        const string rerootSql = """
            UPDATE notices c
            SET    root_code = p.root_code
            FROM   notices p
            WHERE  p.root_code <> p.code AND c.root_code = p.code AND c.code <> c.root_code
            """;
        await conn.ExecuteAsync(new CommandDefinition("SET LOCAL enable_seqscan = off", transaction: tx, cancellationToken: ct));
        for (var pass = 0; pass < 16; pass++)
        {
            if (await conn.ExecuteAsync(new CommandDefinition(rerootSql, transaction: tx, cancellationToken: ct)) == 0) break;
        }
        await conn.ExecuteAsync(new CommandDefinition($"SET LOCAL enable_seqscan = on; {QuarantineSql}", transaction: tx, cancellationToken: ct));
    }

    /// <summary>
    /// Drops a table's non-unique secondary indexes and returns their definitions, as the catalogue has them: whatever
    /// the migrations made of them is exactly what <see cref="CreateIndexesAsync"/> builds again. Unique indexes stay,
    /// since they guard the data.
    /// </summary>
    static async Task<IReadOnlyList<string>> DropSecondaryIndexesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string table, CancellationToken ct)
    {
        const string sql = """
            SELECT quote_ident(c.relname) AS name, pg_get_indexdef(x.indexrelid) AS definition
            FROM   pg_index x JOIN pg_class c ON c.oid = x.indexrelid
            WHERE  x.indrelid = CAST(@table AS regclass) AND NOT x.indisunique
            ORDER  BY c.relname
            """;
        var indexes = (await conn.QueryAsync<(string Name, string Definition)>(new CommandDefinition(sql, new { table }, tx, cancellationToken: ct))).ToList();
        foreach (var index in indexes)
            await conn.ExecuteAsync(new CommandDefinition($"DROP INDEX {index.Name}", transaction: tx, cancellationToken: ct));
        return indexes.Select(i => i.Definition).ToList();
    }

    static async Task CreateIndexesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<string> definitions, CancellationToken ct)
    {
        foreach (var definition in definitions)
            await conn.ExecuteAsync(new CommandDefinition(definition, transaction: tx, cancellationToken: ct, commandTimeout: 0));
    }

    // Temporary tables live for this connection's transaction only: concurrent imports never see each other's rows.
    const string CreateStagingSql = """
        CREATE TEMP TABLE notice_staging (
            code text, previous_code text, comm_type text, event text, sent_at timestamptz,
            worker_cf text, surname text, name text, sex char(1), birth_on date, birth_place text, domicile_comune text,
            employer_cf text, employer_name text, workplace_comune text,
            start_on date, planned_end_on date, extension_end_on date, transformation_on date, transformation_code text,
            cessation_on date, cessation_cause text, contract_type text, permanent boolean, occupation_code text,
            phone_e164 text, phone_kind text, email text, sector_code text
        ) ON COMMIT DROP;
        CREATE TEMP TABLE contact_staging (
            cf text, source text, phone_e164 text, phone_kind text, priority smallint, seen_on date,
            provisional boolean, sex char(1), birth_on date, birth_place text
        ) ON COMMIT DROP;
        CREATE TEMP TABLE quarantine_staging (
            file_name text, position bigint, reason text, message text, raw text
        ) ON COMMIT DROP;
        CREATE TEMP TABLE warning_staging (
            file_name text, position bigint, notice_code text, field text, reason text, message text
        ) ON COMMIT DROP;
        CREATE TEMP TABLE affected_roots (root_code text PRIMARY KEY) ON COMMIT DROP;
        -- no index: filled with distinct codes, and always read whole (a reload's 500,000 random-order key
        -- insertions cost more than the rest of that statement)
        CREATE TEMP TABLE touched (cf text NOT NULL) ON COMMIT DROP;
        """;

    // The notices this import added, and their phone numbers, taken as they are inserted (no second pass over notices).
    const string BatchTablesSql = """
        CREATE TEMP TABLE batch_new (code text, comm_type text, worker_cf text) ON COMMIT DROP;
        CREATE TEMP TABLE batch_phones (cf text, phone_e164 text, phone_kind text, seen_on date) ON COMMIT DROP;
        """;

    const string StagedColumns = """
        code, previous_code, comm_type, event, sent_at, worker_cf, surname, name, sex, birth_on,
            birth_place, domicile_comune, employer_cf, employer_name, workplace_comune, start_on, planned_end_on,
            extension_end_on, transformation_on, transformation_code, cessation_on, cessation_cause, contract_type,
            permanent, occupation_code, phone_e164, phone_kind, email, sector_code
        """;

    public const string NoticeCopySql = $"COPY notice_staging ({StagedColumns}) FROM STDIN (FORMAT BINARY)";

    // A first load's notices go straight into their table, each with its chain's root (WriteNotice).
    const string FirstLoadCopySql = $"COPY notices ({StagedColumns}, root_code) FROM STDIN (FORMAT BINARY, FREEZE)";

    readonly record struct Staged(int Files, long Notices, long Contacts, long Rejections);

    const int ChunkRecords = 1024;

    /// <summary>
    /// Parses on other threads while this one COPYs: on two cores parsing and PostgreSQL's COPY overlap.
    /// One COPY is open at a time; rejections (few) are kept and written at the end, or every 10,000. A first load COPYs the notices
    /// into their table and folds them and the contacts into <paramref name="state"/> as it goes (on a thread of its
    /// own the fold measured no faster: staging keeps both cores busy); anything else COPYs into the staging tables
    /// the merge reads.
    /// </summary>
    async Task<Staged> StageAsync(NpgsqlConnection conn, IEnumerable<NoticeInput> inputs, FirstLoadState? state, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        // Small chunks, few in flight: parsed notices waiting here survive garbage collections, and copying survivors
        // was half the parse's time with 8 chunks of 4,096.
        var channel = System.Threading.Channels.Channel.CreateBounded<SourceRecord[]>(new System.Threading.Channels.BoundedChannelOptions(4)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var files = 0;
        // Cancelled when the consumer fails, so that the producer does not wait on a full channel for ever.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            try
            {
                var chunk = new List<SourceRecord>(ChunkRecords);
                long records = 0;
                foreach (var input in inputs)
                {
                    files++;
                    progress?.Report(new ImportProgress(files, records, input.Name));
                    foreach (var record in NoticeReader.Read(input, limits ?? NoticeLimits.Default, stop.Token))
                    {
                        chunk.Add(record);
                        if (chunk.Count == ChunkRecords)
                        {
                            records += chunk.Count;
                            await channel.Writer.WriteAsync([.. chunk], stop.Token);
                            chunk.Clear();
                            if (records % 65536 == 0) progress?.Report(new ImportProgress(files, records, input.Name));
                        }
                    }
                }
                records += chunk.Count;
                if (chunk.Count > 0) await channel.Writer.WriteAsync([.. chunk], stop.Token);
                progress?.Report(new ImportProgress(files, records, null));
                channel.Writer.Complete();
            }
            catch (Exception ex)
            {
                channel.Writer.Complete(ex);
            }
        }, CancellationToken.None);

        long notices = 0, contacts = 0, rejected = 0;
        var rejections = new List<SourceRecord>();
        var warnings = new List<(string File, long Position, string Code, NoticeWarning Warning)>();
        var codes = new StagedCodes();
        CopyRowWriter? noticeCopy = null, contactCopy = null;
        try
        {
            await foreach (var chunk in channel.Reader.ReadAllAsync(ct))
            {
                foreach (var record in chunk)
                {
                    if (record.Rejection is not null)
                    {
                        rejections.Add(record);
                        // A file of bad records is not held in memory either: every so many, the COPY in progress
                        // ends and the rejections kept so far go to the quarantine's staging.
                        if (rejections.Count == RejectionsKept)
                        {
                            if (noticeCopy is not null) { await noticeCopy.CompleteAsync(ct); noticeCopy = null; }
                            if (contactCopy is not null) { await contactCopy.CompleteAsync(ct); contactCopy = null; }
                            rejected += await QuarantineAsync(conn, rejections, ct);
                        }
                        continue;
                    }
                    if (record.Notice is { } n)
                    {
                        notices++;
                        // Warnings are kept like rejections: a file whose every notice has one is written out as it goes.
                        if (n.Warnings is { } found)
                        {
                            foreach (var w in found) warnings.Add((record.File, record.Position, n.Code, w));
                            if (warnings.Count >= RejectionsKept)
                            {
                                if (noticeCopy is not null) { await noticeCopy.CompleteAsync(ct); noticeCopy = null; }
                                if (contactCopy is not null) { await contactCopy.CompleteAsync(ct); contactCopy = null; }
                                await StageWarningsAsync(conn, warnings, ct);
                            }
                        }
                        // Within a batch the first copy of a code (in file order) wins; a repeat is a duplicate, and is
                        // never staged (cheaper here than a grouping of the whole staging table in the merge).
                        if (!codes.Add(n.Code)) continue;
                        if (contactCopy is not null) { await contactCopy.CompleteAsync(ct); contactCopy = null; }
                        noticeCopy ??= await CopyRowWriter.BeginAsync(conn, state is not null ? FirstLoadCopySql : NoticeCopySql, ct);
                        WriteNotice(noticeCopy, n, withRoot: state is not null);
                        state?.Add(n);
                        await noticeCopy.FlushIfFullAsync(ct);
                    }
                    else if (record.Contact is { } c)
                    {
                        contacts++;
                        // a first load keeps its contacts in memory with everything else it derives
                        if (state is not null) { state.Add(c); continue; }
                        if (noticeCopy is not null) { await noticeCopy.CompleteAsync(ct); noticeCopy = null; }
                        contactCopy ??= await CopyRowWriter.BeginAsync(conn, ContactCopySql, ct);
                        WriteContact(contactCopy, c);
                        await contactCopy.FlushIfFullAsync(ct);
                    }
                }
                if (state is not null && state.ApproximateBytes > firstLoadLimit) throw new FirstLoadOverLimitException(state.Notices);
            }
            if (noticeCopy is not null) await noticeCopy.CompleteAsync(ct);
            if (contactCopy is not null) await contactCopy.CompleteAsync(ct);
        }
        catch
        {
            await stop.CancelAsync();
            await producer;
            throw;
        }
        finally
        {
            if (noticeCopy is not null) await noticeCopy.DisposeAsync();
            if (contactCopy is not null) await contactCopy.DisposeAsync();
        }
        await producer;

        rejected += await QuarantineAsync(conn, rejections, ct);
        await StageWarningsAsync(conn, warnings, ct);
        return new Staged(files, notices, contacts, rejected);
    }

    // The most rejections (and, apart, warnings) kept in memory: a file with more has them written out as it goes.
    const int RejectionsKept = 10_000;

    /// <summary>COPYs the rejections into the quarantine's staging, empties the list and returns how many there were.</summary>
    static async Task<long> QuarantineAsync(NpgsqlConnection conn, List<SourceRecord> rejections, CancellationToken ct)
    {
        await using (var copy = await CopyRowWriter.BeginAsync(conn,
            "COPY quarantine_staging (file_name, position, reason, message, raw) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var r in rejections)
            {
                copy.StartRow(5);
                copy.Text(Storable(r.File));
                copy.Int64(r.Position);
                copy.Text(r.Rejection!.Reason.ToString());
                copy.Text(Storable(r.Rejection.Message));
                copy.Text(Storable(r.Raw ?? ""));
                await copy.FlushIfFullAsync(ct);
            }
            await copy.CompleteAsync(ct);
        }
        var count = rejections.Count;
        rejections.Clear();
        return count;
    }

    // PostgreSQL refuses NUL in text: a quarantined record keeps it as the symbol for it (U+2400).
    static string Storable(string text) => text.Contains('\0') ? text.Replace('\0', '\u2400') : text;

    /// <summary>COPYs the notices' warnings into their staging table (both paths then keep them with QuarantineSql) and empties the list.</summary>
    static async Task StageWarningsAsync(NpgsqlConnection conn, List<(string File, long Position, string Code, NoticeWarning Warning)> warnings, CancellationToken ct)
    {
        if (warnings.Count == 0) return;
        await using var copy = await CopyRowWriter.BeginAsync(conn,
            "COPY warning_staging (file_name, position, notice_code, field, reason, message) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var (file, position, code, w) in warnings)
        {
            copy.StartRow(6);
            copy.Text(file);
            copy.Int64(position);
            copy.Text(code);
            copy.Text(w.Field);
            copy.Text(w.Reason.ToString());
            copy.Text(w.Message);
            await copy.FlushIfFullAsync(ct);
        }
        await copy.CompleteAsync(ct);
        warnings.Clear();
    }

    /// <summary>
    /// The codes staged so far, as <see cref="CodeKey"/>s: about 40 bytes a code with the set's own overhead (~40 MB for
    /// 1,000,000 notices), against ~100 keeping the strings alive. Validated codes always pack; anything else is kept
    /// as it is.
    /// </summary>
    sealed class StagedCodes
    {
        readonly HashSet<UInt128> packed = [];
        readonly HashSet<string> other = new(StringComparer.Ordinal);

        public bool Add(string code) => CodeKey.TryPack(code, out var key) ? packed.Add(key) : other.Add(code);
    }

    const string ContactCopySql = """
        COPY contact_staging (cf, source, phone_e164, phone_kind, priority, seen_on, provisional, sex, birth_on, birth_place)
        FROM STDIN (FORMAT BINARY)
        """;

    // withRoot: also write the root of the notice's chain, as the merge's insert would. A correction or cancellation
    // joins the chain of the notice it names; when that one is itself a correction, the re-rooting after the COPY
    // fixes it (KeyFirstLoadAsync).
    public static void WriteNotice(CopyRowWriter copy, Notice n, bool withRoot = false)
    {
        copy.StartRow(withRoot ? (short)30 : (short)29);
        copy.Text(n.Code);
        copy.Text(n.PreviousCode);
        copy.Text(n.CommunicationType);
        copy.Text(Notice.EventCode(n.Event));
        copy.TimestampTz(n.SentAt is { } sent ? DateTime.SpecifyKind(sent, DateTimeKind.Utc) : null);
        copy.Text(n.WorkerCf);
        copy.Text(n.Surname);
        copy.Text(n.Name);
        copy.Text(SexCode(n.Sex));
        copy.Date(n.BirthDate);
        copy.Text(n.BirthPlace);
        copy.Text(n.DomicileComune);
        copy.Text(n.EmployerCf);
        copy.Text(n.EmployerName);
        copy.Text(n.WorkplaceComune);
        copy.Date(n.StartOn);
        copy.Date(n.PlannedEndOn);
        copy.Date(n.ExtensionEndOn);
        copy.Date(n.TransformationOn);
        copy.Text(n.TransformationCode);
        copy.Date(n.CessationOn);
        copy.Text(n.CessationCause);
        copy.Text(n.ContractType);
        copy.Boolean(n.PermanentContract);
        copy.Text(n.OccupationCode);
        copy.Text(n.Phone.E164);
        copy.Text(KindName(n.Phone.Kind));
        copy.Text(n.Email);
        copy.Text(n.SectorCode);
        if (withRoot) copy.Text(n.CommunicationType is "03" or "04" ? n.PreviousCode! : n.Code);
    }

    // The sex column (char(1)) without a new string per notice.
    internal static string? SexCode(char? sex) => sex switch { null => null, 'M' => "M", 'F' => "F", { } other => other.ToString() };

    static void WriteContact(CopyRowWriter copy, Contact c)
    {
        copy.StartRow(10);
        copy.Text(c.Cf);
        copy.Text(c.Source.ToString());
        copy.Text(c.Phone.E164!);
        copy.Text(KindName(c.Phone.Kind)!);
        copy.Int16((short)c.Source);
        copy.Date(c.SeenOn);
        var provisional = CodiceFiscale.IsProvisional(c.Cf);
        copy.Boolean(provisional);
        if (provisional)
        {
            copy.Null();
            copy.Null();
            copy.Null();
        }
        else
        {
            var (sex, birth, place) = CodiceFiscale.Decode(c.Cf, c.SeenOn);
            copy.Text(SexCode(sex));
            copy.Date(birth);
            copy.Text(place);
        }
    }

    internal static string? KindName(PhoneKind kind) => kind switch
    {
        PhoneKind.ItalianMobile => "mobile",
        PhoneKind.Landline => "landline",
        PhoneKind.Foreign => "foreign",
        _ => null,
    };

    readonly record struct Merged(long Imported, long Corrected, long Cancelled);

    static async Task<Merged> MergeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<string> deferredIndexes, CancellationToken ct)
    {
        // New notices only: a codice comunicazione already stored (or repeated in the batch) is a duplicate.
        const string insertSql = $"""
            WITH inserted AS (
                INSERT INTO notices (code, previous_code, root_code, comm_type, event, sent_at, worker_cf, surname, name, sex,
                    birth_on, birth_place, domicile_comune, employer_cf, employer_name, workplace_comune, start_on,
                    planned_end_on, extension_end_on, transformation_on, transformation_code, cessation_on, cessation_cause,
                    contract_type, permanent, occupation_code, phone_e164, phone_kind, email, sector_code)
                SELECT s.code, s.previous_code,
                       -- a correction or cancellation joins its target's chain; if the target has not arrived yet,
                       -- the target is assumed to be an original (fixed below when it turns out to be a correction)
                       CASE WHEN s.comm_type IN ('03', '04') THEN COALESCE(p.root_code, s.previous_code) ELSE s.code END,
                       s.comm_type, s.event, s.sent_at, s.worker_cf, s.surname, s.name, s.sex,
                       s.birth_on, s.birth_place, s.domicile_comune, s.employer_cf, s.employer_name, s.workplace_comune, s.start_on,
                       s.planned_end_on, s.extension_end_on, s.transformation_on, s.transformation_code, s.cessation_on, s.cessation_cause,
                       s.contract_type, s.permanent, s.occupation_code, s.phone_e164, s.phone_kind, s.email, s.sector_code
                FROM   notice_staging s
                LEFT   JOIN notices p ON s.comm_type IN ('03', '04') AND p.code = s.previous_code
                -- Imports hold the advisory lock, so an anti-join is enough and costs a third less than
                -- ON CONFLICT's speculative insertion; codes are unique within the staging table (StageAsync).
                WHERE  NOT EXISTS (SELECT 1 FROM notices o WHERE o.code = s.code)
                RETURNING code, comm_type, worker_cf, phone_e164, phone_kind,
                -- The day a notice's phone number was last seen: the day it was sent, in Italy, else its start.
                COALESCE((sent_at AT TIME ZONE 'Europe/Rome')::date, start_on) AS seen_on),
            phones AS (
                INSERT INTO batch_phones (cf, phone_e164, phone_kind, seen_on)
                SELECT worker_cf, phone_e164, phone_kind, seen_on FROM inserted WHERE phone_e164 IS NOT NULL)
            INSERT INTO batch_new (code, comm_type, worker_cf)
            SELECT code, comm_type, worker_cf FROM inserted
            """;
        await conn.ExecuteAsync(new CommandDefinition(insertSql, transaction: tx, cancellationToken: ct, commandTimeout: 0));
        await CreateIndexesAsync(conn, tx, deferredIndexes, ct);
        await conn.ExecuteAsync(new CommandDefinition("ANALYZE batch_new; ANALYZE batch_phones", transaction: tx, cancellationToken: ct));

        // Corrections of corrections: point every chain member at the original, however the chain arrived.
        // A member points at a correction only when that correction arrived in this batch (before, its code was
        // missing and taken for an original; later passes follow chains of such new arrivals): only the batch's
        // corrections need looking at, not every correction ever stored.
        const string rerootSql = """
            UPDATE notices c
            SET    root_code = p.root_code
            FROM   notices p
            WHERE  p.code IN (SELECT code FROM batch_new) AND p.root_code <> p.code
              AND  c.root_code = p.code AND c.code <> c.root_code
            """;
        for (var pass = 0; pass < 16; pass++)
        {
            if (await conn.ExecuteAsync(new CommandDefinition(rerootSql, transaction: tx, cancellationToken: ct)) == 0) break;
        }

        const string revisionsSql = $"""
            -- revisions keyed on a code that turned out to be a correction (one that arrived in this batch) are stale
            DELETE FROM notice_revisions r USING notices n
            WHERE  n.code = r.root_code AND n.code <> n.root_code AND n.code IN (SELECT code FROM batch_new);

            {QuarantineSql};

            INSERT INTO affected_roots (root_code)
            SELECT DISTINCT c.root_code
            FROM   notices c
            WHERE  c.code <> c.root_code
              AND  (c.code IN (SELECT code FROM batch_new) OR c.root_code IN (SELECT code FROM batch_new));

            -- Which version of each affected chain counts: any cancellation retracts it; otherwise the latest
            -- correction by dataInvio (then code), else the original.
            INSERT INTO notice_revisions (root_code, chosen_code, cancelled, has_root)
            SELECT n.root_code,
                   (array_agg(n.code ORDER BY n.code = n.root_code, n.sent_at DESC NULLS LAST, n.code DESC)
                        FILTER (WHERE n.comm_type <> '04'))[1],
                   bool_or(n.comm_type = '04'),
                   bool_or(n.code = n.root_code)
            -- the chains' originals and their corrections, each read by index (an OR of the two reads every notice)
            FROM  (SELECT code, root_code, comm_type, sent_at FROM notices WHERE code IN (SELECT root_code FROM affected_roots)
                   UNION ALL
                   SELECT code, root_code, comm_type, sent_at FROM notices WHERE code <> root_code AND root_code IN (SELECT root_code FROM affected_roots)) n
            GROUP  BY n.root_code
            ON CONFLICT (root_code) DO UPDATE
            SET    chosen_code = EXCLUDED.chosen_code, cancelled = EXCLUDED.cancelled, has_root = EXCLUDED.has_root;
            """;
        await conn.ExecuteAsync(new CommandDefinition(revisionsSql, transaction: tx, cancellationToken: ct, commandTimeout: 0));

        var counts = await conn.QuerySingleAsync<(long Imported, long Corrected, long Cancelled)>(new CommandDefinition("""
            SELECT count(*) FILTER (WHERE comm_type NOT IN ('03', '04')),
                   count(*) FILTER (WHERE comm_type = '03'),
                   count(*) FILTER (WHERE comm_type = '04')
            FROM   batch_new
            """, transaction: tx, cancellationToken: ct));
        return new Merged(counts.Imported, counts.Corrected, counts.Cancelled);
    }

    // Both paths keep the batch's rejected records and warnings alike (a first load's KeyFirstLoadAsync, an increment's MergeAsync).
    const string QuarantineSql = """
        INSERT INTO notice_quarantine (file_name, position, reason, message, raw)
        SELECT file_name, position, reason, message, raw FROM quarantine_staging
        ON CONFLICT DO NOTHING;
        INSERT INTO notice_warnings (file_name, position, notice_code, field, reason, message)
        SELECT file_name, position, notice_code, field, reason, message FROM warning_staging
        ON CONFLICT DO NOTHING
        """;

    /// <summary>Spells and per-person state for everyone the batch touched; returns how many people that was.</summary>
    /// <remarks>Each person row is written once, at the end, with who they are, their links, spells summary and mobile.</remarks>
    static async Task<long> RecomputePeopleAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        const string touchedSql = """
            INSERT INTO touched (cf)
            SELECT worker_cf FROM batch_new
            UNION
            SELECT worker_cf FROM notices WHERE code IN (SELECT root_code FROM affected_roots)
            UNION
            SELECT worker_cf FROM notices WHERE code <> root_code AND root_code IN (SELECT root_code FROM affected_roots)
            UNION
            SELECT cf FROM contact_staging;
            ANALYZE touched;

            INSERT INTO person_contacts (cf, source, phone_e164, phone_kind, priority, seen_on)
            -- The batch's phone numbers, one row per person, source and number.
            SELECT cf, source, phone_e164, max(phone_kind), min(priority), max(seen_on)
            FROM (
                SELECT cf, 'CO' AS source, phone_e164, phone_kind, 4::smallint AS priority, seen_on FROM batch_phones
                UNION ALL
                SELECT cf, source, phone_e164, phone_kind, priority, seen_on FROM contact_staging
            ) c
            GROUP  BY cf, source, phone_e164
            ON CONFLICT (cf, source, phone_e164) DO UPDATE SET seen_on = GREATEST(person_contacts.seen_on, EXCLUDED.seen_on);

            -- Who each touched person is: their latest notice (by dataInvio, then code) says; someone known only
            -- from a contact list is what the codice fiscale says. (Codes compare by byte: migration 0450.)
            CREATE TEMP TABLE facts ON COMMIT DROP AS
            SELECT DISTINCT ON (n.worker_cf) n.worker_cf AS cf, n.sex, n.birth_on, n.birth_place, n.surname, n.name, n.domicile_comune
            FROM   notices n
            WHERE  n.worker_cf IN (SELECT cf FROM touched)
            ORDER  BY n.worker_cf, n.sent_at DESC NULLS LAST, n.code DESC;
            INSERT INTO facts (cf, sex, birth_on, birth_place)
            SELECT DISTINCT ON (c.cf) c.cf, c.sex, c.birth_on, c.birth_place
            FROM   contact_staging c
            WHERE  NOT EXISTS (SELECT 1 FROM facts f WHERE f.cf = c.cf)
              AND  NOT EXISTS (SELECT 1 FROM people p WHERE p.cf = c.cf);
            ANALYZE facts;

            -- A provisional code and a 16-character code with the same surname, name, birth date (and birth place,
            -- when the provisional notices give one) are the same person, when exactly one such code exists.
            CREATE TEMP TABLE links ON COMMIT DROP AS
            WITH unlinked AS (
                SELECT f.cf, f.surname, f.name, f.birth_on, f.birth_place
                FROM   facts f LEFT JOIN people p ON p.cf = f.cf
                WHERE  length(f.cf) = 11 AND p.successor_cf IS NULL
                UNION
                SELECT p.cf, p.surname, p.name, p.birth_on, p.birth_place
                FROM   people p JOIN facts f ON f.surname = p.surname AND f.name = p.name AND f.birth_on = p.birth_on
                WHERE  p.provisional AND p.successor_cf IS NULL AND length(f.cf) = 16),
            candidates AS (
                SELECT u.cf AS provisional_cf, s.cf AS successor_cf
                FROM   unlinked u JOIN facts s ON s.surname = u.surname AND s.name = u.name AND s.birth_on = u.birth_on
                WHERE  length(s.cf) = 16 AND (u.birth_place IS NULL OR s.birth_place = u.birth_place)
                UNION
                SELECT u.cf, s.cf
                FROM   unlinked u JOIN people s ON s.surname = u.surname AND s.name = u.name AND s.birth_on = u.birth_on
                WHERE  NOT s.provisional AND (u.birth_place IS NULL OR s.birth_place = u.birth_place))
            SELECT provisional_cf, min(successor_cf) AS successor_cf
            FROM   candidates
            GROUP  BY provisional_cf
            HAVING count(*) = 1;

            -- Newly linked pairs, and the provisional codes of anyone touched, are recomputed together.
            INSERT INTO touched (cf)
            SELECT x.cf
            FROM  (SELECT provisional_cf AS cf FROM links UNION SELECT successor_cf FROM links
                   UNION
                   SELECT p.cf FROM people p WHERE p.successor_cf IN (SELECT cf FROM touched)) x
            WHERE  NOT EXISTS (SELECT 1 FROM touched t WHERE t.cf = x.cf);

            CREATE TEMP TABLE successors (cf text PRIMARY KEY, successor_cf text NOT NULL) ON COMMIT DROP;
            INSERT INTO successors (cf, successor_cf)
            SELECT t.cf, COALESCE(l.successor_cf, p.successor_cf)
            FROM   touched t
            LEFT   JOIN links l ON l.provisional_cf = t.cf
            LEFT   JOIN people p ON p.cf = t.cf
            WHERE  COALESCE(l.successor_cf, p.successor_cf) IS NOT NULL;
            -- Unanalysed temporary tables look empty to the planner, which then loops over them per notice.
            ANALYZE touched;
            ANALYZE successors;
            """;
        await conn.ExecuteAsync(new CommandDefinition(touchedSql, transaction: tx, cancellationToken: ct, commandTimeout: 0));

        // Effective end (docs/domain.md §2.4): the cessation date; else open if transformed to (or hired as)
        // permanent; else the last extension's end; else the planned end, which a fixed-term job reaches with
        // no cessation notice.
        const string spellsSql = """
            -- A join, not IN: touched is distinct but has no unique index, and the planner only probes the spells'
            -- key per touched person (50 ms instead of 266 ms for 10,091 people of an increment over 1,000,000 notices) when
            -- it need not make touched distinct first.
            DELETE FROM employment_spells s USING touched t WHERE s.person_cf = t.cf;

            -- Every spell of the touched people, written, with each person's summary of them (spell_summary).
            -- Every spell of a touched person is rewritten here (their provisional codes are touched too), so the
            -- person's spell summary is taken from what this writes instead of reading employment_spells again.
            CREATE TEMP TABLE spell_summary ON COMMIT DROP AS
            WITH written AS (
            INSERT INTO employment_spells (person_cf, employer_cf, start_on, employer_name, contract_type, occupation_code,
                hired, planned_end_on, extension_end_on, permanent_on, cessation_on, cessation_cause, effective_end_on, end_reason,
                sector_code)
            SELECT person_cf, employer_cf, start_on, latest[3], COALESCE(transformed[3], by_hiring[4]), by_hiring[5],
                   hired, planned_end_on, extension_end_on, permanent_on, cessation_on, ceased[3],
                   CASE WHEN cessation_on IS NOT NULL THEN cessation_on
                        WHEN permanent_on IS NOT NULL OR permanent_hire THEN NULL
                        ELSE COALESCE(extension_end_on, planned_end_on) END,
                   CASE WHEN cessation_on IS NOT NULL THEN 'cessation'
                        WHEN permanent_on IS NOT NULL OR permanent_hire THEN NULL
                        WHEN COALESCE(extension_end_on, planned_end_on) IS NOT NULL THEN 'term' END,
                   by_hiring[6]
            FROM (
                -- "The value of the first notice in an order" is the max() of an array that starts with the ordering
                -- keys (the codes are unique, so the keys decide): ordered aggregates (array_agg(… ORDER BY …)) sort
                -- each spell's notices apart, and were 80% of this statement; these let one hash aggregate do it all.
                -- Dates as ISO text (DateStyle set for the transaction) sort as dates; a NULL element sorts above any
                -- value, as a NULL sorts first in a DESC order; '' below any time, as NULLS LAST.
                -- The arrays compare in byte order (COLLATE "C"): the deciding elements are ISO dates and codes, which
                -- sort the same in any collation, and the database's own (C.UTF-8, it_IT…) goes through strcoll for
                -- every element compared, a sixth of this statement.
                SELECT COALESCE(s.successor_cf, e.worker_cf) AS person_cf, e.employer_cf, e.start_on,
                       -- employer name of the latest notice (by data invio, then code)
                       max(ARRAY[COALESCE((e.sent_at AT TIME ZONE 'UTC')::text, ''), e.code, e.employer_name] COLLATE "C") AS latest,
                       -- contract type after the latest transformation
                       max(ARRAY[e.transformation_on::text, e.code, e.contract_type] COLLATE "C") FILTER (WHERE e.event = 'TRS') AS transformed,
                       -- contract type, occupation and sector of the (latest) hiring, else of the latest notice
                       max(ARRAY[CASE WHEN e.event = 'ASS' THEN '1' ELSE '0' END, COALESCE((e.sent_at AT TIME ZONE 'UTC')::text, ''), e.code,
                                 e.contract_type, e.occupation_code, e.sector_code] COLLATE "C") AS by_hiring,
                       bool_or(e.event = 'ASS') AS hired,
                       COALESCE(max(e.planned_end_on) FILTER (WHERE e.event = 'ASS'), max(e.planned_end_on)) AS planned_end_on,
                       max(e.extension_end_on) FILTER (WHERE e.event = 'PRO') AS extension_end_on,
                       min(e.transformation_on) FILTER (WHERE e.event = 'TRS' AND (e.permanent OR e.transformation_code = 'DI')) AS permanent_on,
                       bool_or(e.event = 'ASS' AND e.permanent) AS permanent_hire,
                       max(e.cessation_on) FILTER (WHERE e.event = 'CES') AS cessation_on,
                       -- cause of the latest cessation
                       max(ARRAY[e.cessation_on::text, e.code, e.cessation_cause] COLLATE "C") FILTER (WHERE e.event = 'CES') AS ceased
                FROM   effective_notices e
                LEFT   JOIN successors s ON s.cf = e.worker_cf
                WHERE  e.worker_cf IN (SELECT cf FROM touched)
                GROUP  BY 1, 2, 3
            ) g
            RETURNING person_cf, start_on, effective_end_on, contract_type, cessation_cause)
            SELECT person_cf, max(start_on) AS last_start_on, max(effective_end_on) AS last_end_on,
                   bool_or(effective_end_on IS NULL) AS has_open_spell,
                   -- both from the same spell: the open one, else the latest ended (then started), as in the
                   -- spell aggregate above (a NULL end sorts above every date)
                   max(ARRAY[effective_end_on::text, start_on::text, contract_type, cessation_cause] COLLATE "C") AS last_spell
            FROM   written
            GROUP  BY person_cf;
            ANALYZE spell_summary;
            """;
        await conn.ExecuteAsync(new CommandDefinition(spellsSql, transaction: tx, cancellationToken: ct, commandTimeout: 0));

        // The state the nightly selection reads, so that it never scans notices or spells. A person without
        // new facts keeps what was known; a linked provisional code keeps no state of its own.
        // Worked out once into a temporary table (no WAL), then an UPDATE of the known and a plain INSERT of the
        // new: cheaper than ON CONFLICT's speculative insertion, and the advisory lock keeps imports apart.
        const string peopleSql = $"""
              CREATE TEMP TABLE person_rows ON COMMIT DROP AS
              -- Each touched person's row as it will be, and whether it is known already.
              SELECT t.cf, length(t.cf) = 11 AS provisional, x.successor_cf,
                     CASE WHEN f.cf IS NULL THEN o.sex ELSE f.sex END AS sex,
                     CASE WHEN f.cf IS NULL THEN o.birth_on ELSE f.birth_on END AS birth_on,
                     CASE WHEN f.cf IS NULL THEN o.birth_place ELSE f.birth_place END AS birth_place,
                     CASE WHEN f.cf IS NULL OR f.surname IS NULL THEN o.surname ELSE f.surname END AS surname,
                     CASE WHEN f.cf IS NULL OR f.name IS NULL THEN o.name ELSE f.name END AS name,
                     CASE WHEN f.cf IS NULL OR f.surname IS NULL THEN o.domicile_comune ELSE f.domicile_comune END AS domicile_comune,
                     m.phone_e164 AS mobile_e164, m.source AS mobile_source, s.last_start_on, s.last_end_on,
                     COALESCE(s.has_open_spell, false) AS has_open_spell, s.last_spell[3] AS last_contract_type,
                     s.last_spell[4] AS last_cessation_cause,
                     o.cf IS NOT NULL AS known
              FROM   touched t
              LEFT   JOIN facts f ON f.cf = t.cf
              LEFT   JOIN people o ON o.cf = t.cf
              LEFT   JOIN successors x ON x.cf = t.cf
              LEFT   JOIN spell_summary s ON s.person_cf = t.cf
              LEFT   JOIN (
                  -- best Italian mobile: source priority (CPI, SAP, SIISL, CO), then the most recently seen, then the number
                  SELECT DISTINCT ON (COALESCE(q.successor_cf, c.cf)) COALESCE(q.successor_cf, c.cf) AS owner, c.phone_e164, c.source
                  FROM   touched w
                  JOIN   person_contacts c ON c.cf = w.cf
                  LEFT   JOIN successors q ON q.cf = c.cf
                  WHERE  c.phone_kind = 'mobile'
                  ORDER  BY COALESCE(q.successor_cf, c.cf), c.priority, c.seen_on DESC, c.phone_e164 COLLATE "C"
              ) m ON m.owner = t.cf;

              UPDATE people p
              SET    successor_cf = r.successor_cf, sex = r.sex, birth_on = r.birth_on, birth_place = r.birth_place,
                     surname = r.surname, name = r.name, domicile_comune = r.domicile_comune, mobile_e164 = r.mobile_e164,
                     mobile_source = r.mobile_source, last_start_on = r.last_start_on, last_end_on = r.last_end_on,
                     has_open_spell = r.has_open_spell, last_contract_type = r.last_contract_type,
                     last_cessation_cause = r.last_cessation_cause, updated_at = now()
              FROM   person_rows r
              WHERE  r.known AND p.cf = r.cf;

              INSERT INTO people ({PeopleColumns}, updated_at)
              SELECT {PeopleColumns}, now() FROM person_rows WHERE NOT known;
              """;
        await conn.ExecuteAsync(new CommandDefinition(peopleSql, transaction: tx, cancellationToken: ct, commandTimeout: 0));
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM touched", transaction: tx, cancellationToken: ct));
    }

    const string PeopleColumns = """
        cf, provisional, successor_cf, sex, birth_on, birth_place, surname, name, domicile_comune, mobile_e164,
            mobile_source, last_start_on, last_end_on, has_open_spell, last_contract_type, last_cessation_cause
        """;
}
