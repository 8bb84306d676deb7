namespace Dialer.Tests.Notices;

public sealed class FuzzBenchmarkTests
{
    [Test]
    public async Task Bench_runs_a_first_load_round_and_a_merge_round_and_prints_its_totals()
    {
        var (exitCode, output, errors) = await DialerProcess.RunAsync("bench", "fuzz-import", "--seconds", "600", "--rounds", "2", "--files", "17");
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, output + errors);
            Assert.That(lines, Has.One.Match(@"^Fuzzed the notice import for \d+ s: 2 rounds, 0 failed; \d+ files, [\d,]+ records read, [\d,]+ quarantined$"));
            Assert.That(lines, Has.One.Match(@"^quarantined by reason: .*Malformed [\d,]+"));
            Assert.That(lines, Has.One.Match(@"^peak working set of this process: \d+ MB$"));
            Assert.That(lines, Has.One.EqualTo("No failures."));
        });
    }
}
