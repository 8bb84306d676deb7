namespace Dialer.Tests.Notices;

public sealed class IngestBenchmarkTests
{
    [Test]
    public async Task Bench_checkpoints_then_measures_the_import_the_increment_and_the_baseline_and_prints_ratios()
    {
        var (exitCode, output, errors) = await DialerProcess.RunAsync("bench", "ingest", "--notices", "3000");
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, errors);
            Assert.That(lines, Has.One.Match(@"^Notice ingest on \d+ cores, 3,000 notices \("));
            Assert.That(lines, Has.One.Match(@"^\(CHECKPOINT before the measures: \d+\.\d\d s\)$"), "the superuser of the test database may checkpoint");
            Assert.That(lines, Has.One.Match(@"^full import\s+\d+\.\d\d s\s+[\d,]+ notices/s"));
            Assert.That(lines, Has.One.Match(@"^daily increment\s+\d+\.\d\d s\s+20,000 notices"));
            Assert.That(lines, Has.One.Match(@"^raw binary COPY\s+\d+\.\d\d s\s+[\d,]+ rows/s"));
            Assert.That(lines, Has.One.Match(@"^full import rate / raw COPY rate\s+\d+\.\d\d$"));
            Assert.That(lines, Has.One.Match(@"^parse alone\s+\d+\.\d\d s\s+[\d,]+ notices/s"));
            Assert.That(lines, Has.One.Match(@"^parse\+stage rate / raw COPY rate\s+\d+\.\d\d$"));
            Assert.That(lines, Has.One.Match(@"^increment per notice / full per notice\s+\d+\.\d\d$"));
            Assert.That(lines, Has.One.Match(@"^full import, projected to 1,000,000\s+\d+\.\d s$"));
            Assert.That(lines.Count(l => l.StartsWith("stages: parse_and_stage", StringComparison.Ordinal)), Is.EqualTo(2), "the import's and the increment's stages");
        });
    }
}
