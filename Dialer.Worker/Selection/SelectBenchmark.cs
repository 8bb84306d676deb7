using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dialer.Core.Campaigns;
using Dialer.Core.Database;
using Dialer.Core.Notices;
using Dialer.Core.Selection;
using Dialer.Core;
using Dialer.Worker.CommandLine;
using Dialer.Worker.Notices;

namespace Dialer.Worker.Selection;

/// <summary>
/// `dialer bench select`: the selection on a generated dataset (2 million people by default), through the
/// production path (generator → import → per-person state → selection). The dataset is built once in its own
/// database and reused while it matches; the baseline, measured in the same run, is a plain full count of
/// the people table, the floor of any pass over everyone.
/// </summary>
static class SelectBenchmark
{
    public static Command Create()
    {
        var people = new Option<int>("--people") { Description = "People in the generated dataset.", DefaultValueFactory = _ => 2_000_000 };
        var seed = new Option<int>("--seed") { Description = "Generator seed.", DefaultValueFactory = _ => 23 };
        var database = new Option<string>("--database") { Description = "Database for the dataset (created on the same server).", DefaultValueFactory = _ => "dialer_bench_select" };
        var rounds = new Option<int>("--rounds") { Description = "Timed repetitions of the fast path.", DefaultValueFactory = _ => 40 };
        var command = new Command("select", "Selection speed on a generated dataset: count of the eligible with the first 5,000 (goal p95 ≤ 50 ms) " +
            "and a full nightly selection (goal ≤ 3 s), with the EXPLAIN of the fast path.") { people, seed, database, rounds };
        command.SetAction(async (parse, ct) =>
        {
            var builder = CommandHost.CreateBuilder();
            builder.Configuration["Logging:Level"] = "Warning";
            await using var attachment = await CommandHost.AttachDatabaseAsync(builder, ct);
            var cs = new NpgsqlConnectionStringBuilder(attachment.ConnectionString) { Database = parse.GetValue(database) }.ConnectionString;
            await DatabaseServer.EnsureDatabaseAsync(attachment.ConnectionString, parse.GetValue(database)!, ct);
            builder.Configuration["ConnectionStrings:Dialer"] = cs;
            builder.Services.AddDialerCore(builder.Configuration);
            using var host = builder.Build();
            var services = host.Services;
            await services.GetRequiredService<Migrator>().RunAsync(ct: ct);
            await RunAsync(services, parse.GetValue(people), parse.GetValue(seed), parse.GetValue(rounds), ct);
            return 0;
        });
        return command;
    }

    static async Task RunAsync(IServiceProvider services, int people, int seed, int rounds, CancellationToken ct)
    {
        var db = services.GetRequiredService<NpgsqlDataSource>();
        var asOf = new DateOnly(2026, 11, 1);
        await EnsureDatasetAsync(services, db, people, seed, asOf, ct);

        var campaigns = services.GetRequiredService<CampaignStore>();
        // The widest campaign (every comune in the data, no cohort filter): the largest eligible set, the hardest count.
        await using (var conn = await db.OpenConnectionAsync(ct))
        {
            var comuni = (await conn.QueryAsync<string>(new CommandDefinition(
                "SELECT DISTINCT domicile_comune FROM people WHERE domicile_comune IS NOT NULL", cancellationToken: ct))).ToList();
            await campaigns.ApplyAsync(new CampaignDefinition
            {
                Slug = "bench-all",
                Name = "Benchmark: everyone",
                CallerId = "+390277404040",
                Territory = new Territory { Comuni = comuni },
            }, ct);
            await campaigns.ApplyAsync(new CampaignDefinition
            {
                Slug = "bench-cob23",
                Name = "Benchmark: women 30–44 in Milano",
                CallerId = "+390277404040",
                Territory = new Territory { Comuni = ["F205"] },
                Cohort = new Cohort { Sex = "F", AgeMin = 30, AgeMax = 44 },
            }, ct);
            await conn.ExecuteAsync(new CommandDefinition("DELETE FROM selection_runs; DELETE FROM contact_list_entries;", cancellationToken: ct));
            // VACUUM refuses to share a batch: fresh statistics and visibility map, as after a night's autovacuum.
            await conn.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE people", cancellationToken: ct));
        }
        var all = (await campaigns.FindAsync("bench-all", ct))!;
        var cob23 = (await campaigns.FindAsync("bench-cob23", ct))!;
        var eligibility = services.GetRequiredService<Eligibility>();
        var selection = services.GetRequiredService<NightlySelection>();
        long total;
        await using (var conn = await db.OpenConnectionAsync(ct))
            total = await conn.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM people", cancellationToken: ct));

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Dataset: {total:N0} people (generated {people:N0}, seed {seed}), selection date {asOf:yyyy-MM-dd}"));

        var baseline = await TimeAsync(rounds, async () =>
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await conn.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM people", cancellationToken: ct));
        });
        EligibleBatch batch = null!;
        var fastAll = await TimeAsync(rounds, async () => batch = await eligibility.FirstBatchAsync(all, asOf, 5000, ct));
        var eligibleAll = batch.Eligible;
        var fastCob23 = await TimeAsync(rounds, async () => batch = await eligibility.FirstBatchAsync(cob23, asOf, 5000, ct));
        var eligibleCob23 = batch.Eligible;

        var (fullCob23, cascadeCob23) = await FullRunsAsync(selection, db, "bench-cob23", asOf, ct);
        var (full, cascade) = await FullRunsAsync(selection, db, "bench-all", asOf, ct);

        Console.Out.WriteLine();
        Console.Out.WriteLine($"{"measure",-58} {"p50 ms",9} {"p95 ms",9} {"× baseline",11}");
        Row("baseline: SELECT count(*) FROM people (full scan)", baseline, baseline);
        Row(string.Create(CultureInfo.InvariantCulture, $"count + first 5,000, widest campaign ({eligibleAll:N0} eligible)"), fastAll, baseline);
        Row(string.Create(CultureInfo.InvariantCulture, $"count + first 5,000, Cob23-like ({eligibleCob23:N0} eligible)"), fastCob23, baseline);
        foreach (var (name, ms, c) in new[] { ("Cob23-like", fullCob23, cascadeCob23), ("widest campaign", full, cascade) })
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"full nightly selection, " + name + " (median of 3)",-58} {ms,9:F0} {"",9} {ms / baseline.P50,10:F1}×"));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  ({c.Considered:N0} considered, {c.Eligible:N0} eligible, {c.Added:N0} added to the contact list)"));
        }
        Console.Out.WriteLine();
        Console.Out.WriteLine(Verdict("count + first 5,000 p95 ≤ 50 ms", Math.Max(fastAll.P95, fastCob23.P95) <= 50));
        Console.Out.WriteLine(Verdict("full nightly selection ≤ 3 s (Cob23-like)", fullCob23 <= 3000));

        Console.Out.WriteLine();
        foreach (var (name, campaign) in new[] { ("widest campaign", all), ("Cob23-like", cob23) })
        {
            Console.Out.WriteLine($"EXPLAIN (ANALYZE, BUFFERS) of the fast path (count and first 5,000), {name}:");
            foreach (var line in await eligibility.ExplainFastPathAsync(campaign, asOf, 5000, ct)) Console.Out.WriteLine("  " + line);
        }
    }

    /// <summary>Three runs of one campaign's selection on the same day, each undone after; the median time and the cascade.</summary>
    static async Task<(double Median, Cascade Cascade)> FullRunsAsync(NightlySelection selection, NpgsqlDataSource db, string slug, DateOnly asOf, CancellationToken ct)
    {
        var runs = new List<double>();
        Cascade cascade = null!;
        for (var i = 0; i < 3; i++)
        {
            var sw = Stopwatch.StartNew();
            cascade = (await selection.RunAsync(slug, asOf, SelectionTrigger.Manual, ct)).Cascade;
            runs.Add(sw.Elapsed.TotalMilliseconds);
            // Undo the run so the next one repeats it on the same day; vacuum so dead rows do not skew what follows.
            await using var conn = await db.OpenConnectionAsync(ct);
            await conn.ExecuteAsync(new CommandDefinition("DELETE FROM selection_runs; DELETE FROM contact_list_entries;", cancellationToken: ct));
            await conn.ExecuteAsync(new CommandDefinition("VACUUM contact_list_entries, selection_runs", cancellationToken: ct));
        }
        return (runs.Order().ElementAt(1), cascade);
    }

    static string Verdict(string goal, bool met) => $"goal {goal}: {(met ? "met" : "NOT met")}";

    static void Row(string name, (double P50, double P95) t, (double P50, double P95) baseline) =>
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-58} {t.P50,9:F1} {t.P95,9:F1} {t.P50 / baseline.P50,10:F2}×"));

    static async Task<(double P50, double P95)> TimeAsync(int rounds, Func<Task> action)
    {
        await action(); // warm-up: plans and pages cached, as in a running system
        var samples = new List<double>(rounds);
        for (var i = 0; i < rounds; i++)
        {
            var sw = Stopwatch.StartNew();
            await action();
            samples.Add(sw.Elapsed.TotalMilliseconds);
        }
        samples.Sort();
        return (samples[samples.Count / 2], samples[(int)Math.Ceiling(samples.Count * 0.95) - 1]);
    }

    static async Task EnsureDatasetAsync(IServiceProvider services, NpgsqlDataSource db, int people, int seed, DateOnly asOf, CancellationToken ct)
    {
        await using (var conn = await db.OpenConnectionAsync(ct))
        {
            await conn.ExecuteAsync(new CommandDefinition(
                "CREATE TABLE IF NOT EXISTS bench_dataset (people integer NOT NULL, seed integer NOT NULL, built_at timestamptz NOT NULL DEFAULT now())",
                cancellationToken: ct));
            var built = await conn.QuerySingleOrDefaultAsync<(int People, int Seed)?>(new CommandDefinition(
                "SELECT people, seed FROM bench_dataset", cancellationToken: ct));
            if (built is { } b && b.People == people && b.Seed == seed)
            {
                Console.Out.WriteLine("Reusing the generated dataset already in this database.");
                return;
            }
            // CASCADE: the database is the bench's own, and later migrations hang tables on these (call_queue references
            // contact_list_entries since 0410); without it TRUNCATE refuses with 0A000 before anything is measured.
            await conn.ExecuteAsync(new CommandDefinition(
                "TRUNCATE bench_dataset, notices, people, employment_spells, person_contacts, notice_quarantine, contact_list_entries, selection_runs CASCADE",
                cancellationToken: ct));
        }

        var folder = Path.Combine(Path.GetTempPath(), $"dialer-bench-select-{seed}-{people}");
        Directory.CreateDirectory(folder);
        var sw = Stopwatch.StartNew();
        var manifest = NoticeDatasetWriter.Write(new NoticeGenerator(new GeneratorOptions { People = people, Seed = seed, AsOf = asOf }), folder, DatasetFormat.Csv, ct);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Generated {manifest.People:N0} people, {manifest.Notices:N0} notices in {sw.Elapsed.TotalSeconds:F1} s"));
        sw.Restart();
        var summary = await services.GetRequiredService<NoticeIngest>().RunAsync(NoticeInput.FromPaths([folder]), ct: ct);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Imported {summary.Imported:N0} notices in {sw.Elapsed.TotalSeconds:F1} s"));
        Directory.Delete(folder, recursive: true);
        await using (var conn = await db.OpenConnectionAsync(ct))
            await conn.ExecuteAsync(new CommandDefinition("INSERT INTO bench_dataset (people, seed) VALUES (@people, @seed)", new { people, seed }, cancellationToken: ct));
    }
}
