namespace Dialer.Tests.Telephony;

public sealed class WebhookBenchTests
{
    [Test]
    public async Task Bench_runs_every_variant_stores_every_durable_callback_and_prints_ratios()
    {
        var (exit, output, errors) = await DialerProcess.RunAsync("bench", "webhooks", "--requests", "200", "--concurrency", "4", "--rounds", "1");

        var lines = output.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, errors);
            Assert.That(lines.Single(l => l.StartsWith("no database write", StringComparison.Ordinal)), Does.Match(@"\s0\s+0\s+1\.00x"));
            Assert.That(lines.Single(l => l.StartsWith("one transaction per callback", StringComparison.Ordinal)), Does.Match(@"\s0\s+200\s+\d+\.\d\dx"));
            Assert.That(lines.Single(l => l.StartsWith("group commit", StringComparison.Ordinal)), Does.Match(@"\s0\s+200\s+\d+\.\d\dx"));
            Assert.That(lines, Has.One.Match(@"^Goal: durable ≥ 2,000/s with p99 ≤ 100 ms: per callback (met|NOT met), group commit (met|NOT met)\.$"));
            Assert.That(lines, Has.One.Match(@"^Stretch: group commit ≥ 8,000/s: (met|NOT met) \(\d+\.\dx one transaction per callback\)\.$"));
        });
    }
}
