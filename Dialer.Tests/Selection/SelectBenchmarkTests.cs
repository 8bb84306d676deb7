namespace Dialer.Tests.Selection;

public sealed class SelectBenchmarkTests
{
    [Test]
    public async Task Bench_builds_its_dataset_in_a_fresh_database_measures_every_path_and_prints_ratios_and_plans()
    {
        var cs = await TestDatabase.CreateScratchDatabaseAsync("bench_select");
        var database = new NpgsqlConnectionStringBuilder(cs).Database!;
        try
        {
            var (exitCode, output, errors) = await DialerProcess.RunAsync(
                "bench", "select", "--people", "2000", "--rounds", "3", "--database", database);
            var lines = output.Split('\n').Select(l => l.TrimEnd()).ToList();

            Assert.Multiple(() =>
            {
                Assert.That(exitCode, Is.Zero, errors);
                Assert.That(lines, Has.One.Match(@"^Generated 2,000 people, [\d,]+ notices in "));
                Assert.That(lines, Has.One.Match(@"^Imported [1-9][\d,]* notices in "));
                Assert.That(lines, Has.One.Match(@"^Dataset: [\d,]+ people \(generated 2,000, seed 23\), selection date 2026-11-01$"));
                Assert.That(lines, Has.One.Match(@"^baseline: SELECT count\(\*\) FROM people \(full scan\)\s+\d+\.\d\s+\d+\.\d\s+1\.00×$"));
                Assert.That(lines, Has.One.Match(@"^count \+ first 5,000, widest campaign \([1-9][\d,]* eligible\)\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\d×$"));
                Assert.That(lines, Has.One.Match(@"^count \+ first 5,000, Cob23-like \([\d,]+ eligible\)\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\d×$"));
                Assert.That(lines, Has.One.Match(@"^full nightly selection, Cob23-like \(median of 3\)\s+\d+\s+\d+\.\d×$"));
                Assert.That(lines, Has.One.Match(@"^full nightly selection, widest campaign \(median of 3\)\s+\d+\s+\d+\.\d×$"));
                Assert.That(lines, Has.Exactly(2).Match(@"^  \([\d,]+ considered, [\d,]+ eligible, [\d,]+ added to the contact list\)$"));
                Assert.That(lines, Has.One.Match(@"^goal count \+ first 5,000 p95 ≤ 50 ms: (met|NOT met)$"));
                Assert.That(lines, Has.One.Match(@"^goal full nightly selection ≤ 3 s \(Cob23-like\): (met|NOT met)$"));
                Assert.That(lines, Has.Exactly(2).StartsWith("EXPLAIN (ANALYZE, BUFFERS) of the fast path"));
                Assert.That(lines, Has.Some.Match(@"^  .*Execution Time: \d"), "the plans are printed");
            });
        }
        finally
        {
            await TestDatabase.DropScratchDatabaseAsync("bench_select");
        }
    }
}
