using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dialer.Core.Database;
using Dialer.Core.Notices;
using Dialer.Worker.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Worker.Notices;

/// <summary>What one fuzz round found: the import's summary and every broken promise (none is the pass).</summary>
public sealed record FuzzRound(int Seed, ImportSummary? Summary, IReadOnlyList<string> Failures);

/// <summary>
/// Imports a fuzz corpus together with its good files in one run and checks the import's promises: no exception
/// escapes, every good notice is imported and nothing of the good files is quarantined, every surely-bad file leaves
/// a quarantine row with a reason and a message, and the counts add up
/// (read = imported + corrected + cancelled + duplicates + contacts + quarantined).
/// </summary>
public static class ImportFuzz
{
    public static async Task<FuzzRound> RunRoundAsync(NpgsqlDataSource db, string folder, int seed, int badFiles, DateOnly asOf, CancellationToken ct)
    {
        var corpus = ImportFuzzCorpus.Write(folder, seed, badFiles, asOf);
        var failures = new List<string>();
        // Bad and good files interleaved, so that a failure could cost a good file after it.
        var names = corpus.BadFiles.Select(f => f.Name).Concat(corpus.GoodFiles).Order(StringComparer.Ordinal).ToList();
        long before;
        await using (var first = await db.OpenConnectionAsync(ct))
            before = await first.ExecuteScalarAsync<long>(new CommandDefinition("SELECT coalesce(max(id), 0) FROM notice_quarantine", cancellationToken: ct));
        ImportSummary summary;
        try
        {
            summary = await new NoticeIngest(db, NullLogger<NoticeIngest>.Instance)
                .RunAsync(names.Select(n => NoticeInput.FromFile(Path.Combine(folder, n))), ct: ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failures.Add($"the import threw {ex.GetType().Name}: {ex.Message}");
            return new FuzzRound(seed, null, failures);
        }

        var accounted = summary.Imported + summary.Corrected + summary.Cancelled + summary.Duplicates + summary.Contacts + summary.Quarantined;
        if (summary.Read != accounted)
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"counts do not add up: read {summary.Read} ≠ imported {summary.Imported} + corrected {summary.Corrected} + cancelled {summary.Cancelled} " +
                $"+ duplicates {summary.Duplicates} + contacts {summary.Contacts} + quarantined {summary.Quarantined} = {accounted}"));

        const string sql = """
            SELECT (SELECT count(*) FROM notices WHERE code = ANY(@codes)) AS GoodImported,
                   (SELECT count(*) FROM notice_quarantine WHERE id > @before AND file_name = ANY(@goodNotices)) AS GoodQuarantined,
                   (SELECT count(*) FROM notice_quarantine WHERE id > @before AND (reason = '' OR message = '')) AS WithoutReason
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var check = await conn.QuerySingleAsync<(long GoodImported, long GoodQuarantined, long WithoutReason)>(
            new CommandDefinition(sql, new
            {
                codes = corpus.GoodCodes.ToArray(),
                // the generator's contact lists hold deliberately bad numbers (notes in the phone field): only notices count
                goodNotices = corpus.GoodFiles.Where(f => f.Contains("notices", StringComparison.Ordinal)).ToArray(),
                before,
            }, cancellationToken: ct));
        if (check.GoodImported != corpus.GoodCodes.Count)
            failures.Add($"{corpus.GoodCodes.Count - check.GoodImported} of the {corpus.GoodCodes.Count} good notices were not imported");
        if (check.GoodQuarantined != 0) failures.Add($"{check.GoodQuarantined} records of the good notice files were quarantined");
        if (check.WithoutReason != 0) failures.Add($"{check.WithoutReason} quarantine rows have no reason or no message");

        var quarantinedFiles = (await conn.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT file_name FROM notice_quarantine WHERE id > @before", new { before }, cancellationToken: ct))).ToList();
        foreach (var file in corpus.BadFiles.Where(f => f.SurelyBad))
            if (!quarantinedFiles.Any(q => q == file.Name || q.StartsWith(file.Name + "/", StringComparison.Ordinal)))
                failures.Add($"{file.Name} ({file.Mutation}) left no quarantine row");
        return new FuzzRound(seed, summary, failures);
    }

    /// <summary>
    /// `dialer bench fuzz-import`: rounds of fresh corpora for a while, in a scratch database emptied before every
    /// other round, so that the rounds alternate between the first-load path (an empty store) and the merge path.
    /// </summary>
    public static Command Create()
    {
        var seconds = new Option<int>("--seconds") { Description = "How long to go on starting rounds.", DefaultValueFactory = _ => 60 };
        var seed = new Option<int>("--seed") { Description = "The first round's seed; each round adds one.", DefaultValueFactory = _ => 1 };
        var files = new Option<int>("--files") { Description = "Bad files per round.", DefaultValueFactory = _ => 34 };
        var rounds = new Option<int?>("--rounds") { Description = "Stop after this many rounds, even before --seconds have passed." };
        var command = new Command("fuzz-import", "Fuzzes the notice import: rounds of generated good files and mutated bad ones (byte flips, truncations, " +
            "NULs, huge fields, long lines, broken zips, deep XML…) imported together, each checked for lost good records, " +
            "unexplained rejections and counts that do not add up. Runs in a scratch database '<database>_bench_fuzz'; exit 1 on any failure.")
            { seconds, seed, files, rounds };
        command.SetAction(async (parse, ct) =>
        {
            var builder = CommandHost.CreateBuilder();
            await using var database = await CommandHost.AttachDatabaseAsync(builder, ct);
            var configured = builder.Configuration.GetConnectionString(DatabaseAttachment.ConnectionStringName)!;
            var scratch = new NpgsqlConnectionStringBuilder(configured);
            scratch.Database += "_bench_fuzz";
            await DatabaseServer.RecreateDatabaseAsync(configured, scratch.Database!, ct);
            try
            {
                await using var dataSource = NpgsqlDataSource.Create(scratch.ConnectionString);
                await new Migrator(dataSource, NullLogger<Migrator>.Instance).RunAsync(ct: ct);
                return await RunForAsync(dataSource, TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(rounds) ?? int.MaxValue,
                    parse.GetValue(seed), parse.GetValue(files), ct);
            }
            finally
            {
                await DatabaseServer.DropDatabaseAsync(configured, scratch.Database!, ct);
            }
        });
        return command;
    }

    static async Task<int> RunForAsync(NpgsqlDataSource db, TimeSpan duration, int maxRounds, int firstSeed, int badFiles, CancellationToken ct)
    {
        var asOf = new DateOnly(2026, 11, 1);
        var clock = Stopwatch.StartNew();
        var peak = 0L;
        int rounds = 0, failed = 0;
        long read = 0, quarantined = 0, files = 0;
        var byReason = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var seed = firstSeed; clock.Elapsed < duration && rounds < maxRounds; seed++)
        {
            if ((seed - firstSeed) % 2 == 0) await EmptyAsync(db, ct);
            var folder = Directory.CreateTempSubdirectory("dialer-fuzz-").FullName;
            try
            {
                var round = await RunRoundAsync(db, folder, seed, badFiles, asOf, ct);
                rounds++;
                files += round.Summary?.Files ?? 0;
                read += round.Summary?.Read ?? 0;
                quarantined += round.Summary?.Quarantined ?? 0;
                foreach (var (reason, count) in round.Summary?.QuarantinedByReason ?? new Dictionary<string, long>())
                    byReason[reason] = byReason.GetValueOrDefault(reason) + count;
                if (round.Failures.Count > 0)
                {
                    failed++;
                    Console.Out.WriteLine($"round {seed}: FAILED");
                    foreach (var failure in round.Failures) Console.Out.WriteLine($"  {failure}");
                }
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            peak = Math.Max(peak, process.PeakWorkingSet64);
        }
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Fuzzed the notice import for {clock.Elapsed.TotalSeconds:0} s: {rounds} rounds, {failed} failed; {files:N0} files, {read:N0} records read, {quarantined:N0} quarantined"));
        Console.Out.WriteLine($"  quarantined by reason: {string.Join(", ", byReason.Select(r => $"{r.Key} {r.Value:N0}"))}");
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  peak working set of this process: {peak / (1024.0 * 1024):0} MB"));
        Console.Out.WriteLine(failed == 0 ? "No failures." : $"{failed} rounds failed.");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// Every table emptied (one TRUNCATE, so foreign keys never get in the way), the migration journal kept, and the audit
    /// log too: it refuses a TRUNCATE (docs/audit.md), and the import writes nothing to it.
    /// </summary>
    public static async Task EmptyAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        const string sql = """
            DO $$
            DECLARE tables text;
            BEGIN
                SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') INTO tables
                FROM   pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('schema_migrations', 'audit_log');
                IF tables IS NOT NULL THEN EXECUTE 'TRUNCATE ' || tables || ' RESTART IDENTITY CASCADE'; END IF;
            END $$;
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, cancellationToken: ct));
    }
}
