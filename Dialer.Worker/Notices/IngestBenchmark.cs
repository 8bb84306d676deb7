using System.CommandLine;
using System.Diagnostics;
using Dialer.Core.Database;
using Dialer.Core.Notices;
using Dialer.Worker.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Worker.Notices;

/// <summary>
/// `dialer bench ingest`: end-to-end import of N generated CSV notices, a 20,000-notice daily increment on top, and
/// raw binary COPY of the same N rows into an unindexed table as the baseline, in a scratch database of the same server.
/// </summary>
static class IngestBenchmark
{
    const int Increment = 20_000;

    public static Command Create()
    {
        var notices = new Option<int>("--notices") { Description = "How many notices the full import loads.", DefaultValueFactory = _ => 200_000 };
        var keep = new Option<bool>("--keep") { Description = "Keep the scratch database afterwards (dropped by default)." };
        var command = new Command("ingest", "Notice ingest: full import of N notices, a 20,000-notice increment, and raw binary COPY of the same rows, " +
            "with their ratios. Runs in a scratch database '<database>_bench_ingest' on the configured server.") { notices, keep };
        command.SetAction(async (parse, ct) =>
        {
            var n = parse.GetValue(notices);
            var builder = CommandHost.CreateBuilder();
            await using var database = await CommandHost.AttachDatabaseAsync(builder, ct);
            var configured = builder.Configuration.GetConnectionString(DatabaseAttachment.ConnectionStringName)!;
            var scratch = new NpgsqlConnectionStringBuilder(configured);
            scratch.Database += "_bench_ingest";
            await RecreateAsync(configured, scratch.Database!, drop: false, ct);
            var folder = Directory.CreateTempSubdirectory("dialer-bench-ingest-").FullName;
            try
            {
                await using var dataSource = NpgsqlDataSource.Create(scratch.ConnectionString);
                await new Migrator(dataSource, NullLogger<Migrator>.Instance).RunAsync(ct: ct);
                await RunAsync(dataSource, n, folder, ct);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
                if (!parse.GetValue(keep)) await RecreateAsync(configured, scratch.Database!, drop: true, ct);
            }
            return 0;
        });
        return command;
    }

    static async Task RunAsync(NpgsqlDataSource db, int n, string folder, CancellationToken ct)
    {
        var asOf = new DateOnly(2026, 11, 1);
        Console.Out.WriteLine($"Generating {n:N0} notices and a {Increment:N0}-notice increment…");
        var full = Path.Combine(folder, "full");
        var daily = Path.Combine(folder, "daily");
        NoticeDatasetWriter.Write(new NoticeGenerator(new GeneratorOptions { People = n, Seed = 1, AsOf = asOf, MaxNotices = n }), full, DatasetFormat.Csv, ct);
        NoticeDatasetWriter.Write(new NoticeGenerator(new GeneratorOptions { People = Increment, Seed = 2, AsOf = asOf, MaxNotices = Increment }), daily, DatasetFormat.Csv, ct);
        var ingest = new NoticeIngest(db, NullLogger<NoticeIngest>.Instance);

        // A checkpoint first, outside the measures: the server's dirty pages from earlier work (a test run, another
        // bench) would otherwise be written under them. After a long test run every figure here was ~25 % slower, the
        // raw COPY included (275,000-355,000 rows/s), until a manual CHECKPOINT (with stale databases dropped): 435,000.
        var checkpointSeconds = await CheckpointAsync(db, ct);
        var fullImport = await ingest.RunAsync([NoticeInput.FromFile(Path.Combine(full, "notices.csv"))], ct: ct);
        // After a million-row load autovacuum vacuums the new tables, for seconds, whenever its launcher next visits the
        // database: done here, outside the measures, so that it cannot share the two cores with the increment or the
        // baseline at random (before this, the raw COPY ranged over 267,000-425,000 rows/s from run to run; the cause was
        // not isolated). A nightly increment meets a store vacuumed long before.
        var vacuum = Stopwatch.StartNew();
        await using (var conn = await db.OpenConnectionAsync(ct))
            await conn.ExecuteAsync(new CommandDefinition("VACUUM notices, notice_revisions, people, employment_spells, person_contacts",
                cancellationToken: ct, commandTimeout: 0));
        var vacuumSeconds = vacuum.Elapsed.TotalSeconds;
        var increment = await ingest.RunAsync([NoticeInput.FromFile(Path.Combine(daily, "notices.csv"))], ct: ct);
        var (parseSeconds, copySeconds, copied) = await RawCopyAsync(db, Path.Combine(full, "notices.csv"), ct);

        var read = fullImport.Read;
        var fullRate = read / fullImport.Elapsed.TotalSeconds;
        var copyRate = copied / copySeconds;
        Console.Out.WriteLine();
        Console.Out.WriteLine($"Notice ingest on {Environment.ProcessorCount} cores, {read:N0} notices ({fullImport.Imported + fullImport.Corrected + fullImport.Cancelled:N0} stored, {fullImport.Quarantined:N0} quarantined, {fullImport.PeopleUpdated:N0} people)");
        Console.Out.WriteLine(checkpointSeconds is { } cs
            ? $"  (CHECKPOINT before the measures: {cs:0.00} s)"
            : "  (no CHECKPOINT before the measures: the role may not run one; earlier work's writes may slow the figures)");
        Console.Out.WriteLine($"  full import        {fullImport.Elapsed.TotalSeconds,8:0.00} s  {fullRate,10:N0} notices/s   goal: 1,000,000 in ≤ 15 s");
        Console.Out.WriteLine($"    stages: {string.Join(", ", fullImport.StageSeconds.Select(s => $"{s.Key} {s.Value:0.00} s"))}");
        Console.Out.WriteLine($"  (VACUUM of the loaded tables, outside the measures: {vacuumSeconds:0.00} s)");
        Console.Out.WriteLine($"  daily increment    {increment.Elapsed.TotalSeconds,8:0.00} s  {increment.Read,10:N0} notices     goal: 20,000 in ≤ 2 s");
        Console.Out.WriteLine($"    stages: {string.Join(", ", increment.StageSeconds.Select(s => $"{s.Key} {s.Value:0.00} s"))}");
        Console.Out.WriteLine($"  raw binary COPY    {copySeconds,8:0.00} s  {copyRate,10:N0} rows/s      goal: ≥ 300,000 rows/s");
        Console.Out.WriteLine($"  parse alone        {parseSeconds,8:0.00} s  {copied / parseSeconds,10:N0} notices/s   (the CSV read and validated, nothing written)");
        Console.Out.WriteLine("Ratios (same run):");
        Console.Out.WriteLine($"  full import rate / raw COPY rate           {fullRate / copyRate,6:0.00}");
        Console.Out.WriteLine($"  parse+stage rate / raw COPY rate           {read / fullImport.StageSeconds["parse_and_stage"] / copyRate,6:0.00}");
        Console.Out.WriteLine($"  increment per notice / full per notice     {increment.Elapsed.TotalSeconds / increment.Read / (fullImport.Elapsed.TotalSeconds / read),6:0.00}");
        Console.Out.WriteLine($"  full import, projected to 1,000,000        {fullImport.Elapsed.TotalSeconds * 1_000_000 / read,6:0.0} s");
    }

    /// <summary>Runs a CHECKPOINT and returns how long it took, or null when the role may not (superuser or pg_checkpoint).</summary>
    static async Task<double?> CheckpointAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            // (Dapper takes a command without a space for the name of a procedure.)
            await conn.ExecuteAsync(new CommandDefinition("CHECKPOINT", commandType: System.Data.CommandType.Text, cancellationToken: ct, commandTimeout: 0));
            return clock.Elapsed.TotalSeconds;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return null;
        }
    }

    /// <summary>
    /// The baseline: the parsed rows, already in memory, binary-COPYed into a table with no index. The parse that
    /// reads them is timed too: with the COPY rate it bounds what the staging stage can reach.
    /// </summary>
    static async Task<(double ParseSeconds, double CopySeconds, long Rows)> RawCopyAsync(NpgsqlDataSource db, string file, CancellationToken ct)
    {
        // Counted, not kept: a million notices held in memory would time the garbage collector instead.
        var parse = Stopwatch.StartNew();
        var parsed = NoticeReader.Read(NoticeInput.FromFile(file), ct).Count(r => r.Notice is not null);
        var parseSeconds = parse.Elapsed.TotalSeconds;
        var rows = NoticeReader.Read(NoticeInput.FromFile(file), ct).Where(r => r.Notice is not null).Select(r => r.Notice!).ToList();
        if (rows.Count != parsed) throw new InvalidOperationException($"the file parsed to {parsed:N0} notices, then to {rows.Count:N0}");
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            DROP TABLE IF EXISTS notice_staging;
            CREATE TABLE notice_staging (
                code text, previous_code text, comm_type text, event text, sent_at timestamptz,
                worker_cf text, surname text, name text, sex char(1), birth_on date, birth_place text, domicile_comune text,
                employer_cf text, employer_name text, workplace_comune text,
                start_on date, planned_end_on date, extension_end_on date, transformation_on date, transformation_code text,
                cessation_on date, cessation_cause text, contract_type text, permanent boolean, occupation_code text,
                phone_e164 text, phone_kind text, email text, sector_code text)
            """, cancellationToken: ct));
        var clock = Stopwatch.StartNew();
        await using (var copy = await CopyRowWriter.BeginAsync(conn, NoticeIngest.NoticeCopySql, ct))
        {
            foreach (var row in rows)
            {
                NoticeIngest.WriteNotice(copy, row);
                await copy.FlushIfFullAsync(ct);
            }
            await copy.CompleteAsync(ct);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        await conn.ExecuteAsync(new CommandDefinition("DROP TABLE notice_staging", cancellationToken: ct));
        return (parseSeconds, seconds, rows.Count);
    }

    static Task RecreateAsync(string connectionString, string name, bool drop, CancellationToken ct) =>
        drop ? DatabaseServer.DropDatabaseAsync(connectionString, name, ct) : DatabaseServer.RecreateDatabaseAsync(connectionString, name, ct);
}
